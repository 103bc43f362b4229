"""`attentive serve` given a state file or option values it can't use: one line naming it, before it listens."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from attentive_toolkit.cli.main import cli
from attentive_toolkit.cli.outcome import run
from attentive_toolkit.server.faults import faults_from_json
from attentive_toolkit.server.request_body import BadRequest
from attentive_toolkit.server.storage import StateFileError, Store


def serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = run(cli, ["serve", "--port", "0", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def _other_programs_db(folder: Path) -> Path:
    path = folder / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (id INTEGER)")
    db.close()
    return path


def _garbage(folder: Path) -> Path:
    path = folder / "state.db"
    path.write_bytes(b"garbage" * 1000)
    return path


def _in_missing_folder(folder: Path) -> Path:
    return folder / "no-such-folder" / "state.db"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_garbage, "file is not a database"),
        (_in_missing_folder, "unable to open database file"),
        (_other_programs_db, "an SQLite database of another program (tables accounts)"),
    ],
)
def test_a_state_file_it_cant_use_is_refused_before_listening(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Callable[[Path], Path], problem: str
) -> None:
    db = make(tmp_path)
    before = db.read_bytes() if db.exists() else None
    status, out, err = serve(capsys, "--db", str(db))
    assert status == 1
    assert str(db) in err and problem in err
    assert "reference server:" not in out  # refused before it printed an address or listened
    assert (db.read_bytes() if db.exists() else None) == before


def test_a_state_file_it_wrote_opens_again(tmp_path: Path) -> None:
    Store(tmp_path / "state.db").close()
    Store(tmp_path / "state.db").close()
    with pytest.raises(StateFileError):
        Store(_other_programs_db(tmp_path))


@pytest.mark.parametrize("option", ["--job-pace", "--header-timeout", "--body-timeout", "--shutdown-timeout"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_seconds_must_be_finite(capsys: pytest.CaptureFixture[str], option: str, value: str) -> None:
    status, _, err = serve(capsys, option, value)
    assert status == 2 and f"Invalid value for '{option}': '{value}' is not a finite number of seconds" in err


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"operations": {"*": {"rate500": float("nan")}}}, "/operations/*/rate500"),
        ({"operations": {"*": {"latencySeconds": float("inf")}}}, "/operations/*/latencySeconds"),
        ({"*": {"rate500": 0.5}}, "/*"),
    ],
)
def test_a_fault_configuration_with_nan_infinity_or_unknown_keys_is_refused(
    document: dict[str, object], where: str
) -> None:
    with pytest.raises(BadRequest) as refused:
        faults_from_json(document, {"getMeV2"})
    assert [violation.path for violation in refused.value.violations] == [where]


@pytest.mark.parametrize("name", ["", "*", "*.sandbox.test", "two words"])
def test_an_allowed_host_that_would_allow_nothing_is_refused(capsys: pytest.CaptureFixture[str], name: str) -> None:
    status, _, err = serve(capsys, "--allowed-host", name)
    assert status == 2 and f"{name!r} is not a host name (exact names only, no patterns)" in err


@pytest.mark.parametrize(
    ("tokens", "said"),
    [
        (["tok-a=attributes:write", "tok-a"], "the same token is given twice (token 2)"),
        (["tok\nb"], "the token holds a control character"),
    ],
)
def test_a_token_list_it_cant_use_is_refused_without_showing_a_token(
    capsys: pytest.CaptureFixture[str], tokens: list[str], said: str
) -> None:
    status, out, err = serve(capsys, *[arg for token in tokens for arg in ("--token", token)])
    assert status == 2 and said in err
    assert "tok-a" not in out + err and "tok\nb" not in out + err

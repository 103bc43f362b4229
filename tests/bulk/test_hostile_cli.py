"""`attentive bulk import` given inputs and options it can't use: refused up front, by name, nothing overwritten.

Every case here stops before a request is sent (the base URL points where nothing listens)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from attentive_toolkit.bulk.importer import ImportOptions
from attentive_toolkit.cli.main import cli
from attentive_toolkit.server.settings import DEV_TOKEN

from .conftest import user_record, write_lines

NOWHERE = "http://127.0.0.1:9"


def invoke(*arguments: str, base_url: str = NOWHERE) -> tuple[int, str]:
    env = {"ATTENTIVE_API_TOKEN": DEV_TOKEN, "ATTENTIVE_BASE_URL": base_url}
    result = CliRunner().invoke(cli, ["bulk", "import", *arguments], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "users.jsonl", [json.dumps(user_record(1)), json.dumps(user_record(2))])


@pytest.mark.parametrize("option", ["--report", "--rejects", "--journal"])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(source: Path, option: str) -> None:
    before = source.read_bytes()
    code, output = invoke(str(source), option, str(source))
    assert code == 4
    assert f"the input (SOURCE) and the {option[2:]} ({option}) are the same file" in output
    assert source.read_bytes() == before


def test_two_outputs_in_one_file_are_refused(source: Path, tmp_path: Path) -> None:
    shared = tmp_path / "out.json"
    code, output = invoke(str(source), "--rejects", str(shared), "--report", str(shared), "--json")
    assert code == 4
    assert (
        "the rejects (--rejects) and the report (--report) are the same file" in json.loads(output)["error"]["message"]
    )
    assert not shared.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_as_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "users.jsonl"
    os.mkfifo(fifo)
    code, output = invoke(str(fifo))
    assert code == 4 and f"{fifo}: not a regular file" in output


def test_columns_on_json_lines_is_a_usage_error_not_ignored(source: Path) -> None:
    code, output = invoke(str(source), "--columns", "email")
    assert code == 2 and "--columns maps CSV columns" in output
    assert not source.with_name("users.jsonl.journal.sqlite").exists()


@pytest.mark.parametrize("base_url", ["notaurl", "ftp://127.0.0.1:9"])
def test_a_base_url_that_is_not_http_is_refused_before_sending(source: Path, base_url: str) -> None:
    code, output = invoke(str(source), base_url=base_url)
    assert code == 4
    assert f"ATTENTIVE_BASE_URL: {base_url!r} is not an http(s) URL" in output


def test_a_corrupt_journal_is_named(source: Path, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    journal.write_bytes(b"not a database, " * 300)
    code, output = invoke(str(source), "--journal", str(journal))
    assert code == 4
    assert f"{journal} can't be used as the journal (file is not a database)" in output


def test_another_programs_database_is_not_taken_as_a_journal(source: Path, tmp_path: Path) -> None:
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE accounts (id INTEGER)")
    db.close()
    before = other.read_bytes()
    code, output = invoke(str(source), "--journal", str(other))
    assert code == 4 and "an SQLite database of another program (tables accounts)" in output
    assert other.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("\r\n\r\n", "header row (line 1): empty; the first line of a CSV names its columns"),
        ("foo,bar\r\n1,2\r\n", "header row (line 1): column 'foo' maps to 'foo', which is not a known field"),
    ],
)
def test_a_csv_header_it_cant_map_is_named_with_file_and_line(tmp_path: Path, text: str, said: str) -> None:
    source = tmp_path / "users.csv"
    source.write_bytes(text.encode("utf-8"))
    code, output = invoke(str(source))
    assert code == 4 and f"{source}: {said}" in output


def test_a_library_caller_whose_report_is_the_input_is_refused_before_anything_is_written(source: Path) -> None:
    before = source.read_bytes()
    with pytest.raises(ValueError, match=r"the input \(SOURCE\) and the report \(--report\) are the same file"):
        ImportOptions(source=source, report=source.parent / "." / source.name)
    assert source.read_bytes() == before

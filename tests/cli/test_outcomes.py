"""Every way a user can get `attentive` wrong ends in one line (or one JSON object) and an exit status."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from attentive_toolkit.cli import main as main_module
from attentive_toolkit.cli.main import cli
from attentive_toolkit.cli.outcome import run
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import ServerSettings

REPO = Path(__file__).resolve().parents[2]


def attentive(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = run(cli, list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


@pytest.fixture
def outside_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ATTENTIVE_PROJECT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(ServerSettings(job_pace_seconds=0)) as base_url:
        yield base_url


def test_attentive_alone_prints_help_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = attentive(capsys)
    assert status == 0
    assert out.startswith("Usage: attentive")
    assert "spec" in out and "serve" in out


@pytest.mark.parametrize("group", ["spec", "job"])
def test_a_group_alone_prints_its_help(capsys: pytest.CaptureFixture[str], group: str) -> None:
    status, out, _ = attentive(capsys, group)
    assert status == 0 and out.startswith(f"Usage: attentive {group}")


@pytest.mark.parametrize("command", [["spec", "audit"], ["spec", "drift"], ["spec", "overlays"], ["spec", "regen"]])
def test_spec_commands_outside_a_checkout_say_so(
    capsys: pytest.CaptureFixture[str], outside_checkout: Path, command: list[str]
) -> None:
    status, _, err = attentive(capsys, *command)
    assert status == 1
    assert err.strip().splitlines() == [
        f"Error: no project root (a folder with openapi.json and overlays/) at or above {outside_checkout.resolve()}; "
        "run from the checkout or set ATTENTIVE_PROJECT_ROOT"
    ]


def test_spec_update_outside_a_checkout_says_so(capsys: pytest.CaptureFixture[str], outside_checkout: Path) -> None:
    status, _, err = attentive(capsys, "spec", "update", "new.json")
    assert status == 1 and "no project root" in err


def test_audit_of_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = attentive(capsys, "spec", "audit", str(tmp_path / "nope.json"))
    assert status == 2 and "does not exist" in err


def test_audit_of_a_file_that_is_not_json_names_the_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": ', encoding="utf-8")
    status, _, err = attentive(capsys, "spec", "audit", str(broken))
    assert status == 1 and "line 1, column 13: not valid JSON" in err


def test_audit_of_a_binary_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "spec.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    status, _, err = attentive(capsys, "spec", "audit", str(binary))
    assert status == 1 and str(binary) in err


def test_with_json_errors_are_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = attentive(capsys, "spec", "audit", "--json", str(tmp_path / "nope.json"))
    assert status == 2
    error = json.loads(out)["error"]
    assert error["kind"] == "usage" and error["exit_code"] == 2 and "does not exist" in error["message"]


def test_with_json_an_error_outside_a_checkout_is_json(
    capsys: pytest.CaptureFixture[str], outside_checkout: Path
) -> None:
    status, out, _ = attentive(capsys, "spec", "audit", "--json")
    assert status == 1
    assert json.loads(out)["error"]["kind"] == "not-a-checkout"


def test_unknown_command_and_bad_option_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert attentive(capsys, "no-such-command")[0] == 2
    status, _, err = attentive(capsys, "upsert", "--email", "a@example.com", "--custom", "no-equals-sign")
    assert status == 2 and "KEY=VALUE" in err


@pytest.mark.parametrize("command", [["me"], ["upsert"], ["job", "status"]])
def test_api_commands_name_their_environment_in_help(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    status, out, _ = attentive(capsys, *command, "--help")
    assert status == 0
    assert "ATTENTIVE_API_TOKEN" in out
    assert "env var: ATTENTIVE_BASE_URL" in out


def test_api_command_without_token_says_which_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATTENTIVE_API_TOKEN", raising=False)
    status, out, _ = attentive(capsys, "me", "--json")
    assert status == 2
    assert "ATTENTIVE_API_TOKEN" in json.loads(out)["error"]["message"]


def test_api_error_as_json_carries_status_and_no_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "wrong-token-1234")
    status, out, _ = attentive(capsys, "me", "--json", "--base-url", server)
    assert status == 1
    error = json.loads(out)["error"]
    assert error["kind"] == "api" and error["status_code"] == 401 and error["operation_id"] == "getMeV2"
    assert "wrong-token-1234" not in out


def test_base_url_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    monkeypatch.setenv("ATTENTIVE_BASE_URL", server)
    status, out, _ = attentive(capsys, "me")
    assert status == 0 and json.loads(out)["companyName"]


def test_nothing_listening_on_loopback_says_to_start_the_reference_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
        status, _, err = attentive(capsys, "me", "--base-url", f"http://127.0.0.1:{port}")
    assert status == 1
    assert f"hint: nothing answers at http://127.0.0.1:{port}: start the reference server there with " in err
    assert f"`attentive serve --port {port}`" in err
    assert "Traceback" not in err


def test_subscribe_without_a_sign_up_source_or_locale_names_the_flags(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    status, _, err = attentive(capsys, "upsert", "--phone", "+15005550006", "--subscribe", "TEXT")
    assert status == 2
    assert "--subscribe TEXT needs --sign-up-source-id ID or --locale LANGUAGE-COUNTRY (e.g. en-US)" in err
    assert "anyOf" not in err


def test_conformance_run_without_the_suites_tools_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for name in ('pytest', 'schemathesis', 'hypothesis', '_pytest'):\n"
        "    sys.modules[name] = None\n"
        "from attentive_toolkit.cli.main import main; main()\n"
    )
    process = _python(code, "conformance", "run")
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "this command needs the conformance suite's tools" in err
    assert "python -m pip install -e '.[conformance]' (in the attentive-toolkit checkout)" in err


def test_ctrl_c_exits_130_without_aborted(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(**_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(me_command(), "callback", interrupted)
    status, out, err = attentive(capsys, "me")
    assert status == 130
    assert "Aborted" not in out + err


def test_a_bug_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("ATTENTIVE_DEBUG", raising=False)
    monkeypatch.setattr(me_command(), "callback", broken)
    status, _, err = attentive(capsys, "me")
    assert status == 70
    assert "internal error (RuntimeError: boom)" in err and "ATTENTIVE_DEBUG=1" in err


def test_main_exits_with_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as done:
        main_module.main(["--version"])
    assert done.value.code == 0
    with pytest.raises(SystemExit) as done:
        main_module.main(["no-such-command"])
    assert done.value.code == 2


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ATTENTIVE_API_TOKEN": "dev-token"}
    command = [sys.executable, "-c", code, *args]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigint_while_waiting_for_the_api_exits_130_quietly() -> None:
    # A listener that takes the connection and never answers: the command is waiting when Ctrl-C arrives.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(60)
        port = listener.getsockname()[1]
        # A shell without job control starts background jobs with SIGINT ignored and children inherit that (CI,
        # a tox run started with `&`); restore what a terminal user's process has, Python's own handler.
        command = (
            "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from attentive_toolkit.cli.main import main; main()"
        )
        process = _python(command, "me", "--base-url", f"http://127.0.0.1:{port}")
        connection, _ = listener.accept()
        with connection:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and "Aborted" not in err
    assert out == ""


def test_codegen_commands_without_the_codegen_extra_say_what_to_install(tmp_path: Path) -> None:
    # Simulates a plain install: the codegen extra's modules can't be imported.
    code = (
        "import sys\n"
        "for name in ('griffe', 'openapi_python_client', 'openapi_spec_validator', 'jsonpath_rfc9535'):\n"
        "    sys.modules[name] = None\n"
        "from attentive_toolkit.cli.main import main; main()\n"
    )
    process = _python(code, "spec", "overlays")
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "Traceback" not in err
    # attentive-toolkit is on no package index: the hint installs the extra from the checkout.
    assert "python -m pip install -e '.[codegen]' (in the attentive-toolkit checkout)" in err


def test_serve_and_bulk_import_need_no_codegen_module() -> None:
    code = (
        "import sys\n"
        "import attentive_toolkit.cli.main, attentive_toolkit.server.app, attentive_toolkit.bulk.importer\n"
        "from attentive_toolkit.cli.outcome import EXTRA_MODULES\n"
        "print(sorted(name for name in EXTRA_MODULES['codegen'] if name in sys.modules))\n"
    )
    process = _python(code)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert out.strip() == "[]"


@pytest.mark.parametrize("url", ["notaurl", "ftp://example.com", "http://", "http://[::1"])
def test_a_base_url_that_is_not_http_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    status, _, err = attentive(capsys, "job", "status", "job-1", "--base-url", url)
    assert status == 2 and "is not an http(s) URL with a host" in err


def test_the_spec_commands_do_not_need_the_generated_client() -> None:
    # `attentive spec regen` repairs a stale or broken generated/: loading the command must not import it.
    code = "import sys, attentive_toolkit.cli.main; print(any(m.startswith('attentive_client') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def me_command() -> click.Command:
    from attentive_toolkit.cli.api_commands import me

    return me

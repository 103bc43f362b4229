"""The shell commands: ``attentive me``, ``upsert``, ``job status`` and ``bulk import``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.server.settings import DEV_TOKEN

from .conftest import stored_users, user_record, write_lines


def invoke(base_url: str, *arguments: str, token: str = DEV_TOKEN) -> tuple[int, str, str]:
    runner = CliRunner()
    env = {"ATTENTIVE_API_TOKEN": token, "ATTENTIVE_BASE_URL": base_url}
    result = runner.invoke(cli, list(arguments), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_me_upsert_and_job_status(tmp_path: Path, server: str) -> None:
    code, out, _ = invoke(server, "me")
    assert code == 0 and json.loads(out)["companyName"]

    code, out, _ = invoke(server, "upsert", "--email", "ann@example.com", "--first-name", "Ann", "--custom", "age=41")
    assert code == 0, out
    [user] = stored_users(server)
    assert user["attributes"] == {"firstName": "Ann", "custom": {"age": 41}}

    source = write_lines(tmp_path / "one.jsonl", [json.dumps(user_record(1))])
    code, out, _ = invoke(server, "bulk", "import", str(source), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["counts"]["accepted"] == 1 and report["balanced"]
    assert json.loads((tmp_path / "one.jsonl.report.json").read_text(encoding="utf-8")) == report

    code, out, _ = invoke(server, "job", "status", "no-such-job")
    assert code == 1


def test_a_wrong_token_is_refused_without_printing_it(tmp_path: Path, server: str) -> None:
    code, _, err = invoke(server, "me", token="not-the-token-xyz")
    assert code == 1 and "401" in err and "not-the-token-xyz" not in err

    source = write_lines(tmp_path / "one.jsonl", [json.dumps(user_record(1))])
    code, out, _ = invoke(server, "bulk", "import", str(source), "--json", token="not-the-token-xyz")
    report = json.loads(out)
    assert code == 4 and "401" in report["stopped"] and "not-the-token-xyz" not in out
    assert report["counts"]["unknown"] == 1 and report["review"][0]["sent_again_on_resume"]


def test_job_status_of_a_real_job(tmp_path: Path, server: str) -> None:
    source = write_lines(tmp_path / "two.jsonl", [json.dumps(user_record(1)), json.dumps(user_record(2))])
    invoke(server, "bulk", "import", str(source), "--json")
    with sqlite3.connect(tmp_path / "two.jsonl.journal.sqlite") as db:
        (job_id,) = db.execute("SELECT job_id FROM batches").fetchone()
    code, out, _ = invoke(server, "job", "status", job_id)
    assert code == 0 and json.loads(out)["status"] == "COMPLETED"


def test_csv_import_from_the_shell(tmp_path: Path, server: str) -> None:
    source = write_lines(
        tmp_path / "people.csv", ["email,phone,firstName,color", "a@example.com,+15005550006,Ann,green"]
    )
    code, out, _ = invoke(
        server, "bulk", "import", str(source), "--columns", "email,phone,firstName,custom.favorite_color", "--json"
    )
    assert code == 0, out
    [user] = stored_users(server)
    assert user["attributes"] == {"firstName": "Ann", "custom": {"favorite_color": "green"}}


def test_an_import_that_cannot_start_does_not_exit_as_if_lines_were_rejected(tmp_path: Path, server: str) -> None:
    # Exit 1 means "some lines were rejected"; a mapping that cannot be applied sent nothing at all.
    source = write_lines(tmp_path / "people.csv", ["email,favourite", "a@example.com,green"])
    code, out, _ = invoke(server, "bulk", "import", str(source), "--json")
    error = json.loads(out)["error"]
    assert code == 4 and error["exit_code"] == 4 and error["kind"] == "not-run" and "favourite" in error["message"]
    assert stored_users(server) == []
    # Nothing was sent, so nothing is left to resume: the corrected command runs.
    assert not (tmp_path / "people.csv.journal.sqlite").exists()
    code, out, _ = invoke(server, "bulk", "import", str(source), "--columns", "email,custom.favourite", "--json")
    assert code == 0, out
    assert [user["attributes"] for user in stored_users(server)] == [{"custom": {"favourite": "green"}}]


def test_json_errors_are_json_and_never_show_the_token(tmp_path: Path, server: str) -> None:
    code, out, _ = invoke(server, "bulk", "import", str(tmp_path / "missing.jsonl"), "--json")
    assert code == 4 and "missing.jsonl" in json.loads(out)["error"]["message"]
    code, out, err = invoke(server, "bulk", "import", str(tmp_path / "missing.jsonl"))
    assert code == 4 and "missing.jsonl" in err and not out
    code, out, _ = invoke(server, "bulk", "import", str(tmp_path / "missing.jsonl"), "--batch-size", "0", "--json")
    usage = json.loads(out)["error"]
    assert code == 2 and usage["kind"] == "usage" and usage["exit_code"] == 2 and "batch-size" in usage["message"]
    source = write_lines(tmp_path / "one.jsonl", [json.dumps(user_record(1))])
    code, out, _ = invoke(server, "bulk", "import", str(source), "--json", token=" ")
    assert code == 4 and "ATTENTIVE_API_TOKEN" in json.loads(out)["error"]["message"]


def test_job_ids_are_in_the_report_and_on_the_terminal(tmp_path: Path, server: str) -> None:
    source = write_lines(tmp_path / "three.jsonl", [json.dumps(user_record(index)) for index in range(3)])
    code, out, _ = invoke(server, "bulk", "import", str(source), "--batch-size", "2")
    with sqlite3.connect(tmp_path / "three.jsonl.journal.sqlite") as db:
        job_ids = [row[0] for row in db.execute("SELECT job_id FROM batches ORDER BY seq")]
    assert code == 0 and len(job_ids) == 2
    assert all(job_id in out for job_id in job_ids)
    report = json.loads((tmp_path / "three.jsonl.report.json").read_text(encoding="utf-8"))
    assert [job["job_id"] for job in report["jobs"]] == job_ids
    assert [(job["first_line"], job["last_line"]) for job in report["jobs"]] == [(1, 2), (3, 3)]


def test_job_ids_are_printed_only_with_verbose(tmp_path: Path, server: str) -> None:
    quiet = write_lines(tmp_path / "quiet.jsonl", [json.dumps(user_record(1))])
    code, _, err = invoke(server, "bulk", "import", str(quiet))
    assert code == 0 and "job" not in err

    chatty = write_lines(tmp_path / "chatty.jsonl", [json.dumps(user_record(2))])
    code, _, err = invoke(server, "bulk", "import", str(chatty), "--verbose")
    assert code == 0 and "batch 0: job " in err

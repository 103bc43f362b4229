"""One importer per input: a second importer of the same data is refused at once, whatever its journal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from attentive_toolkit.bulk.journal import JournalMismatch
from attentive_toolkit.bulk.lock import LOCK_DIR_VARIABLE, ImportLock, ImportLocked, journal_lock_path
from attentive_toolkit.bulk.report import EXIT_LOCKED
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings

from .conftest import run_import, stored_users, write_users

AUTH = {"Authorization": f"Bearer {DEV_TOKEN}"}


def server_jobs(base_url: str) -> list[dict[str, object]]:
    jobs: list[dict[str, object]] = httpx.get(f"{base_url}/_sandbox/jobs", headers=AUTH, timeout=60).json()["jobs"]
    return jobs


def test_an_import_whose_journal_is_locked_is_refused_before_sending(tmp_path: Path, server: str) -> None:
    source = write_users(tmp_path / "users.jsonl", 10)
    journal = tmp_path / "users.jsonl.journal.sqlite"
    with ImportLock() as holder:
        holder.take(journal_lock_path(journal), "the journal")
        with pytest.raises(ImportLocked) as refused:
            run_import(server, source, lock_dir=tmp_path / "locks")

    message = str(refused.value)
    assert f"pid {os.getpid()} on " in message and "since 20" in message
    assert server_jobs(server) == []
    # Released with its holder: the same command now runs.
    assert run_import(server, source, lock_dir=tmp_path / "locks").counts["accepted"] == 10


def test_a_journal_mismatch_names_the_option_and_both_values(tmp_path: Path, server: str) -> None:
    source = write_users(tmp_path / "users.jsonl", 3)
    run_import(server, source, lock_dir=tmp_path / "locks")
    with pytest.raises(JournalMismatch) as mismatch:
        run_import(server, source, lock_dir=tmp_path / "locks", batch_size=100)
    assert "--batch-size is 256 in the journal, 100 now" in str(mismatch.value)


def test_a_rerun_of_a_finished_import_says_nothing_was_sent(tmp_path: Path, server: str) -> None:
    source = write_users(tmp_path / "users.jsonl", 3)
    run_import(server, source, lock_dir=tmp_path / "locks")
    again = run_import(server, source, lock_dir=tmp_path / "locks")
    assert again.requests_sent == 0
    assert again.summary_lines()[0].startswith("already complete, nothing sent")
    assert len(server_jobs(server)) == 1


@pytest.fixture
def slow_server() -> Iterator[str]:
    """Two bulk jobs a second: the 8 jobs of 2,000 users take seconds, so importers started together overlap even
    when a loaded machine starts them a second apart (at the spec's 100 a second the first was done in one)."""
    with running_server(ServerSettings(rate_limits={"postBulkUserAttributes": 2})) as base_url:
        yield base_url


@pytest.mark.e2e
def test_importers_started_at_once_on_one_input_import_it_once(tmp_path: Path, slow_server: str) -> None:
    server = slow_server
    source = write_users(tmp_path / "users.jsonl", 2000, subscribed_every=5)
    copy = tmp_path / "copy" / "users.jsonl"
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    env = {
        **os.environ,
        "ATTENTIVE_API_TOKEN": DEV_TOKEN,
        "ATTENTIVE_BASE_URL": server,
        LOCK_DIR_VARIABLE: str(tmp_path / "locks"),
    }
    entry = "import sys; from attentive_toolkit.cli.main import main; main(sys.argv[1:])"
    command = [sys.executable, "-c", entry, "bulk", "import", "--json"]
    runs = [
        [*command, str(source)],
        [*command, str(source)],
        [*command, str(copy), "--journal", str(tmp_path / "other.journal.sqlite")],
    ]
    started = [subprocess.Popen(run, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for run in runs]
    results = [(process.wait(timeout=300), *process.communicate()) for process in started]

    codes = sorted(code for code, _, _ in results)
    assert codes == [0, EXIT_LOCKED, EXIT_LOCKED], results
    for code, out, _ in results:
        if code == EXIT_LOCKED:
            error = json.loads(out)["error"]
            assert error["kind"] == "locked" and error["exit_code"] == EXIT_LOCKED
            refusal = error["message"]
            assert "another import of" in refusal and "pid " in refusal and "since " in refusal
    # Nobody applied twice: one job per batch of the one importer, and one subscription per subscribed user.
    assert sum(int(str(job["totalRecords"])) for job in server_jobs(server)) == 2000
    subscribed = [user for user in stored_users(server) if user["subscriptions"]]
    assert len(subscribed) == 400
    assert all(len(user["subscriptions"]) == 1 for user in subscribed)


def test_a_lock_held_by_a_killed_process_is_released_with_it(tmp_path: Path) -> None:
    lock_file = tmp_path / "users.jsonl.journal.sqlite.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib; from attentive_toolkit.bulk.lock import ImportLock; "
            "lock = ImportLock(); lock.take(pathlib.Path(sys.argv[1]), 'x'); print('held', flush=True); "
            "sys.stdin.read()",
            str(lock_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    with pytest.raises(ImportLocked), ImportLock() as refused:
        refused.take(lock_file, "the journal")
    holder.kill()  # SIGKILL: no clean-up runs, the kernel drops the lock
    holder.wait(timeout=30)
    with ImportLock() as taken:
        taken.take(lock_file, "the journal")
        assert f'"pid": {os.getpid()}' in lock_file.read_text(encoding="utf-8")

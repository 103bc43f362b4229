"""A run killed with SIGKILL and run again: every record stored once, every line accounted for."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attentive_toolkit.bulk.journal import Journal, JournalMismatch
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings

from .conftest import stored_users, write_users
from .test_import import assert_stored_once

KILL_AFTER_SUBMITTED = 6
READY_DEADLINE_SECONDS = 60


def start_import(base_url: str, source: Path, journal: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ATTENTIVE_API_TOKEN": DEV_TOKEN, "ATTENTIVE_BASE_URL": base_url}
    command = [sys.executable, "-c", "from attentive_toolkit.cli.main import main; main()"]
    arguments = ["bulk", "import", str(source), "--journal", str(journal), "--batch-size", "50", "--json"]
    return subprocess.Popen(command + arguments, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def submitted_batches(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(journal) as db:
            return int(db.execute("SELECT COUNT(*) FROM batches WHERE state != 'sending'").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.e2e
def test_a_run_killed_mid_import_resumes_and_stores_each_record_once(tmp_path: Path) -> None:
    count = 2_000
    source = write_users(tmp_path / "users.jsonl", count, subscribed_every=10)
    journal = tmp_path / "journal.sqlite"
    # 20 submissions a second: the import takes a couple of seconds, so there is a middle to kill it in.
    settings = ServerSettings(rate_limits={"postBulkUserAttributes": 20})
    with running_server(settings) as base_url:
        first = start_import(base_url, source, journal)
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        # A readiness poll on the journal, not a timing assumption: kill once some batches are in.
        while submitted_batches(journal) < KILL_AFTER_SUBMITTED:
            assert first.poll() is None, first.stderr.read() if first.stderr else b""
            assert time.monotonic() < deadline, "the import never got going"
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert len(stored_users(base_url)) < count, "killed too late to test anything"

        second = start_import(base_url, source, journal)
        out, err = second.communicate(timeout=300)
        report = json.loads(out)
        assert second.returncode in (0, 3), err.decode()
        assert report["resumed"] and report["balanced"] and report["lines"] == count
        not_accepted = [json.loads(line) for line in Path(report["rejects_file"]).read_text().splitlines()]
        assert all(entry["outcome"] == "unknown" for entry in not_accepted)
        unknown = {entry["line"] for entry in not_accepted}
        assert report["counts"]["accepted"] + len(unknown) == count
        # Only a batch carrying subscriptions that was in flight at the kill may be unknown.
        assert all((line - 1) % 10 == 0 for line in unknown)
        assert_stored_once(base_url, count, set(range(1, count + 1)) - unknown, unknown)


def test_a_journal_of_another_format_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("identity", "{}"), ("version", "1")])
    with Journal(path) as journal, pytest.raises(JournalMismatch, match="another version"):
        journal.bind({})

"""Ctrl-C and SIGTERM: sending stops at once, the report is written, the exit status says which signal, and the
same command resumes."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import ServerSettings

from .conftest import stored_users, write_users
from .test_resume import READY_DEADLINE_SECONDS, start_import, submitted_batches

# An importer subprocess stopped by a signal and resumed: end to end, run once.
pytestmark = pytest.mark.e2e

# A stop must be quick even when the pacer is holding every sender back for a second at a time.
STOP_DEADLINE_SECONDS = 3.0


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_sending_writes_the_report_and_the_run_resumes(
    tmp_path: Path, number: signal.Signals, status: int
) -> None:
    count = 200  # four batches of 50 at one request a second
    source = write_users(tmp_path / "users.jsonl", count)
    journal = tmp_path / "journal.sqlite"
    settings = ServerSettings(rate_limits={"postBulkUserAttributes": 1})
    with running_server(settings) as base_url:
        first = start_import(base_url, source, journal)
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        while submitted_batches(journal) < 1:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        first.send_signal(number)
        sent_at = time.monotonic()
        out, err = first.communicate(timeout=60)
        assert time.monotonic() - sent_at < STOP_DEADLINE_SECONDS
        assert first.returncode == status, err.decode()
        report = json.loads(out)
        assert report["stopped"] and report["exit_code"] == status and report["balanced"]
        assert report["lines"] == count and report["counts"]["accepted"] < count
        assert json.loads((tmp_path / "users.jsonl.report.json").read_text(encoding="utf-8")) == report
        assert b"Traceback" not in err

        second = start_import(base_url, source, journal)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err.decode()
        again = json.loads(out)
        assert again["resumed"] and again["counts"]["accepted"] == count
        assert len(stored_users(base_url)) == count

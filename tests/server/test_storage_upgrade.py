"""A ``--db`` file written before jobs had a kind (every job a bulk users job) opens with its jobs intact: they are
users jobs, and new jobs of any kind can be added beside them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from attentive_toolkit.server.storage import Store

OLD_JOBS = """CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    total_records INTEGER NOT NULL,
    request TEXT NOT NULL,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)"""
WHEN = "2026-01-01T00:00:00+00:00"


def test_a_database_from_before_job_kinds_keeps_its_jobs_as_users_jobs(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    with sqlite3.connect(database) as old:
        old.execute(OLD_JOBS)
        old.execute(
            "INSERT INTO jobs VALUES ('old-job', 'PENDING', 1, ?, NULL, ?, ?)",
            ('{"users": [{"identifiers": {"email": "a@x.io"}}]}', WHEN, WHEN),
        )
    old.close()

    store = Store(database)
    try:
        store.insert_job("member-job", '{"resource": "segments", "key": "gold", "members": []}', 0, WHEN, "members-add")
        kinds = {job.id: job.kind for job in store.jobs_overview()}
        assert kinds == {"old-job": "users", "member-job": "members-add"}
        assert store.job_request("old-job") == [{"identifiers": {"email": "a@x.io"}}]
    finally:
        store.close()

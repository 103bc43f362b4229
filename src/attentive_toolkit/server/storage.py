"""SQLite state: users with identifiers, attributes and subscriptions; custom attribute types; bulk jobs."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..json_exact import NOT_PARSED, fast_loads
from ..sqlite_files import other_programs_tables

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    attributes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identifiers (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (kind, value)
);
CREATE INDEX IF NOT EXISTS identifiers_by_user ON identifiers(user_id);
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    subscription_type TEXT NOT NULL,
    sign_up_source_id TEXT NOT NULL,
    single_opt_in INTEGER NOT NULL,
    locale TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_user ON subscriptions(user_id);
CREATE TABLE IF NOT EXISTS custom_attributes (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'users',
    status TEXT NOT NULL,
    total_records INTEGER NOT NULL,
    request TEXT NOT NULL,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS job_results (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    position INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (job_id, position)
);
"""

# Columns added since a --db file could first be written: (table, column, definition), added when missing.
ADDED_COLUMNS = (("jobs", "kind", "TEXT NOT NULL DEFAULT 'users'"),)
# What a job applies: the bulk users it was submitted with, unless another kind is named (a resource's members).
USERS_JOB = "users"
JOB_COLUMNS = "id, kind, status, total_records, message, created_at, updated_at"

# The tables SCHEMA makes, each after those it refers to: reversed, a table comes before those it refers to (the
# order to empty them in).
TABLES = tuple(reversed(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA)))


class StateFileError(ValueError):
    """The ``--db`` file can't hold the server's state: not SQLite, another program's database, or not openable."""


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    status: str
    total_records: int
    message: str | None
    created_at: str
    updated_at: str


class Store:
    """One SQLite connection shared by the event loop and the bulk worker, serialised by a lock.

    Every change runs inside ``transaction()``; an exception rolls it back, so a refused request stores nothing.
    """

    def __init__(self, db_path: Path | None) -> None:
        target = str(db_path) if db_path is not None else ":memory:"
        self._lock = threading.RLock()
        try:
            self._connection = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            self._connection.row_factory = sqlite3.Row
            if db_path is not None:
                _refuse_foreign_tables(self._connection, db_path)  # first: WAL mode would change such a file
                self._connection.execute("PRAGMA journal_mode=WAL")
                self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.executescript(SCHEMA)
            self._add_missing_columns()
        except sqlite3.Error as exc:
            raise StateFileError(f"{db_path}: cannot keep the server's state there ({exc})") from exc

    def _add_missing_columns(self) -> None:
        """A database written by an earlier version gets the columns added since (their defaults fill old rows)."""
        with self.transaction() as db:
            for table, column, definition in ADDED_COLUMNS:
                present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}  # constants only
                if column not in present:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._connection.execute(sql, params).fetchall()

    def reset(self) -> None:
        with self.transaction() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")  # table names are constants, not input
            db.execute("DELETE FROM sqlite_sequence")

    # --- users ---------------------------------------------------------------------------------------------------

    def user_ids(self, filters: dict[str, str]) -> list[int]:
        """Users holding every given identifier (all users when no filter is given), oldest first."""
        if not filters:
            return [row["id"] for row in self._query("SELECT id FROM users ORDER BY id")]
        matches: set[int] | None = None
        for kind, value in filters.items():
            rows = self._query("SELECT user_id FROM identifiers WHERE kind = ? AND value = ?", (kind, value))
            found = {row["user_id"] for row in rows}
            matches = found if matches is None else matches & found
        return sorted(matches or ())

    def user_document(self, user_id: int) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM users WHERE id = ?", (user_id,))
        if not rows:
            return None
        user = rows[0]
        identifiers: dict[str, Any] = {}
        custom: list[dict[str, str]] = []
        for row in self._query("SELECT kind, value FROM identifiers WHERE user_id = ? ORDER BY kind", (user_id,)):
            kind, value = row["kind"], row["value"]
            if kind.startswith("custom:"):
                custom.append({"key": kind.removeprefix("custom:"), "value": value})
            else:
                identifiers[kind] = value
        if custom:
            identifiers["customIdentifiers"] = custom
        subscriptions = [
            {
                "channel": row["channel"],
                "subscriptionType": row["subscription_type"],
                "signUpSourceId": row["sign_up_source_id"],
                "singleOptIn": bool(row["single_opt_in"]),
                "locale": json.loads(row["locale"]) if row["locale"] else None,
                "recordedAt": row["recorded_at"],
            }
            for row in self._query("SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id", (user_id,))
        ]
        return {
            "id": user_id,
            "identifiers": identifiers,
            "attributes": json.loads(user["attributes"]),
            "subscriptions": subscriptions,
            "createdAt": user["created_at"],
            "updatedAt": user["updated_at"],
        }

    # --- jobs ----------------------------------------------------------------------------------------------------

    def insert_job(self, job_id: str, request_body: str, total_records: int, now: str, kind: str = USERS_JOB) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, status, total_records, request, message, created_at, updated_at) "
                "VALUES (?, ?, 'PENDING', ?, ?, NULL, ?, ?)",
                (job_id, kind, total_records, request_body, now, now),
            )

    def job(self, job_id: str) -> Job | None:
        rows = self._query(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        return Job(**dict(rows[0])) if rows else None

    def unfinished_job_ids(self) -> list[str]:
        rows = self._query("SELECT id FROM jobs WHERE status IN ('PENDING', 'IN_PROGRESS') ORDER BY created_at, id")
        return [row["id"] for row in rows]

    def job_document(self, job_id: str) -> Any:
        """The request a job was submitted with, parsed."""
        rows = self._query("SELECT request FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise KeyError(job_id)
        text: str = rows[0]["request"]
        body = fast_loads(text.encode("utf-8"))
        if body is NOT_PARSED:  # integers beyond 64 bits: the standard library keeps them exact
            body = json.loads(text)
        return body

    def job_request(self, job_id: str) -> list[Any]:
        body = self.job_document(job_id)
        users = body.get("users") if isinstance(body, dict) else None
        if not isinstance(users, list):
            raise ValueError(f"job {job_id}: the stored request has no list of users")
        return users

    def set_job_status(self, job_id: str, status: str, now: str, message: str | None = None) -> bool:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET status = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ?",
                (status, message, now, job_id),
            )
            return cursor.rowcount == 1

    def result_count(self, job_id: str) -> int:
        return int(self._query("SELECT COUNT(*) AS n FROM job_results WHERE job_id = ?", (job_id,))[0]["n"])

    def add_results(self, db: sqlite3.Connection, rows: list[tuple[str, int, str]]) -> None:
        """Result lines as (job id, position, line), inside the caller's transaction."""
        db.executemany("INSERT INTO job_results (job_id, position, line) VALUES (?, ?, ?)", rows)

    def result_lines(self, job_id: str) -> list[str]:
        rows = self._query("SELECT line FROM job_results WHERE job_id = ? ORDER BY position", (job_id,))
        return [row["line"] for row in rows]

    def jobs_overview(self) -> list[Job]:
        rows = self._query(f"SELECT {JOB_COLUMNS} FROM jobs ORDER BY id")
        return [Job(**dict(row)) for row in rows]

    def custom_attribute_types(self) -> dict[str, str]:
        return {
            row["name"]: row["type"] for row in self._query("SELECT name, type FROM custom_attributes ORDER BY name")
        }


def _refuse_foreign_tables(connection: sqlite3.Connection, db_path: Path) -> None:
    """A database with tables but none of the server's is another program's: adding ours would change it."""
    names = other_programs_tables(connection, TABLES)
    if names is not None:
        raise StateFileError(
            f"{db_path}: an SQLite database of another program (tables {', '.join(names)}), not the "
            "server's state; give --db a new file or one `attentive serve` wrote"
        )

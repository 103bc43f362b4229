"""A bulk job's records applied in one transaction, with the outcome each would get as a single upsert.

Applying records one upsert at a time (a transaction and a dozen statements each) keeps a server to a few
thousand records a second; the vendor ingests 25,600. Here one transaction covers the job: the stored state the
rules need (custom attribute types, who holds each identifier) is read once, kept up to date in memory as records
apply, and the common case, a record naming nobody known yet, is written with ``executemany``. A record that
names a known user (an update, or a merge of several) goes through the single upsert's own code inside the same
transaction, so every outcome, id and message is the one the records would get applied one by one, in order.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import orjson

from .rules import check_custom_attributes
from .storage import Store
from .upsert import INSERT_SUBSCRIPTION, Outcome, Upserter, identifier_pairs, owners_of, refused


def result_line(outcome: Outcome, record: Any) -> str:
    """The results file's line for one record (compact UTF-8 JSON, as the vendor writes it)."""
    line = outcome.result_line(record)
    try:
        return orjson.dumps(line).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits: the standard library keeps it exact
        return json.dumps(line, separators=(",", ":"), ensure_ascii=False)


class _Writes:
    """Rows of new users waiting for one ``executemany`` per table."""

    def __init__(self) -> None:
        self.users: list[tuple[int, str, str, str]] = []
        self.identifiers: list[tuple[str, str, int]] = []
        self.subscriptions: list[tuple[int, str, str, str, int, str | None, str]] = []
        self.attributes: list[tuple[str, str]] = []
        self.results: list[tuple[str, int, str]] = []

    def flush(self, store: Store, db: sqlite3.Connection) -> None:
        if self.attributes:
            db.executemany("INSERT INTO custom_attributes (name, type) VALUES (?, ?)", self.attributes)
        if self.users:
            db.executemany("INSERT INTO users (id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?)", self.users)
        if self.identifiers:
            db.executemany(
                "INSERT OR REPLACE INTO identifiers (kind, value, user_id) VALUES (?, ?, ?)", self.identifiers
            )
        if self.subscriptions:
            db.executemany(INSERT_SUBSCRIPTION, self.subscriptions)
        if self.results:
            store.add_results(db, self.results)
        for rows in (self.attributes, self.users, self.identifiers, self.subscriptions, self.results):
            rows.clear()


class JobApplier:
    def __init__(self, store: Store, upserter: Upserter, max_custom_attributes: int) -> None:
        self._store = store
        self._upserter = upserter
        self._limit = max_custom_attributes

    def apply(self, job_id: str, users: list[Any], start: int, stop: int, now: str) -> None:
        """Apply ``users[start:stop]`` and record each one's result line, all in one transaction."""
        records = users[start:stop]
        with self._store.transaction() as db:
            types: dict[str, str] = dict(db.execute("SELECT name, type FROM custom_attributes").fetchall())
            owners = owners_of(db, list(dict.fromkeys(p for r in records for p in identifier_pairs(r["identifiers"]))))
            next_id = self._next_user_id(db)
            writes = _Writes()
            for position, record in enumerate(records, start):
                sources, violations = self._upserter.check(record)
                attributes = record.get("attributes", {})
                custom = attributes.get("custom")
                created: dict[str, str] = {}
                if custom:
                    typing, created = check_custom_attributes(custom, types, lambda: len(types), self._limit)
                    violations += typing
                if violations:
                    outcome = refused(violations)
                else:
                    types.update(created)
                    writes.attributes.extend(created.items())
                    pairs = identifier_pairs(record["identifiers"])
                    found = {owners[pair] for pair in pairs if pair in owners}
                    if found:
                        # A known user: the single upsert's path, which reads who holds what from the database
                        # itself, after everything before it is written. Its identifiers are now held; an entry
                        # it made stale (a user merged away, an identifier replaced) only sends a later record
                        # down this same path, never a record that names someone down the path for new users.
                        writes.flush(self._store, db)
                        outcome = self._upserter.write(db, record, sources, now)
                        owners.update(dict.fromkeys(pairs, min(found)))
                        next_id = self._next_user_id(db)
                    else:
                        user_id, next_id = next_id, next_id + 1
                        outcome = Outcome(202, f"created user {user_id}")
                        writes.users.append((user_id, json.dumps(attributes), now, now))
                        for pair in pairs:
                            owners[pair] = user_id
                            writes.identifiers.append((pair[0], pair[1], user_id))
                        writes.subscriptions.extend(
                            Upserter.subscription_row(user_id, subscription, source, now)
                            for subscription, source in zip(record.get("subscriptions", []), sources, strict=True)
                        )
                writes.results.append((job_id, position, result_line(outcome, record)))
            writes.flush(self._store, db)

    @staticmethod
    def _next_user_id(db: sqlite3.Connection) -> int:
        # Users are AUTOINCREMENT: ids are never reused, and an explicit id moves the sequence on as one taken
        # by AUTOINCREMENT would.
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'users'").fetchone()
        return int(row[0]) + 1 if row is not None else 1

"""A bulk job's records applied in one transaction, with the outcome each would get as a single upsert.

Applying records one upsert at a time (a transaction and a dozen statements each) keeps a server to a few
thousand records a second; the vendor ingests 25,600. Here one transaction covers the job: the stored state the
rules need (custom attribute types, who holds each identifier, the users named) is read once, kept up to date in
memory as records apply (``JobUsers``), and written back with ``executemany``. A record naming nobody known
creates a user, one naming one known user updates it, both in memory. Only a record that bridges several users
(a merge) goes through the single upsert's own code inside the same transaction, after everything before it is
written. So every outcome, id and message is the one the records would get applied one by one, in order.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import orjson

from .job_users import JobUsers, Pair
from .rules import check_custom_attributes
from .storage import Store
from .upsert import Upserter, UpsertResult, identifier_pairs, refused


def result_line(outcome: UpsertResult, record: Any) -> str:
    """The results file's line for one record (compact UTF-8 JSON, as the vendor writes it)."""
    line = outcome.result_line(record)
    try:
        return orjson.dumps(line).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits: the standard library keeps it exact
        return json.dumps(line, separators=(",", ":"), ensure_ascii=False)


class JobApplier:
    def __init__(self, store: Store, upserter: Upserter, max_custom_attributes: int) -> None:
        self._store = store
        self._upserter = upserter
        self._limit = max_custom_attributes

    def apply(self, job_id: str, users: list[Any], start: int, stop: int, now: str) -> None:
        """Apply ``users[start:stop]`` and record each one's result line, all in one transaction."""
        records = users[start:stop]
        with self._store.transaction() as db:
            named = [identifier_pairs(record["identifiers"]) for record in records]
            run = _JobRun(self._store, self._upserter, self._limit, db, now, named)
            for position, (record, pairs) in enumerate(zip(records, named, strict=True), start):
                run.known.results.append((job_id, position, result_line(run.apply(record, pairs), record)))
            run.known.flush(self._store, db, now)


class _JobRun:
    """What one ``apply`` call knows, kept up to date record by record: attribute types, who holds each
    identifier the job names (absent: nobody), the users named, and the id the next new user gets."""

    def __init__(
        self,
        store: Store,
        upserter: Upserter,
        max_custom_attributes: int,
        db: sqlite3.Connection,
        now: str,
        named: list[list[Pair]],
    ) -> None:
        self._store = store
        self._upserter = upserter
        self._limit = max_custom_attributes
        self._db = db
        self._now = now
        self.types: dict[str, str] = dict(db.execute("SELECT name, type FROM custom_attributes").fetchall())
        self.known = JobUsers()
        self.owners = self.known.load_holders(db, list(dict.fromkeys(pair for pairs in named for pair in pairs)))
        # Users are AUTOINCREMENT: ids are never reused, and an explicit id moves the sequence on as one taken
        # by AUTOINCREMENT would.
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'users'").fetchone()
        self.next_id = int(row[0]) + 1 if row is not None else 1

    def apply(self, record: dict[str, Any], pairs: list[Pair]) -> UpsertResult:
        sources, violations = self._upserter.check(record, pairs)
        attributes = record.get("attributes", {})
        custom = attributes.get("custom")
        created: dict[str, str] = {}
        if custom:
            typing, created = check_custom_attributes(custom, self.types, lambda: len(self.types), self._limit)
            violations += typing
        if violations:
            return refused(violations)
        self.types.update(created)
        self.known.attributes.extend(created.items())
        found = {self.owners[pair] for pair in pairs if pair in self.owners}
        if len(found) > 1:
            return self._merge(found, record, sources)
        if found:
            (user_id,) = found
            for pair in self.known.update(user_id, pairs, attributes):
                self.owners.pop(pair, None)
            outcome = UpsertResult(202, f"updated user {user_id}")
        else:
            user_id, self.next_id = self.next_id, self.next_id + 1
            self.known.create(user_id, pairs, attributes)
            outcome = UpsertResult(202, f"created user {user_id}")
        self.owners.update(dict.fromkeys(pairs, user_id))
        self.known.subscriptions.extend(
            Upserter.subscription_row(user_id, subscription, source, self._now)
            for subscription, source in zip(record.get("subscriptions", []), sources, strict=True)
        )
        return outcome

    def _merge(self, found: set[int], record: dict[str, Any], sources: list[str]) -> UpsertResult:
        """A record bridging several users: the single upsert's own path, on the database brought up to date.
        The users it bridged are read again (those merged away are gone), and hold what they hold now."""
        self.known.flush(self._store, self._db, self._now)
        outcome = self._upserter.write(self._db, record, sources, self._now)
        self.known.forget(found)
        for pair in [pair for pair, owner in self.owners.items() if owner in found]:
            del self.owners[pair]
        self.owners.update(self.known.load(self._db, found))
        return outcome

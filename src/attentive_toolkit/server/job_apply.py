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

from .job_users import JobUsers
from .rules import check_custom_attributes
from .storage import Store
from .upsert import Upserter, UpsertResult, identifier_pairs, owners_of, refused


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
            types: dict[str, str] = dict(db.execute("SELECT name, type FROM custom_attributes").fetchall())
            named = [identifier_pairs(record["identifiers"]) for record in records]
            # Who holds each identifier the job names, kept exact as records apply: absent means nobody.
            owners = owners_of(db, list(dict.fromkeys(pair for pairs in named for pair in pairs)))
            known = JobUsers()
            known.load(db, owners.values())
            next_id = self._next_user_id(db)
            for position, (record, pairs) in enumerate(zip(records, named, strict=True), start):
                outcome, next_id = self._apply_one(db, record, pairs, types, known, owners, next_id, now)
                known.results.append((job_id, position, result_line(outcome, record)))
            known.flush(self._store, db, now)

    def _apply_one(
        self,
        db: sqlite3.Connection,
        record: dict[str, Any],
        pairs: list[tuple[str, str]],
        types: dict[str, str],
        known: JobUsers,
        owners: dict[tuple[str, str], int],
        next_id: int,
        now: str,
    ) -> tuple[UpsertResult, int]:
        """One record's result, and the id the next new user gets."""
        sources, violations = self._upserter.check(record, pairs)
        attributes = record.get("attributes", {})
        custom = attributes.get("custom")
        created: dict[str, str] = {}
        if custom:
            typing, created = check_custom_attributes(custom, types, lambda: len(types), self._limit)
            violations += typing
        if violations:
            return refused(violations), next_id
        types.update(created)
        known.attributes.extend(created.items())
        found = {owners[pair] for pair in pairs if pair in owners}
        if len(found) > 1:
            return self._merge(db, known, owners, found, record, sources, now), next_id
        if found:
            (user_id,) = found
            for pair in known.update(user_id, pairs, attributes):
                owners.pop(pair, None)
            outcome = UpsertResult(202, f"updated user {user_id}")
        else:
            user_id, next_id = next_id, next_id + 1
            known.create(user_id, pairs, attributes)
            outcome = UpsertResult(202, f"created user {user_id}")
        owners.update(dict.fromkeys(pairs, user_id))
        known.subscriptions.extend(
            Upserter.subscription_row(user_id, subscription, source, now)
            for subscription, source in zip(record.get("subscriptions", []), sources, strict=True)
        )
        return outcome, next_id

    def _merge(
        self,
        db: sqlite3.Connection,
        known: JobUsers,
        owners: dict[tuple[str, str], int],
        found: set[int],
        record: dict[str, Any],
        sources: list[str],
        now: str,
    ) -> UpsertResult:
        """A record bridging several users: the single upsert's own path, on the database brought up to date.
        The users it merged are read again, and who holds what follows from what they hold now."""
        known.flush(self._store, db, now)
        outcome = self._upserter.write(db, record, sources, now)
        known.forget(found)
        target = min(found)
        known.load(db, [target])
        for pair in [pair for pair, owner in owners.items() if owner in found]:
            del owners[pair]
        owners.update(dict.fromkeys(known.identifiers_of(target), target))
        return outcome

    @staticmethod
    def _next_user_id(db: sqlite3.Connection) -> int:
        # Users are AUTOINCREMENT: ids are never reused, and an explicit id moves the sequence on as one taken
        # by AUTOINCREMENT would.
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'users'").fetchone()
        return int(row[0]) + 1 if row is not None else 1

"""The users a bulk job touches, held in memory for the job's one transaction and written back in bulk.

A job of updates would otherwise cost a handful of statements per record (who holds these identifiers, what does
the user hold, what are their attributes, write them back). Here the users the job names are read with two
queries, changed in Python as each record applies, and written with one ``executemany`` per statement: the rows
a record creates, and for every user changed the final attributes and the identifiers gained or lost.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from ..json_exact import NOT_PARSED, fast_loads
from .storage import Store
from .upsert import INSERT_SUBSCRIPTION, SINGLE_VALUED_IDENTIFIERS, deep_merge

# Identifier pairs or user ids per statement: well under SQLite's 32,766 parameters.
_LOOKUP_CHUNK = 4000
Pair = tuple[str, str]


def encode_document(document: Any) -> str:
    """A stored JSON document (orjson; the standard encoder for what orjson refuses, such as a huge integer)."""
    try:
        return orjson.dumps(document).decode("utf-8")
    except TypeError:
        return json.dumps(document)


def decode_document(text: str) -> Any:
    document = fast_loads(text.encode("utf-8"))
    return json.loads(text) if document is NOT_PARSED else document


class _User:
    __slots__ = ("attributes", "changed", "identifiers", "new", "stored_identifiers")

    def __init__(self, attributes: dict[str, Any], identifiers: dict[Pair, None], new: bool) -> None:
        self.attributes = attributes
        # Replaced, never changed in place: identifiers that are still the stored ones need no write.
        self.identifiers = identifiers
        self.stored_identifiers: dict[Pair, None] = {} if new else identifiers
        self.new = new
        self.changed = new


def _rows(db: sqlite3.Connection, sql: str, parameters: list[Any]) -> sqlite3.Cursor:
    """Plain tuples, not the connection's ``sqlite3.Row``: thousands of rows are unpacked per job."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, parameters)


class JobUsers:
    """Users by id, as the job's records have left them; ``flush`` makes the database agree."""

    def __init__(self) -> None:
        self._users: dict[int, _User] = {}
        # Identifiers given since the last flush, to whom, in the order given: inserted in that order, as single
        # upserts would, so a user's custom identifiers keep their order (rowid order), after a later merge too.
        self._given: dict[Pair, int] = {}
        self.subscriptions: list[tuple[int, str, str, str, int, str | None, str]] = []
        self.attributes: list[tuple[str, str]] = []
        self.results: list[tuple[str, int, str]] = []

    def load_holders(self, db: sqlite3.Connection, pairs: list[Pair]) -> dict[Pair, int]:
        """Read every user holding one of ``pairs``, with all their identifiers: one query per 4,000 pairs (a join
        on a VALUES list, answered by one index lookup per pair), one per 4,000 users. Returns who holds each of
        those users' identifiers, ``pairs`` among them."""
        rows: list[tuple[int, str, str]] = []
        for start in range(0, len(pairs), _LOOKUP_CHUNK):
            chunk = pairs[start : start + _LOOKUP_CHUNK]
            query = (
                "WITH wanted (kind, value) AS (VALUES " + ", ".join("(?, ?)" for _ in chunk) + "), "
                "holder (id) AS (SELECT DISTINCT i.user_id FROM wanted JOIN identifiers AS i "
                "ON i.kind = wanted.kind AND i.value = wanted.value) "
                "SELECT h.user_id, h.kind, h.value FROM holder JOIN identifiers AS h ON h.user_id = holder.id"
            )
            rows += _rows(db, query, [item for pair in chunk for item in pair])
        return self._read(db, rows)

    def load(self, db: sqlite3.Connection, user_ids: Iterable[int]) -> dict[Pair, int]:
        """Read ``user_ids`` again (those that still exist). Returns who holds each of their identifiers."""
        wanted = list(set(user_ids))
        rows: list[tuple[int, str, str]] = []
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            query = f"SELECT user_id, kind, value FROM identifiers WHERE user_id IN ({', '.join('?' for _ in chunk)})"
            rows += _rows(db, query, chunk)
        return self._read(db, rows, wanted)

    def _read(
        self, db: sqlite3.Connection, rows: list[tuple[int, str, str]], ids: Sequence[int] = ()
    ) -> dict[Pair, int]:
        holders: dict[Pair, int] = {}
        held: dict[int, dict[Pair, None]] = {user_id: {} for user_id in ids}
        for user_id, kind, value in rows:
            holders[kind, value] = user_id
            held.setdefault(user_id, {})[kind, value] = None
        wanted = list(held)
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            query = f"SELECT id, attributes FROM users WHERE id IN ({', '.join('?' for _ in chunk)})"
            for user_id, text in _rows(db, query, chunk):
                self._users[user_id] = _User(decode_document(text), held[user_id], new=False)
        return holders

    def forget(self, user_ids: Iterable[int]) -> None:
        """Drop users whose rows someone else changed (after ``flush``): ``load`` reads them again."""
        for user_id in user_ids:
            self._users.pop(user_id, None)

    def create(self, user_id: int, pairs: list[Pair], attributes: dict[str, Any]) -> None:
        self._users[user_id] = _User(attributes, dict.fromkeys(pairs), new=True)
        self._give(pairs, user_id)

    def update(self, user_id: int, pairs: list[Pair], attributes: dict[str, Any]) -> list[Pair]:
        """Give the user the record's identifiers and merge its attributes, as the single upsert does. A
        single-valued identifier the user holds another value of is replaced; returns the pairs it no longer
        holds."""
        user = self._users[user_id]
        released: list[Pair] = []
        missing = [pair for pair in pairs if pair not in user.identifiers]
        if missing:
            held = dict(user.identifiers)
            # Decided against what the user held before this record, as the single upsert reads it once.
            kinds_held = {kind for kind, _ in held}
            for pair in missing:
                kind = pair[0]
                if kind in kinds_held and kind in SINGLE_VALUED_IDENTIFIERS:
                    gone = [old for old in held if old[0] == kind]
                    for old in gone:
                        del held[old]
                    released.extend(gone)
                held[pair] = None
            user.identifiers = held
            self._give(missing, user_id)
        if attributes:
            user.attributes = deep_merge(user.attributes, attributes)
        user.changed = True
        return released

    def _give(self, pairs: list[Pair], user_id: int) -> None:
        for pair in pairs:
            self._given.pop(pair, None)
            self._given[pair] = user_id

    def flush(self, store: Store, db: sqlite3.Connection, now: str) -> None:
        """Write everything held back, in an order the constraints accept: new attribute types and users first,
        identifiers lost before identifiers gained (a value one user lost may now be another's)."""
        if self.attributes:
            db.executemany("INSERT INTO custom_attributes (name, type) VALUES (?, ?)", self.attributes)
        created: list[tuple[int, str, str, str]] = []
        updated: list[tuple[str, str, int]] = []
        lost: list[Pair] = []
        for user_id, user in self._users.items():
            if not user.changed:
                continue
            if user.new:
                created.append((user_id, encode_document(user.attributes), now, now))
            else:
                updated.append((encode_document(user.attributes), now, user_id))
            if user.identifiers is not user.stored_identifiers:
                lost.extend(pair for pair in user.stored_identifiers if pair not in user.identifiers)
        gained = [
            (kind, value, user_id)
            for (kind, value), user_id in self._given.items()
            if (kind, value) in self._users[user_id].identifiers
            and (kind, value) not in self._users[user_id].stored_identifiers
        ]
        self._given.clear()
        for user in self._users.values():
            user.stored_identifiers = user.identifiers
            user.new = user.changed = False
        if created:
            db.executemany("INSERT INTO users (id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?)", created)
        if updated:
            db.executemany("UPDATE users SET attributes = ?, updated_at = ? WHERE id = ?", updated)
        if lost:
            db.executemany("DELETE FROM identifiers WHERE kind = ? AND value = ?", lost)
        if gained:
            db.executemany("INSERT OR REPLACE INTO identifiers (kind, value, user_id) VALUES (?, ?, ?)", gained)
        if self.subscriptions:
            db.executemany(INSERT_SUBSCRIPTION, self.subscriptions)
        if self.results:
            store.add_results(db, self.results)
        for rows in (self.attributes, self.subscriptions, self.results):
            rows.clear()

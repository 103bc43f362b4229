"""The items and members of the spec's resources (``x-attentive-resource``), in the server's SQLite database.

Two tables of their own, created on the shared connection through ``Store.transaction()``: an item is its JSON
document under (resource name, key), numbered in creation order (the order lists page in, so an item created while
a client pages lands after every cursor already handed out); archiving hides it from lists and reads. Members change
inside a bulk job's transaction (``member_jobs.py``), as the spec's member operations queue a job.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .storage import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS resource_items (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        resource TEXT NOT NULL,
        key TEXT NOT NULL,
        document TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0,
        UNIQUE (resource, key)
    )""",
    """CREATE TABLE IF NOT EXISTS resource_members (
        resource TEXT NOT NULL,
        key TEXT NOT NULL,
        member TEXT NOT NULL,
        PRIMARY KEY (resource, key, member)
    )""",
)


@dataclass(frozen=True)
class Item:
    position: int
    document: dict[str, Any]
    archived: bool


def _member_text(member: Any) -> str:
    # One text per member however its keys are ordered, so adding the same member twice keeps one.
    return json.dumps(member, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ResourceStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.transaction() as db:
            for statement in SCHEMA:
                db.execute(statement)

    def reset(self) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM resource_members")
            db.execute("DELETE FROM resource_items")

    def create(self, resource: str, key: str, document: dict[str, Any]) -> Item | None:
        """The new item, or None when ``key`` is taken (an archived item keeps its key: it can be restored)."""
        with self._store.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO resource_items (resource, key, document) VALUES (?, ?, ?)",
                (resource, key, json.dumps(document, ensure_ascii=False)),
            )
            if cursor.rowcount != 1:
                return None
            return Item(int(cursor.lastrowid or 0), document, False)

    def get(self, resource: str, key: str) -> Item | None:
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT position, document, archived FROM resource_items WHERE resource = ? AND key = ?",
                (resource, key),
            ).fetchone()
        return None if row is None else Item(row["position"], json.loads(row["document"]), bool(row["archived"]))

    def replace(self, resource: str, key: str, document: dict[str, Any]) -> None:
        with self._store.transaction() as db:
            db.execute(
                "UPDATE resource_items SET document = ? WHERE resource = ? AND key = ?",
                (json.dumps(document, ensure_ascii=False), resource, key),
            )

    def archive(self, resource: str, key: str, document: dict[str, Any]) -> None:
        with self._store.transaction() as db:
            db.execute(
                "UPDATE resource_items SET archived = 1, document = ? WHERE resource = ? AND key = ?",
                (json.dumps(document, ensure_ascii=False), resource, key),
            )

    def visible_after(self, resource: str, position: int) -> Iterable[Item]:
        """Items not archived, created after ``position``, in creation order."""
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT position, document FROM resource_items "
                "WHERE resource = ? AND position > ? AND archived = 0 ORDER BY position",
                (resource, position),
            ).fetchall()
        return [Item(row["position"], json.loads(row["document"]), False) for row in rows]

    def change_members(
        self, db: sqlite3.Connection, resource: str, key: str, members: list[Any], *, add: bool
    ) -> list[bool] | None:
        """Add or remove ``members`` of an item inside the caller's transaction: for each member in order, whether
        it changed anything (False: already a member, or not one). None, changing nothing, when the item is unknown
        or archived."""
        row = db.execute(
            "SELECT archived FROM resource_items WHERE resource = ? AND key = ?", (resource, key)
        ).fetchone()
        if row is None or row["archived"]:
            return None
        statement = (
            "INSERT OR IGNORE INTO resource_members (resource, key, member) VALUES (?, ?, ?)"
            if add
            else "DELETE FROM resource_members WHERE resource = ? AND key = ? AND member = ?"
        )
        # One statement per member, in order, so a member named twice changes things once, the first time.
        return [db.execute(statement, (resource, key, _member_text(member))).rowcount == 1 for member in members]

    def members(self, resource: str, key: str) -> list[Any]:
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT member FROM resource_members WHERE resource = ? AND key = ? ORDER BY member", (resource, key)
            ).fetchall()
        return [json.loads(row["member"]) for row in rows]

    def overview(self) -> list[dict[str, Any]]:
        """Every item, archived ones included, with its members: what ``/_sandbox/resources`` shows."""
        with self._store.transaction() as db:
            rows = db.execute("SELECT resource, key, document, archived FROM resource_items ORDER BY position")
            items = rows.fetchall()
        return [
            {
                "resource": row["resource"],
                "key": row["key"],
                "archived": bool(row["archived"]),
                "item": json.loads(row["document"]),
                "members": self.members(row["resource"], row["key"]),
            }
            for row in items
        ]

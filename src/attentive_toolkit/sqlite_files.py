"""Whose SQLite file is this: the journal and the reference server's ``--db`` each refuse a database another program
wrote before touching it (switching it to WAL mode or adding tables would change that program's file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection


def other_programs_tables(connection: sqlite3.Connection, ours: Collection[str]) -> list[str] | None:
    """The tables of ``connection``'s database, sorted, when it has tables and none of ``ours``: another program's
    database. None for an empty database or one that holds one of ``ours``."""
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    names = {row[0] for row in rows}
    return sorted(names) if names and names.isdisjoint(ours) else None

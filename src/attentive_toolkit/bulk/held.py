"""The users of batches a run leaves for the next one, exactly, in bounded memory.

Once a batch is held (not sent, or its job not followed to the end), every later line of its users must be held
too. The keys (64-bit hashes, see ``identity``) are kept in a set, whose look-ups run in C a batch at a time; a run
that leaves more than ``BOUND`` keys (a long import not waiting for its jobs) moves them to a private temporary
SQLite database and looks a batch's keys up there in one query. Exact either way: a line is held only when one of
its users really was (a hash collision aside, which only makes two lines wait for each other).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable

# About 64 MiB of Python ints and set slots at most: the keys of ~500,000 records of two identifiers.
BOUND = 1 << 20
# Keys per look-up statement: well under SQLite's 32,766 parameters.
CHUNK = 4096


class HeldKeys:
    def __init__(self, bound: int = BOUND) -> None:
        self._bound = bound
        self._keys: set[int] = set()
        self._spilled: sqlite3.Connection | None = None

    def add(self, keys: Iterable[int]) -> None:
        self._keys.update(keys)
        if len(self._keys) > self._bound:
            self._spill()

    def holds_any(self, keys: Collection[int]) -> bool:
        """Whether any of ``keys`` is held."""
        if not self._keys.isdisjoint(keys):
            return True
        if self._spilled is None:
            return False
        keys = list(keys)
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start : start + CHUNK])
            marks = ", ".join("?" for _ in chunk)
            if self._spilled.execute(f"SELECT 1 FROM held WHERE key IN ({marks}) LIMIT 1", chunk).fetchone():
                return True
        return False

    def _spill(self) -> None:
        if self._spilled is None:
            # "" is a temporary database on disk, private to this connection and deleted when it closes.
            self._spilled = sqlite3.connect("", check_same_thread=False)
            self._spilled.execute("CREATE TABLE held (key INTEGER PRIMARY KEY)")
        # Sorted: the B-tree takes them in order, several times faster than at random.
        self._spilled.executemany("INSERT OR IGNORE INTO held (key) VALUES (?)", ((key,) for key in sorted(self._keys)))
        self._keys.clear()

    def close(self) -> None:
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None

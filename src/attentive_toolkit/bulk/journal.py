"""The SQLite journal that lets a killed run resume: what each batch became, and every line not accepted.

A batch is written as ``sending`` (committed) before its request leaves, and as ``submitted`` with its job id as
soon as the answer arrives, so after a crash the journal tells apart batches never sent, batches whose job is
known, and batches whose fate is unknown.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY,
    lines BLOB NOT NULL,
    size INTEGER NOT NULL,
    guarded INTEGER NOT NULL,
    state TEXT NOT NULL,
    job_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    -- 1 when sending the batch again cannot repeat a subscription: a resumed run sends it again.
    resendable INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS outcomes (
    line INTEGER PRIMARY KEY,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL DEFAULT '',
    batch INTEGER
);
"""
BATCH_COLUMNS = "seq, lines, guarded, state, job_id, attempts, resendable, note"


class BatchState(Enum):
    SENDING = "sending"  # the request may have left; no answer recorded
    SUBMITTED = "submitted"  # the server took it: job id known
    DONE = "done"  # job terminal, results reconciled
    REJECTED = "rejected"  # the server refused the whole batch
    UNKNOWN = "unknown"  # fate unknown: reported for review


class Outcome(Enum):
    ACCEPTED = "accepted"
    REJECTED_LOCALLY = "rejected_locally"
    REJECTED_BY_SERVER = "rejected_by_server"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class BatchRow:
    seq: int
    lines: array[int]
    guarded: bool
    state: BatchState
    job_id: str | None
    attempts: int
    resendable: bool
    note: str


class JournalMismatch(Exception):
    """The journal belongs to another input or other settings; resuming from it would corrupt the accounting."""


def pack_lines(lines: array[int]) -> bytes:
    return lines.tobytes()


def unpack_lines(blob: bytes) -> array[int]:
    lines = array("q")
    lines.frombytes(blob)
    return lines


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Autocommit: every statement below is its own durable step, which is what resuming relies on.
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL survives a killed process (the case that matters here); only a power cut can lose the last step.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- identity --------------------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {key: value for key, value in self._db.execute("SELECT key, value FROM meta")}

    def bind(self, identity: dict[str, Any]) -> bool:
        """Tie the journal to one input and its settings. Returns True when resuming an earlier run."""
        wanted = json.dumps(identity, sort_keys=True)
        stored = self.meta().get("identity")
        if stored is None:
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", [("identity", wanted), ("version", SCHEMA_VERSION)]
            )
            return False
        if stored != wanted:
            raise JournalMismatch(
                f"{self.path} records a run over different input or settings ({stored}); "
                "pass another --journal, or delete this one to start over"
            )
        return True

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- batches ---------------------------------------------------------------------------------------------

    def batch(self, seq: int) -> BatchRow | None:
        row = self._db.execute(f"SELECT {BATCH_COLUMNS} FROM batches WHERE seq = ?", (seq,)).fetchone()
        return _batch_row(row) if row else None

    def start_sending(self, seq: int, lines: array[int], guarded: bool) -> None:
        self._db.execute(
            "INSERT INTO batches (seq, lines, size, guarded, state, attempts) VALUES (?, ?, ?, ?, 'sending', 1) "
            "ON CONFLICT(seq) DO UPDATE SET state = 'sending', attempts = attempts + 1, note = ''",
            (seq, pack_lines(lines), len(lines), int(guarded)),
        )
        # A batch sent again (after an unknown fate on an unguarded batch) starts from a clean slate.
        self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))

    def not_sent(self, seq: int, lines: array[int], guarded: bool, note: str) -> None:
        """A batch this run will not send: its lines unknown, and a later run sends it, in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO batches (seq, lines, size, guarded, state, resendable, note) "
                "VALUES (?, ?, ?, ?, 'unknown', 1, ?) "
                "ON CONFLICT(seq) DO UPDATE SET state = 'unknown', resendable = 1, note = excluded.note",
                (seq, pack_lines(lines), len(lines), int(guarded), note),
            )
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, batch) VALUES (?, 'unknown', ?, ?)",
                [(line, note, seq) for line in lines],
            )

    def submitted(self, seq: int, job_id: str) -> None:
        self._db.execute("UPDATE batches SET state = 'submitted', job_id = ? WHERE seq = ?", (job_id, seq))

    def finish(
        self,
        seq: int,
        state: BatchState,
        *,
        accepted: int = 0,
        rejects: list[tuple[int, str]] | None = None,
        unknown: list[int] | None = None,
        resendable: bool = False,
        note: str = "",
    ) -> None:
        """Record a batch's final state and its lines that were not accepted, in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, batch) VALUES (?, ?, ?, ?)",
                [(line, Outcome.REJECTED_BY_SERVER.value, reason, seq) for line, reason in rejects or []]
                + [(line, Outcome.UNKNOWN.value, note, seq) for line in unknown or []],
            )
            self._db.execute(
                "UPDATE batches SET state = ?, accepted = ?, resendable = ?, note = ? WHERE seq = ?",
                (state.value, accepted, int(resendable), note, seq),
            )

    def mark_unknown(self, seq: int, lines: array[int], note: str) -> None:
        """Lines of a batch left open: unknown for this run's report, kept apart from the batch's own state."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, batch) VALUES (?, 'unknown', ?, ?)",
                [(line, note, seq) for line in lines],
            )

    def batches_in(self, *states: BatchState) -> Iterator[BatchRow]:
        marks = ",".join("?" * len(states))
        query = f"SELECT {BATCH_COLUMNS} FROM batches WHERE state IN ({marks})"
        rows = self._db.execute(query, [state.value for state in states]).fetchall()
        for row in rows:
            yield _batch_row(row)

    # --- lines -----------------------------------------------------------------------------------------------

    def record_lines(self, rows: list[tuple[int, str, str, str]]) -> None:
        """``(line, outcome, reason, raw)`` for lines settled while reading (rejected locally, or skipped as
        blank); idempotent, as a resumed run reads them again."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, raw, batch) VALUES (?, ?, ?, ?, NULL)", rows
            )

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in Outcome}
        for outcome, number in self._db.execute("SELECT outcome, COUNT(*) FROM outcomes GROUP BY outcome"):
            counts[outcome] = number
        (accepted,) = self._db.execute("SELECT COALESCE(SUM(accepted), 0) FROM batches WHERE state = 'done'").fetchone()
        counts[Outcome.ACCEPTED.value] = int(accepted)
        return counts

    def not_accepted(self) -> Iterator[tuple[int, str, str, str]]:
        """Every line rejected or unknown, in line order: ``(line, outcome, reason, raw)``."""
        yield from self._db.execute(
            "SELECT line, outcome, reason, raw FROM outcomes WHERE outcome != 'skipped' ORDER BY line"
        )

    def open_batches(self) -> list[BatchRow]:
        return list(self.batches_in(BatchState.SENDING, BatchState.SUBMITTED))


def _batch_row(row: tuple[Any, ...]) -> BatchRow:
    seq, blob, guarded, state, job_id, attempts, resendable, note = row
    return BatchRow(seq, unpack_lines(blob), bool(guarded), BatchState(state), job_id, attempts, bool(resendable), note)

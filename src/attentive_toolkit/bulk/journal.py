"""The SQLite journal that lets a killed run resume: what each batch became, and every line not accepted.

A batch is written as ``sending`` (committed) before its request leaves, and as ``submitted`` with its job id as
soon as the answer arrives, so after a crash the journal tells apart batches never sent, batches whose job is
known, and batches whose fate is unknown.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ..json_exact import NOT_PARSED, encode_exact, fast_loads
from ..sqlite_files import other_programs_tables

SCHEMA_VERSION = "3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY,
    lines BLOB NOT NULL,
    spans BLOB,
    size INTEGER NOT NULL,
    guarded INTEGER NOT NULL,
    state TEXT NOT NULL,
    job_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    -- 1 when sending the batch again cannot repeat a subscription: a resumed run sends it again.
    resendable INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    -- a part of the batch ``parent``, which a server refused as too large and which was split (``split``)
    parent INTEGER,
    -- the records of a batch the server took, compressed, until its job is settled (for excerpts and resending)
    body BLOB
);
CREATE INDEX IF NOT EXISTS batches_by_parent ON batches(parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS outcomes (
    line INTEGER PRIMARY KEY,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL DEFAULT '',
    batch INTEGER,
    -- physical lines this outcome covers, from ``line`` on (a CSV record may span lines)
    span INTEGER NOT NULL DEFAULT 1
);
-- a line whose fate is unknown, and a later line of the same user that was sent after it
CREATE TABLE IF NOT EXISTS overtaken (line INTEGER NOT NULL, by_line INTEGER NOT NULL, PRIMARY KEY (line, by_line));
"""
BATCH_COLUMNS = "seq, lines, guarded, state, job_id, attempts, resendable, note, spans"


class BatchState(Enum):
    SENDING = "sending"  # the request may have left; no answer recorded
    SUBMITTED = "submitted"  # the server took it: job id known
    DONE = "done"  # job terminal, results reconciled
    REJECTED = "rejected"  # the server refused the whole batch
    UNKNOWN = "unknown"  # fate unknown: reported for review
    SPLIT = "split"  # refused as too large: its lines are in its parts (rows whose ``parent`` is this batch)


class Outcome(Enum):
    ACCEPTED = "accepted"
    REJECTED_LOCALLY = "rejected_locally"
    REJECTED_BY_SERVER = "rejected_by_server"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"
    # Only in a stopped run's report: lines it never got to (the next run reads them).
    PENDING = "pending"


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
    spans: array[int] | None = None


class JournalMismatch(Exception):
    """The journal belongs to another input or other settings; resuming from it would corrupt the accounting."""


def pack_lines(lines: array[int]) -> bytes:
    return lines.tobytes()


def unpack_lines(blob: bytes) -> array[int]:
    lines = array("q")
    lines.frombytes(blob)
    return lines


def pack_records(records: list[dict[str, Any]], encoded: list[bytes] | None = None) -> bytes:
    # Level 1: a batch's records shrink about fivefold for a fraction of a millisecond.
    if encoded and len(encoded) == len(records):
        return zlib.compress(b"[" + b",".join(encoded) + b"]", 1)
    return zlib.compress(encode_exact(records), 1)


def unpack_records(blob: bytes) -> list[dict[str, Any]]:
    data = zlib.decompress(blob)
    records = fast_loads(data)
    if records is NOT_PARSED:
        records = json.loads(data)
    assert isinstance(records, list)
    return records


Spans = Mapping[int, int]


class Journal:
    def __init__(self, path: Path, scrub: Callable[[str], str] = str) -> None:
        self.path = path
        # Every text from outside (server messages, input excerpts) passes here before it is stored.
        self._scrub = scrub
        try:
            # Autocommit: every statement below is its own durable step, which is what resuming relies on.
            self._db = sqlite3.connect(str(path), isolation_level=None)
            self._refuse_other_databases()  # first: WAL mode would change another program's database
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL survives a killed process (the case that matters here); only a power cut can lose the last step.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise JournalMismatch(
                f"{path} can't be used as the journal ({exc}); pass another --journal, or delete it to start over"
            ) from exc

    def _refuse_other_databases(self) -> None:
        # ``meta`` is the table every journal has had from its first version on.
        tables = other_programs_tables(self._db, ("meta",))
        if tables is not None:
            self._db.close()
            raise JournalMismatch(
                f"{self.path} is an SQLite database of another program (tables {', '.join(tables)}), not an "
                "import journal; pass another --journal"
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- identity --------------------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {key: value for key, value in self._db.execute("SELECT key, value FROM meta")}

    def bind(self, identity: dict[str, Any], labels: Mapping[str, str] | None = None) -> bool:
        """Tie the journal to one input and its settings. Returns True when resuming an earlier run. A mismatch
        names each setting that differs (by its ``labels`` name, an option say) with both values."""
        wanted = json.dumps(identity, sort_keys=True)
        meta = self.meta()
        stored = meta.get("identity")
        if stored is not None and meta.get("version") != SCHEMA_VERSION:
            raise JournalMismatch(
                f"{self.path} was written by another version of the importer (journal format "
                f"{meta.get('version')}, this one writes {SCHEMA_VERSION}); finish that run with the version that "
                "started it, or delete the journal to start over"
            )
        if stored is None:
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", [("identity", wanted), ("version", SCHEMA_VERSION)]
            )
            return False
        if stored != wanted:
            raise JournalMismatch(
                f"{self.path} records a run with other settings: {_differences(json.loads(stored), identity, labels)}; "
                "run with the journal's values to resume it, pass another --journal, or delete it to start over"
            )
        return True

    # --- batches ---------------------------------------------------------------------------------------------

    def batch(self, seq: int) -> BatchRow | None:
        row = self._db.execute(f"SELECT {BATCH_COLUMNS} FROM batches WHERE seq = ?", (seq,)).fetchone()
        return _batch_row(row) if row else None

    def start_sending(self, seq: int, lines: array[int], guarded: bool, spans: array[int]) -> None:
        row = (seq, pack_lines(lines), pack_lines(spans), len(lines), int(guarded))
        try:  # a batch's first attempt: one statement
            self._db.execute(
                "INSERT INTO batches (seq, lines, spans, size, guarded, state, attempts) VALUES (?, ?, ?, ?, ?, "
                "'sending', 1)",
                row,
            )
            return
        except sqlite3.IntegrityError:  # sent before (by this run or an earlier one)
            pass
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE batches SET state = 'sending', attempts = attempts + 1, note = '' WHERE seq = ?", (seq,)
            )
            # A batch sent again (after an unknown fate on an unguarded batch) starts from a clean slate.
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))

    def not_sent(self, seq: int, lines: array[int], guarded: bool, note: str, spans: array[int]) -> None:
        """A batch this run will not send: its lines unknown, and a later run sends it, in one transaction."""
        note = self._scrub(note)
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO batches (seq, lines, spans, size, guarded, state, resendable, note) "
                "VALUES (?, ?, ?, ?, ?, 'unknown', 1, ?) "
                "ON CONFLICT(seq) DO UPDATE SET state = 'unknown', resendable = 1, note = excluded.note",
                (seq, pack_lines(lines), pack_lines(spans), len(lines), int(guarded), note),
            )
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, batch, span) VALUES (?, 'unknown', ?, ?, ?)",
                [(line, note, seq, span) for line, span in zip(lines, spans, strict=True)],
            )

    def split(self, seq: int, parts: list[tuple[int, array[int], array[int]]], guarded: bool, note: str) -> None:
        """Replace batch ``seq`` (refused as too large, so never applied) by ``parts`` ``(seq, lines, spans)``, each
        not sent yet and so sent by a later run if this one stops first, in one transaction."""
        note = self._scrub(note)
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE batches SET state = 'split', job_id = NULL, note = ?, body = NULL WHERE seq = ?", (note, seq)
            )
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))
            self._db.executemany(
                "INSERT INTO batches (seq, lines, spans, size, guarded, state, resendable, note, parent) "
                "VALUES (?, ?, ?, ?, ?, 'unknown', 1, 'not sent yet: part of a batch split for its size', ?)",
                [
                    (part, pack_lines(lines), pack_lines(spans), len(lines), int(guarded), seq)
                    for part, lines, spans in parts
                ],
            )

    def parts(self, seq: int) -> list[BatchRow]:
        rows = self._db.execute(f"SELECT {BATCH_COLUMNS} FROM batches WHERE parent = ? ORDER BY seq DESC", (seq,))
        return [_batch_row(row) for row in rows]

    def next_part_seq(self) -> int:
        """A number for a new part: parts count down from -1, apart from the batches' own 0, 1, 2..."""
        (lowest,) = self._db.execute("SELECT MIN(seq) FROM batches").fetchone()
        return min(int(lowest or 0), 0) - 1

    def submitted(
        self, seq: int, job_id: str, records: list[dict[str, Any]] | None = None, encoded: list[bytes] | None = None
    ) -> None:
        """The server took batch ``seq`` as ``job_id``; ``records`` are kept here, not in memory, until it settles
        (from ``encoded``, each record as compact JSON, when given: not encoded a second time)."""
        body = None if records is None else pack_records(records, encoded)
        self._db.execute(
            "UPDATE batches SET state = 'submitted', job_id = ?, body = COALESCE(?, body) WHERE seq = ?",
            (job_id, body, seq),
        )

    def kept_records(self, seq: int) -> list[dict[str, Any]] | None:
        row = self._db.execute("SELECT body FROM batches WHERE seq = ?", (seq,)).fetchone()
        if row is None or row[0] is None:
            return None
        return unpack_records(row[0])

    def finish(
        self,
        seq: int,
        state: BatchState,
        spans: Spans,
        *,
        rejects: list[tuple[int, str, str]] | None = None,
        unknown: list[int] | None = None,
        resendable: bool = False,
        note: str = "",
    ) -> None:
        """Record a batch's final state and its lines that were not accepted (``(line, reason, input)``), in one
        transaction. Every other line of the batch counts as accepted."""
        note = self._scrub(note)
        rows = [
            (line, Outcome.REJECTED_BY_SERVER.value, self._scrub(reason), self._scrub(raw), seq, spans.get(line, 1))
            for line, reason, raw in rejects or []
        ] + [(line, Outcome.UNKNOWN.value, note, "", seq, spans.get(line, 1)) for line in unknown or []]
        accepted = sum(spans.values()) - sum(row[5] for row in rows)
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM outcomes WHERE batch = ?", (seq,))
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, raw, batch, span) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute(
                "UPDATE batches SET state = ?, accepted = ?, resendable = ?, note = ?, body = NULL WHERE seq = ?",
                (state.value, accepted, int(resendable), note, seq),
            )

    def mark_unknown(self, seq: int, lines: array[int], note: str, spans: array[int] | None = None) -> None:
        """Lines of a batch left open: unknown for this run's report, kept apart from the batch's own state."""
        sizes = spans if spans is not None and len(spans) == len(lines) else [1] * len(lines)
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, batch, span) VALUES (?, 'unknown', ?, ?, ?)",
                [(line, note, seq, size) for line, size in zip(lines, sizes, strict=True)],
            )

    def overtaken(self, pairs: list[tuple[int, int]]) -> None:
        """``(line, later line)``: a later line of the same user was sent after a line whose fate is unknown."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO overtaken (line, by_line) VALUES (?, ?)", pairs)

    def overtaken_by(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for line, by_line in self._db.execute("SELECT line, by_line FROM overtaken ORDER BY line, by_line"):
            found.setdefault(line, []).append(by_line)
        return found

    def jobs(self) -> Iterator[tuple[int, str, str, int, int]]:
        """``(batch, job id, state, first line, last line)`` of every batch the server took, in batch order."""
        for seq, job_id, state, blob in self._db.execute(
            "SELECT seq, job_id, state, lines FROM batches WHERE job_id IS NOT NULL ORDER BY seq"
        ):
            lines = unpack_lines(blob)
            yield seq, job_id, state, lines[0], lines[-1]

    def batches_in(self, *states: BatchState) -> Iterator[BatchRow]:
        marks = ",".join("?" * len(states))
        query = f"SELECT {BATCH_COLUMNS} FROM batches WHERE state IN ({marks})"
        rows = self._db.execute(query, [state.value for state in states]).fetchall()
        for row in rows:
            yield _batch_row(row)

    # --- lines -----------------------------------------------------------------------------------------------

    def record_lines(self, rows: list[tuple[int, str, str, str, int]]) -> None:
        """``(line, outcome, reason, raw, span)`` for lines settled while reading (rejected locally, or skipped as
        blank or a header); idempotent, as a resumed run reads them again."""
        scrub = self._scrub
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO outcomes (line, outcome, reason, raw, batch, span) "
                "VALUES (?, ?, ?, ?, NULL, ?)",
                [(line, outcome, scrub(reason), scrub(raw), span) for line, outcome, reason, raw, span in rows],
            )

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in Outcome}
        for outcome, number in self._db.execute("SELECT outcome, SUM(span) FROM outcomes GROUP BY outcome"):
            counts[outcome] = number
        (accepted,) = self._db.execute("SELECT COALESCE(SUM(accepted), 0) FROM batches WHERE state = 'done'").fetchone()
        counts[Outcome.ACCEPTED.value] = int(accepted)
        return counts

    def not_accepted(self) -> Iterator[tuple[int, str, str, str, int]]:
        """Every line rejected or unknown, in line order: ``(line, outcome, reason, raw, span)``."""
        yield from self._db.execute(
            "SELECT line, outcome, reason, raw, span FROM outcomes WHERE outcome != 'skipped' ORDER BY line"
        )


def _differences(stored: Any, wanted: dict[str, Any], labels: Mapping[str, str] | None) -> str:
    if not isinstance(stored, dict):
        return "its settings are unreadable"
    names = labels or {}
    found = [
        f"{names.get(key, key)} is {json.dumps(stored.get(key))} in the journal, {json.dumps(wanted.get(key))} now"
        for key in sorted(set(stored) | set(wanted))
        if stored.get(key) != wanted.get(key)
    ]
    return "; ".join(found) or "its settings are written differently"


def _batch_row(row: tuple[Any, ...]) -> BatchRow:
    seq, blob, guarded, state, job_id, attempts, resendable, note, spans = row
    return BatchRow(
        seq,
        unpack_lines(blob),
        bool(guarded),
        BatchState(state),
        job_id,
        attempts,
        bool(resendable),
        note,
        unpack_lines(spans) if spans is not None else None,
    )

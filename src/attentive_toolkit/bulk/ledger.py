"""The bookkeeping of a run: every batch's outcome into the journal, the counts the progress shows, and each
batch's release from file order (so that later lines of its users may go, or wait for the next run).

A batch is *taken* when the server accepted it (or it was settled without being sent): it counts as sent in the
progress. It is *released* when its fate is known to this run: final, unknown, or held for the next run.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from .batching import Batch, Batcher
from .journal import BatchState, Journal
from .ordering import Fate, OrderGate
from .sources import raw_excerpt


class ImportAborted(Exception):
    """Nothing more can succeed (the token is refused, say); the journal keeps what was done."""


@dataclass
class Counters:
    """What the progress display shows, in physical lines."""

    total: int = 0
    read: int = 0
    sent: int = 0
    confirmed: int = 0
    handled: int = 0  # settled while reading, taken by the server, or settled without being taken
    jobs: int = 0
    jobs_finished: int = 0  # jobs followed to their end (or found gone)
    started: float = field(default_factory=time.monotonic)
    last_sent: float = 0.0  # when the latest batch was taken by the server
    records_sent: int = 0
    requests: int = 0  # bulk submits answered, whatever the status


def excerpt(record: Any) -> str:
    try:
        return raw_excerpt(json.dumps(record, ensure_ascii=False))
    except (ValueError, RecursionError):
        return ""


class Ledger:
    """Outcomes into the journal, counts into ``counters``, releases into the order gate and the batcher.

    ``max_unsettled`` bounds the records of batches handed on and not released yet: reading waits past it, so a
    slow server slows the reading instead of making the importer hold the file.
    """

    def __init__(
        self, journal: Journal, counters: Counters, gate: OrderGate, batcher: Batcher, max_unsettled: int
    ) -> None:
        self.journal = journal
        self.counters = counters
        self._gate = gate
        self._batcher = batcher
        self._max_unsettled = max_unsettled
        self._unsettled = 0
        self._room = asyncio.Event()

    # --- the window of batches in flight ---------------------------------------------------------------------

    def has_room(self) -> bool:
        return self._unsettled < self._max_unsettled

    async def room(self) -> None:
        """Wait until a batch is released (call while ``has_room`` is False)."""
        self._room.clear()
        await self._room.wait()

    def admit(self, batch: Batch) -> None:
        self._unsettled += len(batch)
        batch.in_window = True

    # --- outcomes --------------------------------------------------------------------------------------------

    def mark_taken(self, batch: Batch) -> None:
        if not batch.handled:
            batch.handled = True
            self.counters.handled += batch.physical_lines

    def release(self, batch: Batch, fate: Fate) -> None:
        """This run knows ``batch``'s fate: later lines of its users may go (final, unknown) or are held too."""
        self.mark_taken(batch)
        if batch.parent is not None:
            self._release_part(batch.parent, fate)
            return
        if batch.in_window:
            batch.in_window = False
            self._unsettled -= len(batch)
            self._room.set()
        self._gate.settle(batch.seq, fate)
        if fate is Fate.FINAL:
            self._batcher.forget(batch)  # later lines of its users need not wait for it any more
        elif fate is Fate.HELD:
            self._batcher.hold(batch)  # later lines of its users are left for the next run too

    def _release_part(self, parent: Batch, fate: Fate) -> None:
        """A batch split for its size is released with its last part: held if any part is held (its users' later
        lines wait for the next run), else unknown if any part is."""
        if fate is Fate.HELD or (fate is Fate.UNKNOWN and parent.parts_fate is Fate.FINAL):
            parent.parts_fate = fate
        parent.open_parts -= 1
        if parent.open_parts == 0:
            parent.handled = True  # its lines were counted through its parts
            self.release(parent, parent.parts_fate)

    def record_outcome(
        self,
        batch: Batch,
        state: BatchState,
        fate: Fate,
        *,
        rejects: list[tuple[int, str, str]] | None = None,
        unknown: list[int] | None = None,
        resendable: bool = False,
        note: str = "",
    ) -> None:
        """Journal the outcome of each of ``batch``'s lines, count them confirmed, release the batch."""
        self.journal.finish(
            batch.seq, state, batch.span_of(), rejects=rejects, unknown=unknown, resendable=resendable, note=note
        )
        self.counters.confirmed += batch.physical_lines
        self.release(batch, fate)

    def not_sent(self, batch: Batch, note: str) -> None:
        """Left for the next run, unsent."""
        self.journal.not_sent(batch.seq, batch.lines, batch.guarded, note, batch.spans)
        self.counters.confirmed += batch.physical_lines
        self.release(batch, Fate.HELD)

    def give_up(self, batch: Batch, note: str, *, resendable: bool) -> None:
        """Its fate unknown: a later run sends it again when ``resendable``, else it is left for review."""
        fate = Fate.HELD if resendable else Fate.UNKNOWN
        self.record_outcome(
            batch, BatchState.UNKNOWN, fate, unknown=list(batch.lines), resendable=resendable, note=note
        )

    def refuse(self, batch: Batch, reason: str) -> None:
        """Every line of ``batch`` refused for ``reason`` (the server refused the request as a whole)."""
        pairs = zip(batch.lines, self.records(batch), strict=True)
        rejects = [(line, reason, excerpt(record)) for line, record in pairs]
        self.record_outcome(batch, BatchState.REJECTED, Fate.FINAL, rejects=rejects)

    def taken(self, batch: Batch, job_id: str) -> None:
        """The server took ``batch`` as ``job_id``: its records wait in the journal, not in memory, while the job
        runs (a slow server must not make the importer hold the whole file)."""
        self.journal.submitted(batch.seq, job_id, batch.records, batch.encoded)
        batch.records = []
        batch.encoded = []
        batch.key_lines = {}
        counters = self.counters
        counters.sent += batch.physical_lines
        self.mark_taken(batch)
        counters.records_sent += len(batch)
        counters.jobs += 1
        counters.last_sent = time.monotonic()

    def records(self, batch: Batch) -> list[dict[str, Any]]:
        """``batch``'s records, from the journal when they were shed."""
        if not batch.records and len(batch):
            kept = self.journal.kept_records(batch.seq)
            if kept is None:
                raise ImportAborted(f"batch {batch.seq}: its records are not in the journal any more")
            batch.records = kept
        return batch.records

"""Valid records grouped into batches of at most the spec's users per job and at most its body cap in bytes, and
what each batch must wait for.

Records that make a request unresendable (the runtime decides: today, those that carry subscriptions) go into
batches of their own ("guarded"): sending such a batch twice can text people twice, so a guarded batch whose fate
is unknown is reported instead of resent. Keeping them apart means a plain upsert is never held back by a
subscription sharing its batch.

File order: the vendor runs jobs in no promised order, so a batch holding a line of a user (see ``identity``) that
an earlier batch also holds must not be sent before that earlier batch is settled. ``after`` names those earlier
batches. Two lines of one user never share a batch, and a batch still open when a later line of one of its users
arrives is closed first: a batch is always closed (and queued) before any batch that waits for it.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

from .held import HeldKeys
from .identity import identity_keys
from .ordering import Fate

# ``{"users":[`` and ``]}`` around the records, which are joined by commas.
BODY_ENVELOPE = len(b'{"users":[]}')


@dataclass(slots=True)
class Batch:
    seq: int
    guarded: bool
    lines: array[int] = field(default_factory=lambda: array("q"))
    # Physical lines each record covers (a CSV value may span lines); parallel to ``lines``.
    spans: array[int] = field(default_factory=lambda: array("q"))
    records: list[dict[str, Any]] = field(default_factory=list)
    # The users' keys (see ``identity``), set when the batch is closed.
    keys: array[int] = field(default_factory=lambda: array("q"))
    # key -> line in this batch, for the key's later lines to name it (and, while the batch is open, to close it)
    key_lines: dict[int, int] = field(default_factory=dict)
    after: set[int] = field(default_factory=set)
    # (earlier batch, its line, the line here) for each user this batch shares with an earlier one
    follows: list[tuple[int, int, int]] = field(default_factory=list)
    handled: bool = False  # counted in the progress: taken by the server or settled
    # A user of this batch was in a batch already left for the next run: this one is left too.
    after_held: bool = False
    resent: int = 0  # times sent again in this run after its job failed as a whole
    # Each record's size encoded as JSON (parallel to ``lines``), and the request body they make together.
    sizes: array[int] = field(default_factory=lambda: array("q"))
    # Each record as compact JSON, encoded once when read: the request body and the journal are made of these.
    encoded: list[bytes] = field(default_factory=list)
    body_bytes: int = BODY_ENVELOPE - 1
    # A part of a batch a server refused as too large: the batch it came from, settled when all its parts are.
    parent: Batch | None = None
    open_parts: int = 0
    parts_fate: Fate = Fate.FINAL
    in_window: bool = False  # counted among the records handed on and not settled yet

    def __len__(self) -> int:
        return len(self.lines)

    def span_of(self) -> dict[int, int]:
        return dict(zip(self.lines, self.spans, strict=True))

    @property
    def physical_lines(self) -> int:
        return sum(self.spans)

    def part(self, seq: int, start: int, stop: int) -> Batch:
        """Records ``start:stop`` of this batch as a batch of their own (numbered ``seq``), settling into this one."""
        sizes = self.sizes[start:stop]
        return Batch(
            seq=seq,
            guarded=self.guarded,
            lines=self.lines[start:stop],
            spans=self.spans[start:stop],
            records=self.records[start:stop],
            sizes=sizes,
            encoded=self.encoded[start:stop],
            body_bytes=BODY_ENVELOPE - 1 + sum(sizes) + len(sizes),
            # It keeps the batch's place in file order: whatever the batch waited for, its parts wait for.
            after=self.after,
            follows=[item for item in self.follows if item[2] in set(self.lines[start:stop])],
            handled=self.handled,
            after_held=self.after_held,
            resent=self.resent,
            parent=self,
        )


Guard = Callable[[dict[str, Any]], bool]
# A batch and a line in one int (no tuple for the garbage collector to track per key): lines below 2**48, which
# a file would need 256 TiB to pass.
LINE_BITS = 48
LINE_MASK = (1 << LINE_BITS) - 1
NONE_CLOSED: tuple[Batch, ...] = ()


class Batcher:
    """Fills batches in line order; ``latest`` maps a user key to the batch and line that last held it, for
    batches not yet settled (``forget`` drops a settled batch's keys, so memory follows the batches in flight;
    ``hold`` moves a batch left for the next run to the bounded ``held`` set). An open batch's ``key_lines`` are
    also the keys it is open with: a later line of one of them closes it."""

    def __init__(
        self, guarded: Guard, size: int, max_body_bytes: int | None = None, guard_keys: frozenset[str] | None = None
    ) -> None:
        """``guard_keys``: keys without one of which a record is never guarded (``guarded`` is asked only about
        a record holding one); None asks ``guarded`` about every record."""
        self.size = size
        self.max_body_bytes = max_body_bytes
        self._guarded = guarded
        self._guard_keys = guard_keys
        self.latest: dict[int, int] = {}  # key -> its batch and line, as ``seq << LINE_BITS | line``
        self._seq = 0
        self._open: dict[bool, Batch] = {}
        self.held = HeldKeys()

    def add(self, line_no: int, span: int, record: dict[str, Any], encoded: bytes) -> Sequence[Batch]:
        """Add one valid record (``encoded``: as compact JSON), read at ``line_no`` over ``span`` physical lines;
        returns the batches it closed (most often none)."""
        closed: list[Batch] = []
        self._add(line_no, span, record, encoded, identity_keys(record), closed)
        return closed or NONE_CLOSED

    def add_run(self, first_line: int, records: list[dict[str, Any]], encoded: list[bytes]) -> Sequence[Batch]:
        """``add`` for each of ``records``, read at ``first_line`` on (one physical line each), in order: the same
        batches, made a stretch at a time (see ``_stretch``)."""
        closed: list[Batch] = []
        keys_of = list(map(identity_keys, records))
        guard_keys = self._guard_keys
        if guard_keys is not None and guard_keys.isdisjoint(chain.from_iterable(records)):
            guarded_of = [False] * len(records)  # one look in C for the run: none of its records is guarded
        else:
            guarded_of = [self._is_guarded(record) for record in records]
        start = 0
        while start < len(records):
            stop, key_lines = self._stretch(first_line, start, keys_of, guarded_of, encoded)
            if key_lines is not None:
                self._add_stretch(first_line, start, stop, key_lines, guarded_of[start], records, encoded, closed)
            else:  # something happens inside it (a batch closed early): one record at a time
                for index in range(start, stop):
                    self._add(first_line + index, 1, records[index], encoded[index], keys_of[index], closed)
            start = stop
        return closed

    def _stretch(
        self, first_line: int, start: int, keys_of: list[list[int]], guarded_of: list[bool], encoded: list[bytes]
    ) -> tuple[int, dict[int, int] | None]:
        """Where a stretch of records from ``start`` ends that all go into one open batch without closing any
        batch before its end (all guarded alike, filling at most that batch, no user twice in it or in an open
        batch, within the body cap), with its users' keys and lines; None instead of those when the stretch that
        would fit holds something else (the caller adds it one record at a time)."""
        guarded = guarded_of[start]
        batch = self._open.get(guarded)
        stop = min(len(keys_of), start + self.size - (len(batch) if batch is not None else 0))
        with contextlib.suppress(ValueError):
            stop = guarded_of.index(not guarded, start, stop)
        stretch = keys_of[start:stop]
        key_lines = {
            key: line
            for line, keys in zip(range(first_line + start, first_line + stop), stretch, strict=True)
            for key in keys
        }
        if len(key_lines) != sum(map(len, stretch)) or any(
            not other.key_lines.keys().isdisjoint(key_lines) for other in self._open.values()
        ):
            return stop, None
        limit = self.max_body_bytes
        if limit is not None:
            body = batch.body_bytes if batch is not None else BODY_ENVELOPE - 1
            if body + sum(map(len, encoded[start:stop])) + stop - start > limit:
                return stop, None
        return stop, key_lines

    def _add_stretch(
        self,
        first_line: int,
        start: int,
        stop: int,
        key_lines: dict[int, int],
        guarded: bool,
        records: list[dict[str, Any]],
        encoded: list[bytes],
        closed: list[Batch],
    ) -> None:
        batch = self._open.get(guarded)
        if batch is None:
            batch = self._open[guarded] = Batch(seq=-1, guarded=guarded)
        sizes = list(map(len, encoded[start:stop]))
        batch.lines.extend(range(first_line + start, first_line + stop))
        batch.spans.extend(repeat(1, stop - start))
        batch.records.extend(records[start:stop])
        batch.sizes.extend(sizes)
        batch.encoded.extend(encoded[start:stop])
        batch.body_bytes += sum(sizes) + len(sizes)
        batch.key_lines.update(key_lines)
        if len(batch) == self.size:
            closed.append(self._close(guarded))

    def _is_guarded(self, record: dict[str, Any]) -> bool:
        guard_keys = self._guard_keys
        return False if guard_keys is not None and guard_keys.isdisjoint(record) else self._guarded(record)

    def _add(
        self, line_no: int, span: int, record: dict[str, Any], encoded: bytes, keys: list[int], closed: list[Batch]
    ) -> None:
        """No object is made per record: its parts go straight into the batch's arrays, and the common case (no
        user seen in an open batch) is a look in C per open batch."""
        open_batches = self._open
        if keys:
            for other in open_batches.values():
                if not other.key_lines.keys().isdisjoint(keys):
                    self._close_sharing(keys, closed)
                    break
        guarded = self._is_guarded(record)
        batch = open_batches.get(guarded)
        size = len(encoded)
        if batch is None:
            batch = open_batches[guarded] = Batch(seq=-1, guarded=guarded)
        elif (limit := self.max_body_bytes) is not None and batch.body_bytes + size + 1 > limit:
            closed.append(self._close(guarded))
            batch = open_batches[guarded] = Batch(seq=-1, guarded=guarded)
        lines = batch.lines
        lines.append(line_no)
        batch.spans.append(span)
        batch.records.append(record)
        batch.sizes.append(size)
        batch.encoded.append(encoded)
        batch.body_bytes += size + 1
        if keys:
            key_lines = batch.key_lines
            for key in keys:
                key_lines[key] = line_no
        if len(lines) == self.size:
            closed.append(self._close(guarded))

    def _close_sharing(self, keys: list[int], closed: list[Batch]) -> None:
        """Close each open batch holding one of ``keys``, in the keys' order (the same input always gives the same
        batches)."""
        for key in keys:
            for guarded, batch in list(self._open.items()):
                if key in batch.key_lines:
                    closed.append(self._close(guarded))

    def finish(self) -> Iterator[Batch]:
        for batch in sorted(self._open.values(), key=lambda b: b.lines[0]):
            yield self._close(batch.guarded)

    def _close(self, guarded: bool) -> Batch:
        batch = self._open.pop(guarded)
        seq = batch.seq = self._seq
        self._seq += 1
        key_lines = batch.key_lines
        batch.keys = array("q", key_lines)
        batch.after_held = self.held.holds_any(key_lines.keys())  # ints already made: none made again from the array
        latest = self.latest
        # Most batches share no user with a batch still in flight: one look in C instead of one per user.
        if not latest.keys().isdisjoint(key_lines):
            for key, line in key_lines.items():
                earlier = latest.get(key)
                if earlier is not None:
                    batch.after.add(earlier >> LINE_BITS)
                    batch.follows.append((earlier >> LINE_BITS, earlier & LINE_MASK, line))
        base = seq << LINE_BITS
        latest.update({key: base | line for key, line in key_lines.items()})
        return batch

    def forget(self, batch: Batch) -> None:
        """Drop the entries of ``latest`` that still name ``batch`` (a later batch of the user may have replaced
        one): those between the batch's first and the next batch's first packed value."""
        latest, low, high = self.latest, batch.seq << LINE_BITS, (batch.seq + 1) << LINE_BITS
        get = latest.get
        for key in batch.keys:
            if low <= get(key, -1) < high:
                del latest[key]

    def hold(self, batch: Batch) -> None:
        self.held.add(batch.keys)
        self.forget(batch)

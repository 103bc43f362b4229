"""Valid records grouped into batches of at most 256.

Records that make a request unresendable (the runtime decides: today, those that carry subscriptions) go into
batches of their own ("guarded"): sending such a batch twice can text people twice, so a guarded batch whose fate
is unknown is reported instead of resent. Keeping them apart means a plain upsert is never held back by a
subscription sharing its batch.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_BATCH_SIZE = 256


@dataclass(slots=True)
class Batch:
    seq: int
    guarded: bool
    lines: array[int] = field(default_factory=lambda: array("q"))
    records: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


def batches(
    records: Iterable[tuple[int, dict[str, Any]]],
    guarded: Callable[[dict[str, Any]], bool],
    size: int = MAX_BATCH_SIZE,
) -> Iterator[Batch]:
    """Batches numbered 0, 1, 2... in the order they fill up; the same input always gives the same batches, which
    is what lets a resumed run recognise the batches its journal knows."""
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch size must be between 1 and {MAX_BATCH_SIZE}, not {size}")
    seq = 0
    open_batches: dict[bool, Batch] = {}
    for line_no, record in records:
        kind = guarded(record)
        batch = open_batches.get(kind)
        if batch is None:
            batch = open_batches[kind] = Batch(seq=-1, guarded=kind)
        batch.lines.append(line_no)
        batch.records.append(record)
        if len(batch) == size:
            batch.seq, seq = seq, seq + 1
            del open_batches[kind]
            yield batch
    for batch in sorted(open_batches.values(), key=lambda b: b.lines[0]):
        batch.seq, seq = seq, seq + 1
        yield batch

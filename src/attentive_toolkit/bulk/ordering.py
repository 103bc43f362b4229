"""File order across asynchronous jobs: a batch waits until every earlier batch sharing a user with it is settled.

A settled batch is either *final* (its job finished, the server refused it, or its fate is unknown and it will not
be sent again) or *held* (this run leaves it to the next one: not sent, a job not followed to its end). A batch
waiting for a held batch is held too, so the next run sends both again in file order, rather than the later line
going first and the earlier one overwriting it on resume.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum


class Fate(Enum):
    FINAL = "final"
    UNKNOWN = "unknown"  # final, but whether it was applied is not known: later lines of its users overtake it
    HELD = "held"


@dataclass(frozen=True)
class Clearance:
    """What a batch found when its turn came: the batches it waited for that are held, and those whose lines'
    fate is unknown (the batch's own lines are then sent after them: they overtake those lines)."""

    held: list[int]
    unknown: list[int]
    stopped: bool = False


class OrderGate:
    """Fates of settled batches, and waiting for them. Runs on one event loop; ``settle`` may be called from
    plain code on that loop."""

    def __init__(self) -> None:
        self._fates: dict[int, Fate] = {}
        self._events: dict[int, asyncio.Event] = {}
        self._stop = asyncio.Event()

    def fate(self, seq: int) -> Fate | None:
        return self._fates.get(seq)

    def settle(self, seq: int, fate: Fate) -> None:
        self._fates[seq] = fate
        event = self._events.pop(seq, None)
        if event is not None:
            event.set()

    def stop(self) -> None:
        self._stop.set()

    async def clearance(self, after: set[int]) -> Clearance:
        """Wait until every batch in ``after`` is settled (or the run stops)."""
        for seq in sorted(after):
            if seq in self._fates or self._stop.is_set():
                continue
            event = self._events.setdefault(seq, asyncio.Event())
            stop = asyncio.ensure_future(self._stop.wait())
            settled = asyncio.ensure_future(event.wait())
            await asyncio.wait({stop, settled}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            settled.cancel()
        fates = {seq: self._fates.get(seq) for seq in after}
        return Clearance(
            held=sorted(seq for seq, fate in fates.items() if fate is Fate.HELD),
            unknown=sorted(seq for seq, fate in fates.items() if fate is Fate.UNKNOWN),
            stopped=any(fate is None for fate in fates.values()),
        )

"""How many bulk submits are in flight at once: as many as the pace needs (its rate times the round trip, with a
margin), never more than ``ImportOptions.concurrency``.

Every connection the HTTP pool holds costs CPU on every request (httpcore checks each idle one for expiry), and
every sender parked at the pacer costs a wake-up; a pace of 100 requests a second with answers in 50 ms needs about
five requests in flight, not sixteen. A slower server (a longer round trip) gets more, up to the option.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable

# Before the first answer the round trip is unknown: this many go, then the answers say how many are needed.
FIRST_LIMIT = 8
# Requests in flight beyond rate x round trip: one waits for the pacer's next slot while another's answer is late.
SPARE = 2
# The round trip counted is the smoothed one plus this many of its smoothed deviations (as TCP times out: RFC 6298).
DEVIATIONS = 2.0


class Flights:
    """``take`` a place before waiting for a pace slot, ``give_back`` with the round trip once the answer is read."""

    def __init__(self, most: int, rate: Callable[[], float]) -> None:
        self.most = max(1, most)
        self._rate = rate  # requests a second to keep up
        self.limit = min(self.most, FIRST_LIMIT)
        self.busy = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._round_trip: float | None = None  # smoothed
        self._deviation = 0.0

    async def take(self) -> None:
        if self.busy < self.limit and not self._waiting:
            self.busy += 1
            return
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(place)
        try:
            await place
        except asyncio.CancelledError:
            if place.done() and not place.cancelled():  # handed a place as it was cancelled: hand it on
                self.give_back()
            raise

    def give_back(self, round_trip: float | None = None) -> None:
        self.busy -= 1
        if round_trip is not None:
            self._learn(round_trip)
        while self._waiting and self.busy < self.limit:
            place = self._waiting.popleft()
            if not place.done():  # a waiter cancelled meanwhile is passed over
                self.busy += 1
                place.set_result(None)

    def _learn(self, round_trip: float) -> None:
        if self._round_trip is None:
            self._round_trip, self._deviation = round_trip, round_trip / 2
        else:
            self._deviation += (abs(self._round_trip - round_trip) - self._deviation) / 4
            self._round_trip += (round_trip - self._round_trip) / 8
        needed = self._rate() * (self._round_trip + DEVIATIONS * self._deviation)
        # Rounded first: a hundredth of a request (a deviation dying away) is no request.
        self.limit = min(self.most, max(1, math.ceil(round(needed, 2)) + SPARE))

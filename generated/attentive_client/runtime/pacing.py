"""Rate limits from the caller's end: ``Pacer`` spaces a caller's requests to an operation's limit (the client and
the bulk importer share it). The reference server counts its windows itself (``attentive_toolkit.server.windows``).
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping

__all__ = ["MAX_HOLD_SECONDS", "MIN_SERVER_RATE", "Pacer", "header_number"]

# A server may lower the pace, but not below this: `x-ratelimit-limit: 0.001` must not park a caller for 1,000 s.
MIN_SERVER_RATE = 1.0
# The longest a 429 or an exhausted window holds every sender back.
MAX_HOLD_SECONDS = 60.0
# Without Retry-After the window's start is unknown: a tenth of a second wastes little and, if still early, the next
# 429 pushes again.
THROTTLED_HOLD_SECONDS = 0.1


def header_number(headers: Mapping[str, str], name: str) -> float | None:
    """A numeric header's value; None when absent or not a finite number."""
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


class Pacer:
    """Hands out send slots ``1/rate`` apart to every thread and task that sends to one operation.

    A slot is handed out when it is due, never reserved in advance, so a hold (a 429, an exhausted window) and a
    change of rate reach every sender still waiting: the next slot is due an interval, at the rate of the moment,
    after the last one. A slot taken late by up to one interval keeps the cadence (the next one is due an interval
    after the missed one), so lateness does not add up over a run; since that can bring two slots closer than an
    interval, slots are spaced for ``headroom`` of the rate and no one-second window gets more than the limit. A
    caller that counts the server's windows itself (``ShareController``) spaces them at the full rate instead.

    The server can lower the rate (``x-ratelimit-limit``, not below ``MIN_SERVER_RATE``) and hold everyone back (a
    429, or ``x-ratelimit-remaining: 0``; at most ``MAX_HOLD_SECONDS``).
    """

    HEADROOM = 0.98

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate = float(rate)
        self.headroom = self.HEADROOM
        self._clock = clock
        self._last: float | None = None  # the last slot handed out
        self._held_until = clock()
        self._state = threading.Lock()
        self._turn = threading.Lock()
        self._async_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.throttled = 0

    def __repr__(self) -> str:
        return f"Pacer(rate={self.rate:g}/s, throttled={self.throttled})"

    @property
    def interval(self) -> float:
        return 1.0 / (self.rate * self.headroom)

    def set_rate(self, rate: float) -> None:
        """Pace to ``rate`` from the next slot on, up or down (``observe`` only ever lowers it): for a caller that
        learns the limit another way, such as a test target that advertises its own."""
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate}")
        with self._state:
            self.rate = float(rate)

    def poll(self) -> float:
        """Take the next slot if it is due and return 0; otherwise return how long until it is (nothing taken)."""
        with self._state:
            now = self._clock()
            interval = self.interval
            due = self._held_until if self._last is None else max(self._last + interval, self._held_until)
            at = max(due, now - interval)
            if at > now:
                return at - now
            self._last = at
            return 0.0

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> float:
        """Wait for a slot (threads); returns the seconds waited. One waiter sleeps at a time, the rest queue."""
        waited = 0.0
        with self._turn:
            while (wait := self.poll()) > 0:
                sleep(wait)
                waited += wait
        return waited

    async def acquire_async(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> float:
        """Wait for a slot (asyncio); returns the seconds waited."""
        waited = 0.0
        async with self._async_turn():
            while (wait := self.poll()) > 0:
                await sleep(wait)
                waited += wait
        return waited

    def _async_turn(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._state:
            lock = self._async_turns.get(loop)
            if lock is None:
                lock = self._async_turns[loop] = asyncio.Lock()
            return lock

    def observe(self, status: int, headers: Mapping[str, str], retry_after: float | None = None) -> None:
        """Learn from an answer: a lower advertised limit, a 429, an exhausted window."""
        limit = header_number(headers, "x-ratelimit-limit")
        remaining = header_number(headers, "x-ratelimit-remaining")
        with self._state:
            if limit is not None and MIN_SERVER_RATE <= limit < self.rate:
                self.rate = limit
        if status == 429:
            with self._state:
                self.throttled += 1
            self.hold(retry_after if retry_after is not None else THROTTLED_HOLD_SECONDS)
        elif remaining is not None and remaining <= 0:
            self.hold(self.interval)

    def hold(self, seconds: float) -> None:
        """No slot before ``seconds`` from now (capped at ``MAX_HOLD_SECONDS``)."""
        seconds = min(max(seconds, 0.0), MAX_HOLD_SECONDS)
        with self._state:
            self._held_until = max(self._held_until, self._clock() + seconds)

"""Spacing requests to an operation's documented rate limit, and backing off when the server says so."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ..spec.effective import load_effective_spec

SUBMIT_OPERATION = "postBulkUserAttributes"
STATUS_OPERATION = "getBulkJobStatus"


def documented_rate_limits(spec: Mapping[str, Any] | None = None) -> dict[str, float]:
    """``operationId -> x-rate-limit-per-second`` from the effective spec."""
    document = spec if spec is not None else load_effective_spec()
    limits: dict[str, float] = {}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation and "x-rate-limit-per-second" in operation:
                limits[operation["operationId"]] = float(operation["x-rate-limit-per-second"])
    return limits


def header_number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers[name])
    except (KeyError, ValueError):
        return None


class Pacer:
    """Hands out send slots ``1/rate`` apart, shared by every task that sends to one operation.

    The server counts requests in one-second windows, so ``x-ratelimit-remaining: 0`` or a 429 means nothing more
    is accepted until the window turns over: the next slot moves out by ``hold`` (a second by default, or the
    server's ``Retry-After``). ``x-ratelimit-limit`` lower than the documented rate replaces it.

    Reading and validating the next batch runs on the same event loop and can make a sender wake a few
    milliseconds late. A slot taken late by up to one interval keeps the cadence (the next slot is due one
    interval after the missed one, not after the late send), so that lateness does not add up over a run. A slot
    taken late can bring the next one closer than an interval, so slots are spaced for ``HEADROOM`` of the rate:
    101 slots then span more than a second even when the first of them was a whole interval (and a few
    milliseconds more) late, and no one-second window gets more than the limit.
    """

    HEADROOM = 0.98

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._next = clock()
        self._lock = asyncio.Lock()
        self.throttled = 0

    @property
    def interval(self) -> float:
        return 1.0 / (self.rate * self.HEADROOM)

    async def slot(self) -> None:
        # One sender at a time waits for the next slot, the others queue on the lock in order: a slot is handed out
        # when it is due, never reserved in advance, so a hold (429, no budget left) or a busy loop affects every
        # sender still waiting, not only those that ask after it.
        async with self._lock:
            while True:
                now = self._clock()
                at = max(self._next, now - self.interval)
                if at <= now:
                    break
                await self._sleep(at - now)
            self._next = at + self.interval

    def observe(self, status: int, headers: Mapping[str, str], retry_after: float | None = None) -> None:
        limit = header_number(headers, "x-ratelimit-limit")
        if limit is not None and 0 < limit < self.rate:
            self.rate = limit
        remaining = header_number(headers, "x-ratelimit-remaining")
        if status == 429:
            self.throttled += 1
            self.hold(retry_after if retry_after is not None else self._window_rest())
        elif remaining == 0:
            self.hold(self.interval)

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, self._clock() + seconds)

    def _window_rest(self) -> float:
        # Without Retry-After the window's start is unknown; a tenth of a second wastes little and, if still
        # early, the next 429 pushes again.
        return 0.1

"""Spacing requests to an operation's documented rate limit, and backing off when the server says so."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
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
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate = rate
        self._clock = clock
        self._next = clock()
        self.throttled = 0

    async def slot(self) -> None:
        now = self._clock()
        at = max(now, self._next)
        self._next = at + 1.0 / self.rate
        if at > now:
            await asyncio.sleep(at - now)

    def observe(self, status: int, headers: Mapping[str, str], retry_after: float | None = None) -> None:
        limit = header_number(headers, "x-ratelimit-limit")
        if limit is not None and 0 < limit < self.rate:
            self.rate = limit
        remaining = header_number(headers, "x-ratelimit-remaining")
        if status == 429:
            self.throttled += 1
            self.hold(retry_after if retry_after is not None else self._window_rest())
        elif remaining == 0:
            self.hold(1.0 / self.rate)

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, self._clock() + seconds)

    def _window_rest(self) -> float:
        # Without Retry-After the window's start is unknown; a tenth of a second wastes little and, if still
        # early, the next 429 pushes again.
        return 0.1

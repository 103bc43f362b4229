"""The reference server's rate limit: a fixed one-second window per token and operation, as the vendor counts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from attrs import frozen


@frozen
class Budget:
    """What one request may spend of its window, and the headers that say so."""

    allowed: bool
    limit: int
    remaining: int

    def headers(self) -> dict[str, str]:
        return {"x-ratelimit-limit": str(self.limit), "x-ratelimit-remaining": str(self.remaining)}


class WindowBudget:
    """A fixed window per (key, operation) that opens at the first request and lasts one second, as the vendor
    counts requests per token and operation."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def spend(self, key: str, operation_id: str, limit: int) -> Budget:
        with self._lock:
            now = self._clock()
            start, used = self._windows.get((key, operation_id), (now, 0))
            if now - start >= 1.0:
                start, used = now, 0
            if used >= limit:
                self._windows[(key, operation_id)] = (start, used)
                return Budget(False, limit, 0)
            used += 1
            self._windows[(key, operation_id)] = (start, used)
            return Budget(True, limit, limit - used)

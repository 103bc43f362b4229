"""Per-token, per-operation request budgets over one-second windows, as the vendor documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    allowed: bool
    limit: int
    remaining: int

    def headers(self) -> dict[str, str]:
        return {"x-ratelimit-limit": str(self.limit), "x-ratelimit-remaining": str(self.remaining)}


class RateLimiter:
    """A fixed window per (token, operation) that opens at the first request and lasts one second."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def reset(self) -> None:
        self._windows.clear()

    def peek(self, key: str, operation_id: str, limit: int) -> Budget:
        """The budget without spending any of it (for answers that don't count, such as a 401)."""
        window = self._windows.get((key, operation_id))
        if window is None or self._monotonic() - window[0] >= 1.0:
            return Budget(True, limit, limit)
        return Budget(window[1] < limit, limit, max(limit - window[1], 0))

    def spend(self, key: str, operation_id: str, limit: int) -> Budget:
        now = self._monotonic()
        start, used = self._windows.get((key, operation_id), (now, 0))
        if now - start >= 1.0:
            start, used = now, 0
        if used >= limit:
            self._windows[(key, operation_id)] = (start, used)
            return Budget(False, limit, 0)
        used += 1
        self._windows[(key, operation_id)] = (start, used)
        return Budget(True, limit, limit - used)

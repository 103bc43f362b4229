"""Wall time for job ages, shiftable through the inspection API so a job's 14-day expiry can be seen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta


class SandboxClock:
    def __init__(self, source: Callable[[], datetime]) -> None:
        self._source = source
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.at(self.offset)

    def at(self, offset: timedelta) -> datetime:
        """The time with ``offset`` instead of the current shift; OverflowError past the year 9999."""
        return self._source() + offset

    def iso(self) -> str:
        return self.now().isoformat()

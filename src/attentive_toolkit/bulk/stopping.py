"""Stopping a run: why it stopped, and waits that end early when it does."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable
from typing import TypeVar

from .ordering import OrderGate

SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}
T = TypeVar("T")


class StopSwitch:
    """Set once: ``reason`` says why (empty while the run goes on), ``signal`` which signal asked for it."""

    def __init__(self, gate: OrderGate) -> None:
        self.reason = ""
        self.signal: int | None = None
        self._event = asyncio.Event()
        self._gate = gate

    def __bool__(self) -> bool:
        return bool(self.reason)

    def stop(self, number: int | None = None, reason: str = "") -> None:
        if number is not None and self.signal is None:
            self.signal = number
        if not self.reason:
            name = SIGNALS.get(signal.Signals(number), str(number)) if number else "?"
            self.reason = reason or f"interrupted ({name})"
        self._event.set()
        self._gate.stop()

    async def wait_unless_stopped(self, waiting: Awaitable[T]) -> bool:
        """Wait for ``waiting`` unless the run stops first; False when it stopped."""
        if self.reason:
            return False
        task = asyncio.ensure_future(waiting)
        stopped = asyncio.ensure_future(self._event.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return False
        return True

"""Stopping a run: why it stopped, and waits that end early when it does."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Coroutine
from typing import Any

from .ordering import OrderGate

SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class StopSwitch:
    """Set once: ``reason`` says why (empty while the run goes on), ``signal`` which signal asked for it."""

    def __init__(self, gate: OrderGate) -> None:
        self.reason = ""
        self.signal: int | None = None
        self._gate = gate
        # Tasks inside ``wait_unless_stopped``: stopping cancels their wait. A wait costs no task or event of its
        # own (the importer waits once per request: for its pace slot).
        self._waiting: set[asyncio.Task[Any]] = set()
        self._cancelled: set[asyncio.Task[Any]] = set()

    def __bool__(self) -> bool:
        return bool(self.reason)

    def stop(self, number: int | None = None, reason: str = "") -> None:
        if number is not None and self.signal is None:
            self.signal = number
        if not self.reason:
            name = SIGNALS.get(signal.Signals(number), str(number)) if number else "?"
            self.reason = reason or f"interrupted ({name})"
        try:
            current = asyncio.current_task()
        except RuntimeError:  # no loop running: nothing can be waiting
            current = None
        for task in self._waiting - self._cancelled:
            if task is not current:
                self._cancelled.add(task)
                task.cancel()
        self._gate.stop()

    async def wait_unless_stopped(self, waiting: Awaitable[Any]) -> bool:
        """Wait for ``waiting`` unless the run stops first; False when it stopped."""
        if self.reason:
            if isinstance(waiting, Coroutine):
                waiting.close()
            return False
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            await waiting
        except asyncio.CancelledError:
            # Cancelled by ``stop`` (and by nothing else): the wait ends, the task carries on.
            if task in self._cancelled:
                self._cancelled.discard(task)
                if task.uncancel() == 0:
                    return False
            raise
        finally:
            self._waiting.discard(task)
        if task in self._cancelled:  # ``waiting`` ended without the stop's cancel (it swallowed it)
            self._cancelled.discard(task)
            task.uncancel()
            return False
        return True

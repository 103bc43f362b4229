"""The progress bar on a terminal: records read, sent and confirmed, and the rate."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .importer import Counters


class ProgressDisplay:
    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task = self._progress.add_task("starting", total=None)

    def __enter__(self) -> ProgressDisplay:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._progress.stop()

    def update(self, counters: Counters) -> None:
        elapsed = max(time.monotonic() - counters.started, 1e-9)
        description = (
            f"read {counters.read:,}  sent {counters.sent:,}  confirmed {counters.confirmed:,}  "
            f"{counters.sent / elapsed:,.0f} records/s"
        )
        self._progress.update(self._task, description=description)

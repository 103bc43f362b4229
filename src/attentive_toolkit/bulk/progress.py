"""The progress bar on a terminal: physical lines out of the file's total, the rate over the last few seconds,
and the time left at that rate."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .importer import Counters

# The rate (and so the ETA) is measured over this many recent seconds, not since the start: it follows the run
# as it speeds up or waits, and drops to nothing once sending ends.
RATE_WINDOW_SECONDS = 5.0


class ProgressDisplay:
    def __init__(self, console: Console | None = None, clock: Callable[[], float] | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("lines"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            TextColumn("{task.fields[detail]}"),
            console=self.console,
            speed_estimate_period=RATE_WINDOW_SECONDS,
            get_time=clock,
            transient=False,
        )
        self._task = self._progress.add_task("import", total=None, rate="", eta="", detail="")

    def __enter__(self) -> ProgressDisplay:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._progress.stop()

    def update(self, counters: Counters) -> None:
        # The bar counts lines handled (settled while reading, taken by the server, or left for the next run);
        # the detail says how many have their final outcome.
        detail = f"sent {counters.sent:,}  confirmed {counters.confirmed:,}  jobs {counters.jobs:,}"
        handled = min(counters.handled, counters.total)
        self._progress.update(self._task, total=counters.total or None, completed=handled, detail=detail)
        self._progress.update(self._task, rate=self.rate_text(), eta=self.eta_text(), refresh=True)

    def rate_text(self) -> str:
        speed = self._progress.tasks[0].speed
        return f"{speed:,.0f} lines/s" if speed else "-- lines/s"

    def eta_text(self) -> str:
        left = self._progress.tasks[0].time_remaining
        if left is None:
            return "-:--:--"
        minutes, seconds = divmod(round(left), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}"

    def job(self, batch: int, job_id: str) -> None:
        self._progress.console.print(f"batch {batch}: job {job_id}", highlight=False)

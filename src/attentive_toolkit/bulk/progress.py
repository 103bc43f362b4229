"""The progress on a terminal, in three rows that each fit 80 columns: lines sent (taken by the server or
settled while reading), lines confirmed (their final outcome known), and jobs finished out of those the server
took (with how many are pending). Each bar has its
own rate over the last few seconds and the time left at that rate, so the job-following phase, when every line
is sent and the server is still applying them, moves on the second row instead of sitting at 100%."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TaskProgressColumn, TextColumn

from .ledger import Counters

# The rate (and so the ETA) is measured over this many recent seconds, not since the start: it follows the run
# as it speeds up or waits, and drops to nothing once that row stops moving.
RATE_WINDOW_SECONDS = 5.0
BAR_WIDTH = 20


class ProgressDisplay:
    def __init__(self, console: Console | None = None, clock: Callable[[], float] | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(bar_width=BAR_WIDTH),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[eta]}"),
            console=self.console,
            speed_estimate_period=RATE_WINDOW_SECONDS,
            get_time=clock,
            transient=False,
        )
        self._sent = self._progress.add_task("sent", total=None, rate="", eta="")
        self._confirmed = self._progress.add_task("confirmed", total=None, rate="", eta="")
        self._jobs = self._progress.add_task("jobs", total=None, rate="", eta="")

    def __enter__(self) -> ProgressDisplay:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._progress.stop()

    def __rich__(self) -> RenderableType:
        """The rows as they stand, for printing once (the live display redraws them itself)."""
        return self._progress.get_renderable()

    def update(self, counters: Counters) -> None:
        total = counters.total or None
        self._row(self._sent, total, min(counters.handled, counters.total))
        self._row(self._confirmed, total, min(counters.confirmed, counters.total))
        # Jobs: finished out of those the server took; what is left is what the server is still applying.
        pending = max(counters.jobs - counters.jobs_finished, 0)
        self._progress.update(self._jobs, total=counters.jobs or None, completed=counters.jobs_finished)
        self._progress.update(self._jobs, rate=f"{pending:,} pending", eta="", refresh=True)

    def _row(self, task: TaskID, total: int | None, completed: int) -> None:
        self._progress.update(task, total=total, completed=completed)
        self._progress.update(task, rate=self.rate_text(task), eta=self.eta_text(task))

    def _task(self, task: TaskID) -> int:
        return [row.id for row in self._progress.tasks].index(task)

    def rate_text(self, task: TaskID | None = None) -> str:
        row = self._progress.tasks[self._task(self._sent if task is None else task)]
        return f"{row.speed:,.0f}/s" if row.speed else "--/s"

    def eta_text(self, task: TaskID | None = None) -> str:
        row = self._progress.tasks[self._task(self._sent if task is None else task)]
        if row.finished:
            return "done"
        left = row.time_remaining
        if left is None:
            return "ETA -:--:--"
        minutes, seconds = divmod(round(left), 60)
        hours, minutes = divmod(minutes, 60)
        return f"ETA {hours}:{minutes:02d}:{seconds:02d}"

    def job(self, batch: int, job_id: str) -> None:
        """One line per job taken by the server: only with ``--verbose``."""
        self._progress.console.print(f"batch {batch}: job {job_id}", highlight=False)

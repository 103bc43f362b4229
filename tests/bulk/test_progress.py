"""The progress display at 80 columns: lines sent, lines confirmed and jobs, each with its own rate and ETA."""

from __future__ import annotations

import io

from rich.console import Console

from attentive_toolkit.bulk.importer import Counters
from attentive_toolkit.bulk.progress import ProgressDisplay


def frame(display: ProgressDisplay) -> list[str]:
    """The rows as an 80-column terminal shows them."""
    console = Console(record=True, width=80, force_terminal=True, color_system=None, file=io.StringIO())
    console.print(display)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_at_80_columns_every_row_keeps_its_bar_counts_and_eta() -> None:
    now = [0.0]
    display = ProgressDisplay(Console(file=io.StringIO(), width=80), clock=lambda: now[0])
    counters = Counters(total=2_000_000)
    frames = []
    # Sending at 100,000 lines a second; the server confirms half as fast, so jobs are followed after sending.
    for second in range(31):
        now[0] = float(second)
        counters.handled = min(second * 100_000, 2_000_000)
        counters.confirmed = second * 50_000
        counters.jobs = counters.handled // 256
        counters.jobs_finished = counters.confirmed // 256
        display.update(counters)
        if second in (5, 30):
            frames.append(frame(display))

    for rows in frames:
        assert len(rows) == 3 and all(len(row) <= 80 for row in rows), rows
    sending, following = frames
    assert sending[0].startswith("sent") and "500000/2000000" in sending[0] and "25%" in sending[0]
    assert "100,000/s" in sending[0] and "ETA 0:00:15" in sending[0]
    # Following jobs: sending is done, and the confirmed row and the jobs row still move, with a real ETA.
    sent, confirmed, jobs = following
    assert sent.endswith("done") and "2000000/2000000" in sent
    assert "1500000/2000000" in confirmed and "50,000/s" in confirmed and "ETA 0:00:10" in confirmed
    assert "5859/7812" in jobs and "1,953 pending" in jobs


def test_job_ids_are_printed_only_when_asked() -> None:
    console = Console(record=True, width=80, force_terminal=True, color_system=None, file=io.StringIO())
    display = ProgressDisplay(console)
    with display:
        display.job(3, "job-abc")
    assert "batch 3: job job-abc" in console.export_text()

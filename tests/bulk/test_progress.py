"""The progress display: a bar over the file's lines, the rate over the last seconds, and the time left."""

from __future__ import annotations

import io

from rich.console import Console

from attentive_toolkit.bulk.importer import Counters
from attentive_toolkit.bulk.progress import ProgressDisplay


def test_the_bar_has_a_total_a_rate_and_an_eta() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=200, color_system=None)
    now = [0.0]
    display = ProgressDisplay(console, clock=lambda: now[0])
    counters = Counters(total=10_000)
    with display:
        # 1,000 lines a second for five seconds, then nothing for ten: the rate is the recent one, not the average.
        for second in range(16):
            now[0] = float(second)
            counters.handled = min(second, 5) * 1000
            display.update(counters)
            if second == 5:
                console.print(f"at five: {display.rate_text()} ETA {display.eta_text()}")
        display.job(3, "job-abc")
    text = output.getvalue()
    assert "5000/10000" in text and "50%" in text
    assert "at five: 1,000 lines/s ETA 0:00:05" in text
    assert "-- lines/s" in text.rsplit("job-abc", 1)[0].rsplit("at five", 1)[-1]  # after sending stopped
    assert "job-abc" in text

"""The one place benchmark figures are written: ``docs/benchmarks/latest.md``.

Each benchmark's printed output becomes its own section, between ``<!-- bench:NAME -->`` markers, so running one
benchmark replaces only its section and the others keep their last figures. The docs and the README link to this
page and never retype a number.
"""

from __future__ import annotations

import io
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "latest.md"
HEADER = """# Last benchmark results

Written by `python -m bench` (`tox -e bench`), never by hand: each section is replaced when its benchmark runs
(`tox -e bench -- NAME`). What each benchmark measures, and its target: [Benchmarks](../benchmarks.md).
"""


class Tee(io.TextIOBase):
    """Passes writes through to the terminal and keeps a copy for the results page."""

    def __init__(self, terminal: TextIO) -> None:
        self.terminal = terminal
        self.copy = io.StringIO()

    def write(self, text: str) -> int:
        self.terminal.write(text)
        return self.copy.write(text)

    def flush(self) -> None:
        self.terminal.flush()


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def section(name: str, output: str, when: datetime | None = None) -> str:
    moment = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    start, end = _marker(name)
    body = output.rstrip("\n") or "(the benchmark printed nothing)"
    return f"{start}\n## {name}\n\nRun {moment} on {machine}.\n\n```text\n{body}\n```\n{end}"


def _not_run(name: str) -> str:
    start, end = _marker(name)
    return f"{start}\n## {name}\n\nNot run yet: `tox -e bench -- {name}`.\n{end}"


def sections_of(text: str) -> dict[str, str]:
    found = re.finditer(r"<!-- bench:([\w-]+) -->.*?<!-- /bench:\1 -->", text, flags=re.DOTALL)
    return {match.group(1): match.group(0) for match in found}


def update(available: list[str], fresh: dict[str, str], path: Path = RESULTS) -> None:
    """Rewrite the page: fresh sections for what just ran, the previous ones for the rest, in name order."""
    kept = sections_of(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept.update(fresh)
    parts = [kept.get(name) or _not_run(name) for name in available]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n" + "\n\n".join(parts) + "\n", encoding="utf-8")


def capture(stream: TextIO = sys.stdout) -> Tee:
    return Tee(stream)

"""Run the conformance suite against the embedded reference server of a project copy, as `tox -e conformance`
would there, and read back its summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..project_copy import REPO

SUITE_TIMEOUT = 600
# Few examples keep three runs affordable; the seed is the suite's fixed default, so every run is reproducible.
MAX_EXAMPLES = "3"


@dataclass(frozen=True)
class SuiteRun:
    returncode: int
    output: str
    summary: dict[str, Any]


def run_conformance(project: Path, report_dir: Path) -> SuiteRun:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env.update(
        ATTENTIVE_PROJECT_ROOT=str(project),
        ATTENTIVE_REPORT_DIR=str(report_dir),
        ATTENTIVE_MAX_EXAMPLES=MAX_EXAMPLES,
    )
    command = [sys.executable, "-m", "pytest", str(REPO / "conformance_tests"), "-p", "no:cacheprovider", "-q"]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT, check=False
    )
    summary_file = report_dir / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    return SuiteRun(done.returncode, done.stdout + done.stderr, summary)

"""Run the conformance suite in a subprocess against a URL, the way CI would, and read back its summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SUITE_TIMEOUT = 300


@dataclass
class SuiteRun:
    returncode: int
    output: str
    summary: dict[str, Any]
    report_dir: Path

    def failed_checks(self, operation: str) -> set[str]:
        return {f["check"] for f in self.summary.get("failures", []) if f["operation"] == operation}

    def report_text(self) -> str:
        return "".join(path.read_text(encoding="utf-8") for path in sorted(self.report_dir.iterdir()) if path.is_file())


def run_suite(
    base_url: str, report_dir: Path, *args: str, token: str = "dev-token", project: Path | None = None
) -> SuiteRun:
    """``project``: a project copy whose effective spec the suite reads (the checkout's by default)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    if project is not None:
        env["ATTENTIVE_PROJECT_ROOT"] = str(project)
    env.update(
        ATTENTIVE_BASE_URL=base_url,
        ATTENTIVE_API_TOKEN=token,
        ATTENTIVE_REFERENCE_SERVER="1",
        ATTENTIVE_REPORT_DIR=str(report_dir),
        ATTENTIVE_MAX_EXAMPLES="5",
    )
    command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q", *args]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT, check=False
    )
    summary_file = report_dir / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    return SuiteRun(done.returncode, done.stdout + done.stderr, summary, report_dir)

"""Wall time and cases/s of the default conformance run (embedded reference server, default seed and examples),
measured side by side with the same run without its coverage phase (boundary and invalid values), each in a
process of its own, the way `tox -e conformance` starts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def _run(label: str, *args: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
        env["ATTENTIVE_REPORT_DIR"] = folder
        command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q", *args]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        summary = Path(folder) / "summary.json"
        if not summary.exists():
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            raise SystemExit(f"{label}: the conformance run wrote no summary (exit {done.returncode})")
        cases = int(json.loads(summary.read_text(encoding="utf-8"))["cases"])
    # A run that found failures still measures speed; say so rather than hide it.
    outcome = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(f"{label:<28} {elapsed:6.1f} s wall  {cases:>6} cases  {cases / elapsed:6.1f} cases/s  run {outcome}")
    return elapsed, cases


def run() -> None:
    default_s, _ = _run("default run (all operations)")
    lean_s, _ = _run("without the coverage phase", "--phases", "examples,fuzzing,stateful")
    verdict = "within" if default_s < TARGET_SECONDS else "OVER"
    print(f"default / without-coverage wall time: {default_s / lean_s:.2f}x")
    print(f"default run {verdict} the {TARGET_SECONDS:g} s target ({default_s / TARGET_SECONDS:.0%} of it)")

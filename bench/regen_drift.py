"""Regeneration plus drift check, against the bare generator on the same spec in the same run.

Target: the drift check (apply overlays, generate into a scratch folder, compare) under 5 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from attentive_toolkit.paths import project_paths
from attentive_toolkit.spec.drift import drift
from attentive_toolkit.spec.effective import build_effective_spec

ROUNDS = 3
TARGET_SECONDS = 5.0


def _median_seconds(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run() -> None:
    paths = project_paths()

    def bare_generator() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(paths.effective_spec),
                 "--output-path", str(Path(scratch) / "out"), "--meta", "uv"],
                check=True, capture_output=True,
            )  # fmt: skip

    def drift_check() -> None:
        difference = drift(paths)
        if difference:
            raise SystemExit("generated/ has drifted; the benchmark measures a clean tree")

    overlays = _median_seconds(lambda: build_effective_spec(paths))
    bare = _median_seconds(bare_generator)
    full = _median_seconds(drift_check)
    print(f"overlays + validation        {overlays:6.2f} s (median of {ROUNDS})")
    print(f"bare generator, no hooks     {bare:6.2f} s")
    print(f"drift check (full pipeline)  {full:6.2f} s")
    print(f"ratio drift / bare generator {full / bare:6.2f}x")
    verdict = "meets" if full < TARGET_SECONDS else "MISSES"
    print(f"ratio drift / {TARGET_SECONDS:.0f} s target   {full / TARGET_SECONDS:6.2f}x ({verdict} the target)")

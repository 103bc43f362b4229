"""`attentive conformance run`: the main job from a plain install, paced on a loopback target it didn't start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attentive_toolkit.server.runner import running_server

# A subprocess conformance run: end to end, run once (see docs/development.md).
pytestmark = pytest.mark.e2e


def attentive(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from attentive_toolkit.cli.main import main; main()", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def clean_environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    return {**env, **extra}


def test_a_separate_reference_server_is_paced_to_its_limits_and_the_run_passes(tmp_path: Path) -> None:
    # The server enforces the spec's per-operation limits, as `attentive serve` does; unpaced, upserts came back
    # 429 about half the time. The folder's own pytest configuration (one that would break any run) is ignored.
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n", encoding="utf-8")
    with running_server() as url:
        done = attentive(
            "conformance", "run", "-q", "--base-url", url, "--operations", "postUserAttributes",
            "--report-dir", str(tmp_path / "reports"),
            env=clean_environment(ATTENTIVE_API_TOKEN="dev-token"), cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "each operation paced to its documented rate limit" in done.stdout
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["cases"] > 100
    assert summary["rate_limited"] / summary["cases"] < 0.01, summary["operations"]
    assert summary["warnings"] == []
    assert "dev-token" not in done.stdout + done.stderr

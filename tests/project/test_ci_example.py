"""docs/ci-example.yml keeps its promises (docs/ci.md lists them)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW: dict[Any, Any] = yaml.safe_load((REPO / "docs" / "ci-example.yml").read_text(encoding="utf-8"))
JOBS: dict[str, Any] = WORKFLOW["jobs"]


def triggers() -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    result = WORKFLOW["on"] if "on" in WORKFLOW else WORKFLOW[True]
    assert isinstance(result, dict)
    return result


def run_steps(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_one_run_per_pull_request() -> None:
    on = triggers()
    assert "pull_request" in on
    # A push runs only for main, so a same-repository pull request is not tested twice.
    assert on["push"] == {"branches": ["main"]}
    assert WORKFLOW["concurrency"]["cancel-in-progress"] is True


def test_tox_is_pinned_everywhere() -> None:
    version = WORKFLOW["env"]["TOX_VERSION"]
    assert version.count(".") == 2 and all(part.isdigit() for part in version.split("."))
    installs = [command for job in JOBS.values() for command in run_steps(job) if "pip install" in command]
    assert installs
    assert all('"tox==${TOX_VERSION}"' in command for command in installs)


def test_the_tests_run_on_every_supported_python() -> None:
    job = JOBS["tests"]
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert any("tox -e" in command and "matrix.python" in command for command in run_steps(job))


def test_lint_types_drift_and_docs_run() -> None:
    assert any("tox -e lint,types,drift,docs" in command for command in run_steps(JOBS["checks"]))


def _junit_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if "junit" in str(step.get("uses", ""))]


def test_conformance_publishes_junit() -> None:
    for name in ("conformance", "nightly"):
        [step] = _junit_steps(JOBS[name])
        assert step["with"]["report_paths"] == "reports/conformance/junit.xml"
        assert step["if"] == "always()"
    assert WORKFLOW["permissions"]["checks"] == "write"


def test_nightly_runs_only_on_schedule_or_by_hand() -> None:
    assert "schedule" in triggers()
    assert JOBS["nightly"]["if"] == "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'"
    for name in ("tests", "checks", "conformance"):
        assert JOBS[name]["if"] == "github.event_name != 'schedule'"


def _guard(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = JOBS["nightly"]["steps"][0]["run"]
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    return subprocess.run(["bash", "-c", script], env={**clean, **env}, capture_output=True, text=True, check=False)


def test_nightly_fails_loudly_without_a_target() -> None:
    assert JOBS["nightly"]["steps"][0]["name"] == "Require a configured target"
    missing = _guard({"ATTENTIVE_BASE_URL": "", "ATTENTIVE_API_TOKEN": ""})
    assert missing.returncode == 1
    assert missing.stdout.startswith("::error::")
    assert "ATTENTIVE_BASE_URL" in missing.stdout and "ATTENTIVE_API_TOKEN" in missing.stdout
    no_url = _guard({"ATTENTIVE_BASE_URL": "", "ATTENTIVE_API_TOKEN": "secret"})
    assert no_url.returncode == 1 and "ATTENTIVE_API_TOKEN" not in no_url.stdout
    configured = _guard({"ATTENTIVE_BASE_URL": "https://api.example.com", "ATTENTIVE_API_TOKEN": "secret"})
    assert configured.returncode == 0 and configured.stdout == ""


def test_nightly_never_falls_back_to_the_embedded_server() -> None:
    commands = [command for command in run_steps(JOBS["nightly"]) if "tox -e conformance" in command]
    assert commands == ['tox -e conformance -- --base-url "${ATTENTIVE_BASE_URL}"']
    env = JOBS["nightly"]["env"]
    assert env["ATTENTIVE_BASE_URL"] == "${{ vars.ATTENTIVE_BASE_URL }}"
    assert env["ATTENTIVE_API_TOKEN"] == "${{ secrets.ATTENTIVE_API_TOKEN }}"
    assert "ATTENTIVE_ALLOW_WRITES" not in env

"""A future release that reaches a recursive, discriminated schema, a form body and bodies on PUT/DELETE works
in every part: ``spec update`` generates typed functions and recursive models for it, the client validates and
sends them, and the reference server answers them, with no code changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from attentive_toolkit.paths import ProjectPaths

from ..project_copy import REPO, copy_project
from ..server.synthetic_release import synthetic_release

CALLS = Path(__file__).resolve().parent / "future_release_calls.py"
TIMEOUT = 300


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env.update(ATTENTIVE_PROJECT_ROOT=str(project), PYTHONPATH=str(project / "generated"))
    return subprocess.run(
        list(command), cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    paths = copy_project(tmp_path_factory.mktemp("future") / "project")
    release = paths.root / "release.json"
    vendor = json.loads(paths.vendor_spec.read_text(encoding="utf-8"))
    release.write_text(json.dumps(synthetic_release(vendor)), encoding="utf-8")
    attentive = str(Path(sys.executable).with_name("attentive"))
    done = run(paths.root, attentive, "spec", "update", str(release), "--accept-findings")
    assert done.returncode == 0, done.stdout + done.stderr
    return paths


@pytest.mark.e2e
def test_recursive_models_and_a_discriminated_union_are_generated(updated: ProjectPaths) -> None:
    branch = (updated.generated / "attentive_client" / "models" / "branch.py").read_text(encoding="utf-8")

    assert "children: list[Branch | Leaf]" in branch


@pytest.mark.e2e
def test_the_client_calls_the_new_operations_on_the_reference_server(updated: ProjectPaths) -> None:
    done = run(updated.root, sys.executable, str(CALLS))
    assert done.returncode == 0, done.stdout + done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["tree"] == {"status": 200, "type": seen["tree"]["type"], "round_trip": True}
    assert seen["tree"]["type"] in {"Branch", "Leaf"}
    assert seen["form"] == {"status": 200, "has_token": True}
    assert seen["form_refused_before_sending"] == ["/count"]
    assert seen["put"] == 200
    assert seen["delete"] == 204

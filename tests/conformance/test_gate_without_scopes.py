"""The gate still fails a target that never reaches a 2xx: here the reference server itself, with the run's token
narrowed to no scope, so every operation that requires one answers 403."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.runner import serving_app
from attentive_toolkit.server.settings import ServerSettings

from ..project_copy import REPO

TOKEN = "conformance-token-without-scopes"


@pytest.mark.e2e
def test_the_gate_fails_operations_a_token_without_scopes_never_gets_a_2xx_from(tmp_path: Path) -> None:
    app = create_app(ServerSettings(tokens={TOKEN: frozenset()}, run_jobs_in_background=False))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env.update(ATTENTIVE_API_TOKEN=TOKEN, ATTENTIVE_REPORT_DIR=str(tmp_path / "reports"))
    env.update(ATTENTIVE_MAX_EXAMPLES="3", ATTENTIVE_OPERATIONS="getMeV2,postUserAttributes")
    env.update(ATTENTIVE_PHASES="examples,fuzzing", ATTENTIVE_REFERENCE_SERVER="1")
    with serving_app(app) as url:
        env["ATTENTIVE_BASE_URL"] = url
        command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q"]
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr

    assert done.returncode != 0, output
    assert "POST /v2/user/attributes never reached a 2xx" in output
    assert "GET /v2/me never reached a 2xx" not in output

"""Wires the suite's pytest hooks (``attentive_toolkit.conformance.plugin``) and its shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from attentive_toolkit.conformance.preflight import token_problem
from attentive_toolkit.conformance.session import ConformanceSession, current_session

# The suite's hooks (options, safety banner, summary, reports) live in the package so they are typed and tested.
pytest_plugins = ["attentive_toolkit.conformance.plugin"]


@pytest.fixture(scope="session")
def conformance() -> ConformanceSession:
    return current_session()


@pytest.fixture(scope="session", autouse=True)
def accepted_token(conformance: ConformanceSession) -> None:
    """Stop the whole run, saying why, when the token is rejected: the rest would be a vacuous pass."""
    problem = token_problem(conformance)
    if problem:
        conformance.token_problem = problem
        pytest.exit(f"conformance run FAILED: {problem}", returncode=pytest.ExitCode.TESTS_FAILED)


@pytest.fixture
def api(conformance: ConformanceSession) -> Iterator[httpx.Client]:
    """An authenticated client for the hand-written checks of documented behaviour."""
    headers = {"Authorization": f"Bearer {conformance.api_token}"}
    with httpx.Client(base_url=conformance.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture
def writes_allowed(conformance: ConformanceSession) -> None:
    if not conformance.policy.writes_allowed:
        pytest.skip(f"writes are not allowed on {conformance.policy.host} (use --allow-writes)")

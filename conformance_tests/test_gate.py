"""Runs after every other test (the plugin moves it last) and fails the run when it proved nothing."""

from __future__ import annotations

import pytest

from attentive_toolkit.conformance.session import ConformanceSession
from attentive_toolkit.conformance.summary import success_gate_problems


@pytest.mark.conformance_gate
def test_every_tested_operation_reached_a_success_path(conformance: ConformanceSession) -> None:
    problems = success_gate_problems(conformance)
    assert not problems, "the run did not reach every success path:\n  " + "\n  ".join(problems)

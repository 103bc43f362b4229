"""The conformance suite can fail: each deliberately broken variant of the reference server is caught by the
check that should catch it, a rejected token fails the run, and a remote target gets no writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attentive_client.runtime.spec import SAFE_METHODS
from starlette.types import ASGIApp

from attentive_toolkit.conformance.operations import operation_ids
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.runner import serving_app
from attentive_toolkit.server.settings import ServerSettings

from .broken import (
    Breaker,
    invalid_phone_accepted,
    missing_field,
    missing_rate_limit_header,
    on,
    token_not_required,
    wrong_status,
    wrong_type,
)
from .suite_runner import run_suite

# Conformance runs in subprocesses: end to end, run once (see docs/development.md).
pytestmark = pytest.mark.e2e

ME = "GET /v2/me"
UPSERT = "POST /v2/user/attributes"
BULK = "POST /v2/bulk/user/attributes"


def reference_app() -> ASGIApp:
    return create_app(ServerSettings(rate_limits=dict.fromkeys(operation_ids(), 100_000)))


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports"


# (variant, mutate-answer, rewrite-request, operationId, phases, operation label, check that must fire)
VARIANTS = [
    ("wrong status", on("POST", "/v2/user/attributes", wrong_status), None,
     "postUserAttributes", "examples", UPSERT, "status_code_conformance"),
    ("missing field", on("POST", "/v2/bulk/user/attributes", missing_field), None,
     "postBulkUserAttributes", "examples", BULK, "response_schema_conformance"),
    ("wrong type", on("GET", "/v2/me", wrong_type), None,
     "getMeV2", "examples,fuzzing", ME, "response_schema_conformance"),
    ("missing rate-limit header", missing_rate_limit_header, None,
     "getMeV2", "examples,fuzzing", ME, "rate_limit_headers"),
    ("invalid phone accepted", on("POST", "/v2/user/attributes", invalid_phone_accepted), None,
     "postUserAttributes", "coverage", UPSERT, "negative_data_rejection"),
    ("request without token accepted", None, token_not_required,
     "getMeV2", "examples,fuzzing", ME, "ignored_auth"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "before", "operation_id", "phases", "label", "check"),
    [pytest.param(*variant[1:], id=variant[0]) for variant in VARIANTS],
)
def test_broken_variant_is_caught_by_the_right_check(
    report_dir: Path, mutate: object, before: object, operation_id: str, phases: str, label: str, check: str
) -> None:
    app = Breaker(reference_app(), mutate=mutate, before=before)  # type: ignore[arg-type]
    with serving_app(app) as url:
        run = run_suite(url, report_dir, "--operations", operation_id, "--phases", phases)
    assert run.returncode == 1, run.output
    assert check in run.failed_checks(label), f"{check} not among {run.failed_checks(label)}:\n{run.output}"
    assert "curl -X" in run.output, "a failure must come with a curl command to reproduce it"
    assert "dev-token" not in run.output + run.report_text(), "the token leaked into the output or a report"
    # The operation's failure starts with what broke, not with the source of the suite's own hooks.
    heading = f" test_operation[{label}] "
    section = run.output.split(heading, 1)[1].split("\n", 1)[1]
    assert section.startswith(f"{label}: "), section[:300]
    assert "pytest_runtest_call" not in run.output


def test_the_unbroken_reference_server_passes(report_dir: Path) -> None:
    """The control for the variants above: same options, no breakage, no failure."""
    with serving_app(reference_app()) as url:
        run = run_suite(url, report_dir, "--operations", "getMeV2,postUserAttributes", "--phases", "examples,fuzzing")
    assert run.returncode == 0, run.output
    assert run.summary["failures"] == []


def test_a_rejected_token_fails_the_run_and_says_why(report_dir: Path) -> None:
    token = "wrong-token-0123456789"
    with serving_app(reference_app()) as url:
        run = run_suite(url, report_dir, "--operations", "getMeV2", "--phases", "fuzzing", token=token)
    assert run.returncode == 1, run.output
    assert "rejected the API token" in run.output
    assert any("rejected the API token" in problem for problem in run.summary["problems"])
    assert token not in run.output + run.report_text()
    # Even a run stopped before any case writes its coverage and its (empty) cassette.
    assert {"coverage.json", "coverage.html", "failures.har"} <= {path.name for path in report_dir.iterdir()}


@pytest.fixture
def recorded_reference() -> Iterator[tuple[Breaker, str]]:
    recorder = Breaker(reference_app())
    with serving_app(recorder) as url:
        yield recorder, url


def test_a_remote_target_gets_no_writes_and_the_run_says_so(
    report_dir: Path, recorded_reference: tuple[Breaker, str]
) -> None:
    recorder, url = recorded_reference
    run = run_suite(url, report_dir, "--assume-remote", "--phases", "examples,coverage,fuzzing,stateful")
    writes = [(method, path) for method, path in recorder.seen if method.lower() not in SAFE_METHODS]
    assert recorder.seen, "the suite sent nothing at all"
    assert writes == []
    assert "writes SKIPPED" in run.output and "rate limit 25/s" in run.output
    assert set(run.summary["skipped_operations"]) == {UPSERT, BULK}
    # Without writes no bulk job exists, so job status never succeeds: the run must say so, not pass.
    assert run.returncode == 1
    assert any("ATTENTIVE_BULK_JOB_ID" in problem for problem in run.summary["problems"])


def test_a_remote_target_gets_writes_when_allowed(report_dir: Path, recorded_reference: tuple[Breaker, str]) -> None:
    recorder, url = recorded_reference
    run = run_suite(
        url, report_dir, "--assume-remote", "--allow-writes", "--rate-limit", "1000/s",
        "--operations", "postUserAttributes", "--phases", "examples",
    )  # fmt: skip
    assert ("POST", "/v2/user/attributes") in recorder.seen
    assert "writes ALLOWED" in run.output and "rate limit 1000/s" in run.output
    assert run.returncode == 0, run.output

"""Against a careless target (200 ``{}`` to everything) the suite lists several distinct failures per operation,
each with a curl line and a replay id, runs every planned case, writes coverage and a scrubbed cassette, and a
failure can be replayed side by side. ``--max-failures`` cuts a run short, and the gate says so."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.conformance.operations import operation_ids, operation_labels
from attentive_toolkit.server.runner import serving_app

from .careless import Careless
from .suite_runner import SuiteRun, run_suite
from .test_suite_catches_breakage import reference_app

# Conformance runs in subprocesses: end to end, run once (see docs/development.md).
pytestmark = pytest.mark.e2e

UNIT_PHASES = ("examples", "coverage", "fuzzing")
TOKEN = "s3cret-careless-token"
UPSERT = "POST /v2/user/attributes"


@pytest.fixture(scope="module")
def careless_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteRun]:
    # It echoes the token back, in headers and bodies: the run must still show and keep it nowhere.
    with serving_app(Careless(echo=True)) as url:
        yield run_suite(url, tmp_path_factory.mktemp("careless"), token=TOKEN)


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    with serving_app(reference_app()) as url:
        return run_suite(url, tmp_path_factory.mktemp("reference"))


def test_several_distinct_failures_per_operation_each_with_curl_and_replay_id(careless_run: SuiteRun) -> None:
    assert careless_run.returncode == 1
    failures = careless_run.summary["failures"]
    for label in operation_labels().values():
        mine = [failure for failure in failures if failure["operation"] == label]
        assert len({failure["check"] for failure in mine}) >= 3, f"{label}: {mine}"
        for failure in mine:
            assert re.fullmatch(r"f-[0-9a-f]{10}", failure["id"])
            assert failure["curl"].startswith("curl -X "), failure
            assert failure["replay"] == f"attentive conformance replay {failure['id']}"
    keys = [(failure["check"], failure["operation"], failure["status_code"]) for failure in failures]
    assert len(keys) == len(set(keys)), "failures are de-duplicated by (check, operation, status)"
    # Every operation's test lists its failures with their replay ids, not just the first one.
    for failure in failures:
        assert failure["id"] in careless_run.output


def test_a_target_that_fails_every_case_still_gets_every_planned_case(
    careless_run: SuiteRun, reference_run: SuiteRun
) -> None:
    """The examples, coverage and fuzzing phases send the same cases to both targets: nothing stopped early."""

    def unit_cases(run: SuiteRun) -> dict[str, dict[str, int]]:
        shape = run.summary["run_shape"]
        return {label: {p: n for p, n in info["phases"].items() if p in UNIT_PHASES} for label, info in shape.items()}

    assert reference_run.returncode == 0, reference_run.output
    assert unit_cases(careless_run) == unit_cases(reference_run)
    assert all(info["phases"].get("fuzzing") == 5 for info in careless_run.summary["run_shape"].values())


def test_coverage_files_name_operations_and_statuses(careless_run: SuiteRun, reference_run: SuiteRun) -> None:
    for run in (careless_run, reference_run):
        coverage = json.loads((run.report_dir / "coverage.json").read_text(encoding="utf-8"))["coverage"]
        assert set(coverage) == set(operation_ids())
        assert "<table>" in (run.report_dir / "coverage.html").read_text(encoding="utf-8")
        assert "coverage    operation" in run.output
    upsert = json.loads((reference_run.report_dir / "coverage.json").read_text(encoding="utf-8"))["coverage"]
    statuses = upsert["postUserAttributes"]["statuses"]
    assert {"202", "400"} <= set(statuses["observed"]) and "500" in statuses["never_observed"]
    links = upsert["postBulkUserAttributes"]["links"]
    assert links["GetBulkJobStatus"]["followed"] > 0
    careless = json.loads((careless_run.report_dir / "coverage.json").read_text(encoding="utf-8"))["coverage"]
    assert careless["postUserAttributes"]["statuses"]["undocumented_observed"].keys() == {"200"}


def test_the_cassette_holds_every_failing_exchange_without_the_token(careless_run: SuiteRun) -> None:
    cassette = json.loads((careless_run.report_dir / "failures.har").read_text(encoding="utf-8"))
    entries = cassette["log"]["entries"]
    assert {entry["_replayId"] for entry in entries} == {failure["id"] for failure in careless_run.summary["failures"]}
    assert TOKEN not in careless_run.output + careless_run.report_text()
    sent = [
        h["value"] for entry in entries for h in entry["request"]["headers"] if h["name"].lower() == "authorization"
    ]
    assert sent and all(value == "Bearer [redacted]" for value in sent)


def test_a_failure_replays_side_by_side(careless_run: SuiteRun, monkeypatch: pytest.MonkeyPatch) -> None:
    failure = next(f for f in careless_run.summary["failures"] if f["operation"] == UPSERT)
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", TOKEN)
    arguments = ["conformance", "replay", failure["id"], "--report-dir", str(careless_run.report_dir)]
    with serving_app(Careless(echo=True)) as url:
        same = CliRunner().invoke(cli, [*arguments, "--base-url", url])
    assert same.exit_code == 0, same.output
    assert TOKEN not in same.output
    assert "recorded" in same.output and "now" in same.output and "HTTP 200" in same.output
    assert "verdict: the answer is unchanged" in same.output
    assert "status 200 is not documented" in same.output
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    with serving_app(reference_app()) as url:
        fixed = CliRunner().invoke(cli, [*arguments, "--base-url", url])
    assert fixed.exit_code == 0, fixed.output
    assert "verdict: the answer CHANGED" in fixed.output
    assert TOKEN not in same.output and "dev-token" not in fixed.output


def test_an_unknown_replay_id_is_refused_with_the_known_ones(careless_run: SuiteRun) -> None:
    result = CliRunner().invoke(cli, ["conformance", "replay", "f-nope", "--report-dir", str(careless_run.report_dir)])
    assert result.exit_code == 1
    assert "no failure 'f-nope'" in result.output and careless_run.summary["failures"][0]["id"] in result.output


def test_max_failures_cuts_the_run_short_and_the_gate_says_so(tmp_path: Path) -> None:
    """/v2/me answers 200, everything else 503: without a limit the upsert never reaches a 2xx; with one, the
    run stops after the first distinct failure and the upsert is reported as cut short, not as broken."""
    app = Careless(status=503, ok_paths=frozenset({"/v2/me"}))
    options = ("--operations", "getMeV2,postUserAttributes", "--phases", "examples,fuzzing")
    with serving_app(app) as url:
        full = run_suite(url, tmp_path / "full", *options)
        limited = run_suite(url, tmp_path / "limited", *options, "--max-failures", "1")
    never = [problem for problem in full.summary["problems"] if problem.startswith(UPSERT)]
    assert len(never) == 1 and "never reached a 2xx: all" in never[0], full.summary["problems"]
    assert len(limited.summary["failures"]) == 1
    cut = [problem for problem in limited.summary["problems"] if problem.startswith(UPSERT)]
    assert len(cut) == 1 and "cut short by failures: --max-failures 1" in cut[0], limited.summary["problems"]
    assert limited.summary["run_shape"][UPSERT]["cut_short"] > 0

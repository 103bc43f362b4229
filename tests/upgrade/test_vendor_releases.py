"""Vendor releases of our own making go through `attentive spec update` with no hand edits, and then the
conformance suite passes against the embedded server of the updated project.

- new operations carrying the known gap classes: the class overlays fix them, the server answers them
  statelessly, the suite tests them and marks them stateless;
- gaps fixed by the vendor in its own words and shapes: the report names exactly those gaps;
- a renamed schema: the update stops naming the broken actions; once they are retargeted it goes through.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from attentive_toolkit.cli.main import cli
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.upgrade.update import update_spec

from ..project_copy import copy_project, tree_bytes
from . import specs
from .conformance_run import SuiteRun, run_conformance

# Project copies regenerated and conformance runs in subprocesses: end to end, run once.
pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Release:
    paths: ProjectPaths
    update: Result
    changelog: str
    suite: SuiteRun


def _write_spec(root: Path, base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> Path:
    new_spec = root / "new-openapi.json"
    new_spec.write_text(json.dumps(specs.variant(base, change), indent=2), encoding="utf-8")
    return new_spec


def _update(paths: ProjectPaths, new_spec: Path, *options: str) -> tuple[Result, str]:
    changelog = paths.root.parent / "update.md"
    result = CliRunner().invoke(
        cli,
        ["spec", "update", str(new_spec), "--changelog", str(changelog), *options],
        env={"ATTENTIVE_PROJECT_ROOT": str(paths.root)},
    )
    return result, changelog.read_text(encoding="utf-8") if changelog.exists() else ""


def _release(
    factory: pytest.TempPathFactory, base: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> Release:
    root = factory.mktemp(change.__name__)
    paths = copy_project(root / "project")
    result, changelog = _update(paths, _write_spec(root, base, change))
    suite = run_conformance(paths.root, root / "reports") if result.exit_code == 0 else SuiteRun(-1, "", {})
    return Release(paths, result, changelog, suite)


def _fixed_line(changelog: str) -> str:
    return next(line for line in changelog.splitlines() if line.startswith("Fixed by the vendor with this spec:"))


def _assert_suite_passed(release: Release) -> None:
    assert release.suite.returncode == 0, release.suite.output[-3000:]
    assert release.suite.summary["failures"] == [] and release.suite.summary["problems"] == []


# --- new operations with the known gap classes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_operations(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Release:
    return _release(tmp_path_factory, our_spec, specs.operations_with_gaps)


def test_new_operations_are_listed_with_what_each_component_does(new_operations: Release) -> None:
    assert new_operations.update.exit_code == 0, new_operations.update.output
    assert "## New operations" in new_operations.changelog
    for line in (
        "- `postCustomEvents` (POST /v2/events/custom): client `attentive_client.api.custom_events.post_custom_events`;"
        " server stateless (answered from the spec's examples and schemas); conformance covered by every phase,"
        " marked stateless in the summary (a write: skipped on non-loopback targets without --allow-writes)",
        "- `getSegmentMembers` (GET /v2/segments/{segmentId}/members): client"
        " `attentive_client.api.segments.get_segment_members`; server stateless (answered from the spec's examples"
        " and schemas); conformance covered by every phase, marked stateless in the summary",
    ):
        assert line in new_operations.changelog
    assert _fixed_line(new_operations.changelog) == "Fixed by the vendor with this spec: none."


def test_the_class_overlays_leave_no_authorization_argument_on_new_operations(new_operations: Release) -> None:
    api = new_operations.paths.generated / "attentive_client/api"
    for module in ("custom_events/post_custom_events.py", "segments/get_segment_members.py"):
        assert "authorization" not in (api / module).read_text(encoding="utf-8").lower().split("def _get_kwargs")[1]


def test_the_suite_passes_and_marks_the_new_operations_stateless(new_operations: Release) -> None:
    _assert_suite_passed(new_operations)
    operations = new_operations.suite.summary["operations"]
    stateless = {label for label, info in operations.items() if info["stateless"]}
    assert stateless == {"POST /v2/events/custom", "GET /v2/segments/{segmentId}/members"}
    assert all(info["successes"] > 0 for info in operations.values())


# --- gaps fixed by the vendor in its own words -----------------------------------------------------------------


@pytest.fixture(scope="module")
def gaps_fixed(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Release:
    return _release(tmp_path_factory, our_spec, specs.gaps_fixed_in_other_words)


def test_the_report_names_exactly_the_gaps_the_vendor_fixed(gaps_fixed: Release) -> None:
    assert gaps_fixed.update.exit_code == 0, gaps_fixed.update.output
    assert _fixed_line(gaps_fixed.changelog) == f"Fixed by the vendor with this spec: {', '.join(specs.FIXED_GAPS)}."
    for gap, verdict in specs.FIXED_GAPS.items():
        text = "fixed by the vendor: retire" if verdict == "retire" else "fixed by the vendor; the overlay only rewords"
        assert f"gap {gap}: {text}" in gaps_fixed.update.output


def test_a_scope_the_vendor_declares_in_its_own_words_keeps_the_vendors_words(gaps_fixed: Release) -> None:
    """G14's class action declares only what the vendor doesn't: the vendor's description stays, nothing rewords."""
    effective = json.loads(gaps_fixed.paths.effective_spec.read_text(encoding="utf-8"))
    scopes = effective["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]["scopes"]
    assert scopes["attributes:write"] == "Write user attributes"
    assert "differs only in wording" not in gaps_fixed.changelog


def test_the_suite_passes_after_the_vendor_fixes(gaps_fixed: Release) -> None:
    _assert_suite_passed(gaps_fixed)


# --- a schema renamed ----------------------------------------------------------------------------------------------


def test_a_renamed_schema_stops_the_update_until_the_actions_are_retargeted(
    tmp_path: Path, our_spec: dict[str, Any]
) -> None:
    paths = copy_project(tmp_path / "project")
    new_spec = _write_spec(tmp_path, our_spec, specs.schema_renamed)
    before = tree_bytes(paths.root)
    stopped, _ = _update(paths, new_spec)
    assert stopped.exit_code == 1 and tree_bytes(paths.root) == before
    assert [line.split()[1] for line in stopped.output.splitlines() if line.startswith("gap ")] == [
        "G18:",
        "G19:",
        "G20:",
    ]
    assert (
        "the vendor renamed schema BulkJobStatusResponse to BulkJobStatus (same content, every reference moved): "
        "retarget to `$.components.schemas.BulkJobStatus.properties.status`" in stopped.output
    )
    overlay = paths.overlays / "05-bulk-jobs.overlay.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace("schemas.BulkJobStatusResponse", "schemas.BulkJobStatus"), encoding="utf-8")
    done, changelog = _update(paths, new_spec)
    assert done.exit_code == 0, done.output
    assert _fixed_line(changelog) == "Fixed by the vendor with this spec: none."
    _assert_suite_passed(Release(paths, done, changelog, run_conformance(paths.root, tmp_path / "reports")))


# --- a new audit finding stops the swap -------------------------------------------------------------------------


def _unknown_rate_limit(spec: dict[str, Any]) -> None:
    specs.operations_with_gaps(spec)
    operation = spec["paths"]["/v2/events/custom"]["post"]
    operation["description"] = operation["description"].replace("150 requests", "50 requests")


def test_a_new_audit_finding_stops_the_update_and_says_which_overlay_to_add(
    tmp_path: Path, our_spec: dict[str, Any]
) -> None:
    paths = copy_project(tmp_path / "project")
    new_spec = _write_spec(tmp_path, our_spec, _unknown_rate_limit)
    before = tree_bytes(paths.root)
    result = CliRunner().invoke(cli, ["spec", "update", str(new_spec)], env={"ATTENTIVE_PROJECT_ROOT": str(paths.root)})
    assert result.exit_code == 1
    assert tree_bytes(paths.root) == before
    assert "prose-rate-limit" in result.output and "'Rate Limit: 50 requests per second'" in result.output
    assert "add a G25 class action to overlays/06-responses.overlay.yaml" in result.output
    accepted = update_spec(paths, str(new_spec), dry_run=True, check_drift=False, accept_findings=True)
    assert not accepted.stopped_by_findings and accepted.audit is not None and accepted.audit.new

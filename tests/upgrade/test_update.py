"""``attentive spec update`` on spec versions made from ours: the report and changelog a reviewer expects.

Each scenario updates its own copy of the project once (module scope): generation takes seconds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import build_effective_spec
from attentive_toolkit.upgrade.provenance import read_provenance
from attentive_toolkit.upgrade.update import UpdateReport, render_update, update_spec

from ..project_copy import copy_project, tree_bytes
from . import specs


@dataclass(frozen=True)
class Outcome:
    paths: ProjectPaths
    new_spec: Path
    before: dict[str, bytes]
    report: UpdateReport
    markdown: str


def _prepare(root: Path, base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> tuple[ProjectPaths, Path]:
    paths = copy_project(root / "project")
    new_spec = root / "new-openapi.json"
    new_spec.write_text(json.dumps(specs.variant(base, change), indent=2), encoding="utf-8")
    return paths, new_spec


def _update(
    factory: pytest.TempPathFactory, base: dict[str, Any], change: Callable[[dict[str, Any]], None], **options: Any
) -> Outcome:
    paths, new_spec = _prepare(factory.mktemp(change.__name__), base, change)
    before = tree_bytes(paths.root)
    report = update_spec(paths, str(new_spec), check_drift=False, **options)
    return Outcome(paths, new_spec, before, report, render_update(report))


def _statuses(report: UpdateReport) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for check in report.actions:
        found.setdefault(check.status, []).append(f"{Path(check.file).name}[{check.index}]")
    return found


def _entries(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("- `models.") or line.startswith("- `api.")]


# --- a field added: through the CLI, from a loopback URL, with the drift check and a changelog file ---------------


@pytest.fixture(scope="module")
def served_spec_root(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("served")
    paths, new_spec = _prepare(root, our_spec, specs.field_added)
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield paths.root, f"http://127.0.0.1:{server.server_address[1]}/{new_spec.name}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def field_added_cli(served_spec_root: tuple[Path, str]) -> tuple[Path, Any, str]:
    root, url = served_spec_root
    changelog = root.parent / "CHANGELOG-update.md"
    result = CliRunner().invoke(
        cli, ["spec", "update", url, "--changelog", str(changelog)], env={"ATTENTIVE_PROJECT_ROOT": str(root)}
    )
    return root, result, changelog.read_text(encoding="utf-8") if changelog.exists() else ""


def test_field_added_is_reported_as_a_non_breaking_optional_field(field_added_cli: tuple[Path, Any, str]) -> None:
    root, result, changelog = field_added_cli
    assert result.exit_code == 0, result.output
    assert _entries(changelog) == [
        "- `models.BulkJobStatusResponse` (response model): optional field `created_at: datetime.datetime` added."
    ]
    assert "**0 breaking** and 1 non-breaking change(s)" in changelog
    assert "`/components/schemas/BulkJobStatusResponse/properties/createdAt`: added" in changelog
    every_action = len(build_effective_spec(ProjectPaths(root)).reports)
    assert f"{every_action} still needed, 0 now no-ops, 0 broken." in changelog
    assert "drift check: the regenerated client is exactly what its inputs produce" in result.output


def test_field_added_update_replaces_the_spec_and_the_client(
    field_added_cli: tuple[Path, Any, str], served_spec_root: tuple[Path, str]
) -> None:
    root, result, _changelog = field_added_cli
    assert result.exit_code == 0, result.output
    new_bytes = (root.parent / "new-openapi.json").read_bytes()
    assert (root / "openapi.json").read_bytes() == new_bytes
    model = (root / "generated/attentive_client/models/bulk_job_status_response.py").read_text(encoding="utf-8")
    assert "created_at: datetime.datetime | Unset = UNSET" in model
    import hashlib

    provenance = read_provenance(root / "generated/attentive_client")
    assert provenance["vendor_spec_sha256"] == hashlib.sha256(new_bytes).hexdigest()
    assert not [path.name for path in root.iterdir() if path.name.startswith(".")], "staging folders left behind"


# --- the other constructed versions, through the library (one generation each) ------------------------------------


@pytest.fixture(scope="module")
def field_removed(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Outcome:
    return _update(tmp_path_factory, our_spec, specs.field_removed, dry_run=True)


def test_field_removed_is_breaking(field_removed: Outcome) -> None:
    assert _entries(field_removed.markdown) == [
        "- `models.BulkJobStatusResponse` (response model): field `url` removed. "
        "Code that reads `.url` or passes `url=` fails."
    ]
    assert "**1 breaking** and 0 non-breaking change(s)" in field_removed.markdown


def test_a_dry_run_writes_nothing(field_removed: Outcome) -> None:
    assert field_removed.report.written is False
    assert tree_bytes(field_removed.paths.root) == field_removed.before


@pytest.fixture(scope="module")
def enum_value_added(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Outcome:
    return _update(tmp_path_factory, our_spec, specs.enum_value_added)


def test_new_enum_value_on_a_request_enum_is_not_breaking(enum_value_added: Outcome) -> None:
    assert _entries(enum_value_added.markdown) == [
        "- `models.CreateUserAttributesRequestDtoV2SubscriptionsItemChannel` (request enum): value `PUSH` added."
    ]
    assert enum_value_added.report.written
    channel = enum_value_added.paths.generated / (
        "attentive_client/models/create_user_attributes_request_dto_v2_subscriptions_item_channel.py"
    )
    assert 'PUSH = "PUSH"' in channel.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def gap_fixed(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Outcome:
    return _update(tmp_path_factory, our_spec, specs.gap_fixed)


def test_gap_the_vendor_fixed_turns_its_action_into_a_no_op_to_retire(gap_fixed: Outcome) -> None:
    statuses = _statuses(gap_fixed.report)
    assert statuses["no-op"] == ["05-bulk-jobs.overlay.yaml[1]"]
    assert "broken" not in statuses
    (retired,) = gap_fixed.report.no_ops
    assert retired.before == "still needed"
    assert "Now no-ops: the vendor fixed these gaps; retire the actions." in gap_fixed.markdown
    assert "- `overlays/05-bulk-jobs.overlay.yaml` actions[1] `$.components.schemas.BulkJobStatusResponse`" in (
        gap_fixed.markdown
    )


def test_gap_the_vendor_fixed_changes_nothing_for_callers(gap_fixed: Outcome) -> None:
    assert gap_fixed.report.changelog is not None
    assert gap_fixed.report.changelog.changes == []
    assert gap_fixed.report.changelog.spec_changes == []
    assert "No change to the client's public API." in gap_fixed.markdown
    changed = {name for name, data in tree_bytes(gap_fixed.paths.root).items() if gap_fixed.before.get(name) != data}
    assert changed == {"openapi.json", "generated/attentive_client/_provenance.py"}


@pytest.fixture(scope="module")
def operation_added(tmp_path_factory: pytest.TempPathFactory, our_spec: dict[str, Any]) -> Outcome:
    return _update(tmp_path_factory, our_spec, specs.operation_added)


def test_new_operation_is_listed_with_its_route(operation_added: Outcome) -> None:
    assert _entries(operation_added.markdown) == [
        "- `api.bulk_status.list_bulk_jobs` (GET /v2/bulk/jobs): operation added."
    ]
    assert (operation_added.paths.generated / "attentive_client/api/bulk_status/list_bulk_jobs.py").is_file()


def test_update_runs_the_audit_on_the_new_effective_spec(operation_added: Outcome) -> None:
    audit = operation_added.report.audit
    assert audit is not None
    if audit.available:
        assert "## Spec audit of the new effective spec" in operation_added.markdown
        assert all(line in audit.findings for line in audit.new)
    else:
        assert "spec audit not run" in operation_added.markdown


# --- a schema renamed: the actions that target it are broken and nothing is written ------------------------------


def test_renamed_schema_breaks_its_actions_and_leaves_the_tree_exactly_as_it_was(
    tmp_path: Path, our_spec: dict[str, Any]
) -> None:
    paths, new_spec = _prepare(tmp_path, our_spec, specs.schema_renamed)
    before = tree_bytes(paths.root)
    result = CliRunner().invoke(cli, ["spec", "update", str(new_spec)], env={"ATTENTIVE_PROJECT_ROOT": str(paths.root)})
    assert result.exit_code == 1
    assert tree_bytes(paths.root) == before
    broken = [line for line in result.output.splitlines() if line.startswith("broken")]
    assert [line.split()[1:3] for line in broken] == [
        ["overlays/05-bulk-jobs.overlay.yaml", "actions[0]"],
        ["overlays/05-bulk-jobs.overlay.yaml", "actions[1]"],
        ["overlays/05-bulk-jobs.overlay.yaml", "actions[2]"],
    ]
    assert all("matches nothing" in line for line in broken)
    assert "new spec vs old: schemas gone: `BulkJobStatusResponse`" in result.output
    assert "new spec vs old: schemas new: `BulkJobStatus`" in result.output
    assert "nothing was written" in result.output


# --- input that is not a usable spec ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"openapi": "3.0.1", "paths": {', "line 1, column"),
        ('["not", "an", "object"]', "must be a JSON object"),
        ('{"swagger": "2.0", "paths": {}}', "expected an OpenAPI 3.x document"),
    ],
)
def test_a_spec_that_is_not_openapi_3_is_refused_with_nothing_written(
    tmp_path: Path, content: str, message: str
) -> None:
    paths = copy_project(tmp_path / "project")
    before = tree_bytes(paths.root)
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["spec", "update", str(bad)], env={"ATTENTIVE_PROJECT_ROOT": str(paths.root)})
    assert result.exit_code == 1
    assert str(bad) in result.output and message in result.output
    assert tree_bytes(paths.root) == before


def test_the_same_spec_again_is_nothing_to_update(tmp_path: Path) -> None:
    paths = copy_project(tmp_path / "project")
    before = tree_bytes(paths.root)
    result = CliRunner().invoke(
        cli, ["spec", "update", str(paths.vendor_spec)], env={"ATTENTIVE_PROJECT_ROOT": str(paths.root)}
    )
    assert result.exit_code == 0, result.output
    assert "byte-identical to openapi.json: nothing to update" in result.output
    assert tree_bytes(paths.root) == before

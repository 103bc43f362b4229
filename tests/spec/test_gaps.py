"""Every overlay action names its gap (a row of overlays/README.md); class actions tolerate a fixed gap."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import build_effective_spec, load_project_overlays
from attentive_toolkit.spec.gaps import read_gap_table
from attentive_toolkit.spec.overlay import OverlayActionError, apply_overlay
from attentive_toolkit.spec.overlay_document import OverlayDocumentError, parse_overlay

from ..project_copy import REPO

VENDOR: dict[str, Any] = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))


def test_every_action_names_a_gap_of_the_audit_table() -> None:
    table = read_gap_table(REPO / "overlays")
    overlays = load_project_overlays(ProjectPaths(REPO))
    named = {action.gap for overlay in overlays for action in overlay.actions}
    assert named <= set(table)
    assert {"G15", "G16", "G23", "G24", "G25"} <= named


def test_an_action_without_a_gap_id_is_refused_with_its_file_and_index(project_copy: ProjectPaths) -> None:
    overlay = project_copy.overlays / "07-servers.overlay.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("    x-gap: G26\n", ""), encoding="utf-8")
    with pytest.raises(OverlayDocumentError, match=r"07-servers.overlay.yaml: actions\[0\].x-gap: missing"):
        build_effective_spec(project_copy)


def test_a_gap_id_missing_from_the_table_is_refused(project_copy: ProjectPaths) -> None:
    overlay = project_copy.overlays / "07-servers.overlay.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("G26", "G999"), encoding="utf-8")
    with pytest.raises(OverlayDocumentError, match=r"'G999' is not a row of the audit table in overlays/README.md"):
        build_effective_spec(project_copy)


def _class_action(target: str, **extra: Any) -> Any:
    data = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [{"target": target, "description": "Gap: test", "x-gap": "G15", "remove": True, **extra}],
    }
    return parse_overlay(data, "overlays/10-test.yaml", require_gaps=True)


def test_a_class_action_that_matches_nothing_waits_and_a_plain_one_fails() -> None:
    """No node calls for the class action: it waits for operations to come (``spec update`` tells a vendor fix
    from the previous spec). A plain action that matches nothing lost its target."""
    target = "$.paths[*][*].parameters[?@.name == 'Nope']"
    _document, reports = apply_overlay(VENDOR, _class_action(target, **{"x-class": True}))
    assert [(report.outcome, report.matched, report.gap) for report in reports] == [("waiting", 0, "G15")]
    with pytest.raises(OverlayActionError, match="matches nothing"):
        apply_overlay(VENDOR, _class_action(target))


def _operation(security: list[dict[str, list[str]]] | None = None, header: bool = False) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": "listThings",
        "description": "Lists things.",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }
    if security is not None:
        operation["security"] = security
    if header:
        operation["parameters"] = [{"name": "authorization", "in": "header", "required": True, "schema": {}}]
    return operation


def test_class_overlays_fix_a_new_operation_that_has_the_known_gaps(project_copy: ProjectPaths) -> None:
    vendor = copy.deepcopy(VENDOR)
    vendor["paths"]["/v2/things"] = {"get": _operation([{"OAuthFlow": ["subscriptions:write"]}], header=True)}
    project_copy.vendor_spec.write_text(json.dumps(vendor), encoding="utf-8")
    operation = build_effective_spec(project_copy).document["paths"]["/v2/things"]["get"]
    assert "parameters" not in operation or operation["parameters"] == []
    assert {"bearerAuth": []} in operation["security"]
    assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404", "429", "500"]
    assert set(operation["responses"]["200"]["headers"]) == {"x-ratelimit-limit", "x-ratelimit-remaining"}
    assert operation["x-rate-limit-per-second"] == 150

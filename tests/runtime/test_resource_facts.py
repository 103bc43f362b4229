"""Which operations act on a resource, and how, is inferred from the paths' structure by overlay G42 and read by
the runtime (``Operation.resource``), never from a resource's or a field's name."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from attentive_client.runtime import ApiSpec
from attentive_client.runtime.spec import Resource, ResourceFilter

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import build_effective_spec, load_project_overlays
from attentive_toolkit.spec.overlay import apply_overlays

from ..project_copy import REPO
from ..upgrade import vendor_specs
from ..upgrade.vendor_specs import NEWER_V2

STAMPS = {"created_field": "created", "updated_field": "updated"}


@pytest.fixture(scope="module")
def newer_release() -> ApiSpec:
    return ApiSpec.from_document(build_effective_spec(ProjectPaths(REPO), NEWER_V2).document)


def _roles(api: ApiSpec) -> dict[str, str]:
    return {op.operation_id: op.resource.role for op in api.operations if op.resource is not None}


def test_the_newer_release_declares_its_segments(newer_release: ApiSpec) -> None:
    assert _roles(newer_release) == {
        "createSegment": "create",
        "getSegmentByExternalId": "read",
        "patchSegmentByExternalId": "update",
        "deleteSegmentByExternalId": "delete",
        "listSegments": "list",
        "postBulkSegmentMembers": "members-add",
        "deleteBulkSegmentMembers": "members-remove",
    }
    assert newer_release.operation("listSegments").resource == Resource(
        name="segments",
        role="list",
        key="externalId",
        filters=(
            ResourceFilter("name", "name", "contains"),  # "partial match"
            ResourceFilter("externalId", "externalId", "equals"),
            ResourceFilter("updatedSince", "updated", "since"),
        ),
        **STAMPS,
    )
    members = newer_release.operation("postBulkSegmentMembers").resource
    assert members is not None and members.members_field == "members"


def test_the_create_links_to_its_item_operations(newer_release: ApiSpec) -> None:
    links = newer_release.operation("createSegment").definition["responses"]["201"]["links"]
    assert links["getSegmentByExternalId"]["parameters"] == {"externalId": "$response.body#/externalId"}
    assert links["postBulkSegmentMembers"]["requestBody"] == {"externalId": "$response.body#/externalId"}
    assert set(links) == set(_roles(newer_release)) - {"createSegment", "listSegments"}


def test_renamed_resources_and_keys_are_inferred_the_same_way() -> None:
    # Nothing is keyed on a name: the same shape under other names gives the same declarations.
    text = json.dumps(vendor_specs.newer_v2())
    renamed = json.loads(text.replace("segments", "audiences").replace("externalId", "handle"))
    effective, _ = apply_overlays(renamed, load_project_overlays(ProjectPaths(REPO)))
    api = ApiSpec.from_document(effective)
    create = api.operation("createSegment").resource
    assert create == Resource(name="audiences", role="create", key="handle", **STAMPS)
    assert len(_roles(api)) == 7


def test_an_overlay_may_correct_the_inference() -> None:
    vendor: dict[str, Any] = copy.deepcopy(vendor_specs.newer_v2())
    declared = {"name": "lists", "role": "read", "key": "externalId"}
    vendor["paths"]["/v2/segments/external/{externalId}"]["get"]["x-attentive-resource"] = declared
    effective, _ = apply_overlays(vendor, load_project_overlays(ProjectPaths(REPO)))
    api = ApiSpec.from_document(effective)
    assert api.operation("getSegmentByExternalId").resource == Resource(name="lists", role="read", key="externalId")
    assert api.operation("createSegment").resource is not None


def test_todays_spec_declares_no_resource_and_the_actions_wait() -> None:
    effective = build_effective_spec(ProjectPaths(REPO))
    assert not _roles(ApiSpec.from_document(effective.document))
    assert {(report.gap, report.outcome) for report in effective.reports if report.gap == "G42"} == {("G42", "waiting")}


def test_a_malformed_declaration_is_no_resource() -> None:
    document = {
        "openapi": "3.0.3",
        "paths": {"/things": {"get": {"operationId": "listThings", "x-attentive-resource": {"name": "things"}}}},
    }
    assert ApiSpec.from_document(document).operation("listThings").resource is None

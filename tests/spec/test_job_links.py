"""Overlay G22 for the class: every answer that carries a job's id links to the operation that reports the job,
inferred from the spec's structure (spec/job_links.py), whatever the operations, paths and fields are called."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import load_project_overlays
from attentive_toolkit.spec.gaps import read_gap_table
from attentive_toolkit.spec.overlay import ActionReport, apply_overlays
from attentive_toolkit.spec.overlay_document import OverlayDocument
from attentive_toolkit.upgrade.gap_effects import judge_gaps, with_previous

from ..project_copy import REPO
from ..upgrade import vendor_specs

TO_STATUS = {"operationId": "getBulkJobStatus", "parameters": {"bulkJobId": "$response.body#/batchJobId"}}
MEMBERS = "/v2/bulk/segments/members"


@pytest.fixture(scope="module")
def overlays() -> list[OverlayDocument]:
    return load_project_overlays(ProjectPaths(REPO))


def _effective(spec: dict[str, Any], overlays: list[OverlayDocument]) -> tuple[dict[str, Any], ActionReport]:
    document, reports = apply_overlays(spec, overlays)
    (report,) = [report for report in reports if report.gap == "G22"]
    result: dict[str, Any] = document
    return result, report


def _links(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(method, path, status) -> {link name: operationId and parameters} for every link an answer declares."""
    return {
        (method, path, status): {
            name: {key: link[key] for key in ("operationId", "parameters") if key in link}
            for name, link in answer["links"].items()
        }
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
        for status, answer in operation["responses"].items()
        if "links" in answer
    }


def _job_links(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The links of every answer that isn't a resource's create (overlay G42 links those to the item)."""
    return {where: links for where, links in _links(document).items() if where[2] != "201"}


def test_todays_bulk_submit_links_to_the_job_status_and_the_upsert_does_not(overlays: list[OverlayDocument]) -> None:
    document, report = _effective(json.loads((REPO / "openapi.json").read_text(encoding="utf-8")), overlays)
    assert _job_links(document) == {("post", "/v2/bulk/user/attributes", "202"): {"GetBulkJobStatus": TO_STATUS}}
    assert report.outcome == "applied"


def test_the_newer_release_links_its_member_changes_too(overlays: list[OverlayDocument]) -> None:
    document, report = _effective(vendor_specs.newer_v2(), overlays)
    assert _job_links(document) == {
        ("post", "/v2/bulk/user/attributes", "202"): {"GetBulkJobStatus": TO_STATUS},
        ("post", MEMBERS, "202"): {"GetBulkJobStatus": TO_STATUS},
        ("delete", MEMBERS, "202"): {"GetBulkJobStatus": TO_STATUS},
    }
    assert report.outcome == "applied"


def test_v1_uploads_and_deletion_requests_link_to_their_own_status(overlays: list[OverlayDocument]) -> None:
    document, _ = _effective(vendor_specs.merged_v1_v2(), overlays)
    links = _job_links(document)
    assert links[("post", "/v1/product-catalog/uploads", "200")] == {
        "LookupUpload": {"operationId": "lookupUpload", "parameters": {"uploadId": "$response.body#/uploadId"}}
    }
    assert links[("post", "/v1/privacy/delete-request", "200")] == {
        "GetDeleteRequest": {"operationId": "getDeleteRequest", "parameters": {"id": "$response.body#/id"}}
    }
    # V1 answers that carry no id a read-only path takes (webhooks, subscriptions, coupons) get nothing.
    assert {path for _, path, _ in links if path.startswith("/v1/")} == {
        "/v1/product-catalog/uploads",
        "/v1/privacy/delete-request",
    }


def test_renamed_operations_paths_and_fields_are_linked_the_same_way(overlays: list[OverlayDocument]) -> None:
    text = json.dumps(vendor_specs.newer_v2())
    for old, new in (
        ("getBulkJobStatus", "readTask"),
        ("/v2/bulk/job/", "/v3/tasks/"),
        ("bulkJobId", "taskRef"),
        ("batchJobId", "ticket"),
        ("/v2/bulk/segments/members", "/v3/audiences/members"),
    ):
        text = text.replace(old, new)
    document, _ = _effective(json.loads(text), overlays)
    to_task = {"ReadTask": {"operationId": "readTask", "parameters": {"taskRef": "$response.body#/ticket"}}}
    assert _job_links(document) == {
        ("post", "/v2/bulk/user/attributes", "202"): to_task,
        ("post", "/v3/audiences/members", "202"): to_task,
        ("delete", "/v3/audiences/members", "202"): to_task,
    }


def _export_operation(job_id: dict[str, Any]) -> dict[str, Any]:
    answer = {"type": "object", "properties": {"message": {"type": "string"}, "exportRef": job_id}}
    return {
        "post": {
            "operationId": "startExport",
            "responses": {"200": {"description": "Started", "content": {"application/json": {"schema": answer}}}},
        }
    }


def test_an_added_operation_whose_answer_declares_the_job_id_gets_the_link(overlays: list[OverlayDocument]) -> None:
    spec = vendor_specs.newer_v2()
    declared = copy.deepcopy(spec["components"]["schemas"]["BulkJobStatusResponse"]["properties"]["bulkJobId"])
    spec["paths"]["/v2/exports"] = _export_operation({**declared, "example": "another example changes nothing"})
    document, _ = _effective(spec, overlays)
    link = _job_links(document)[("post", "/v2/exports", "200")]
    assert link == {
        "GetBulkJobStatus": {
            "operationId": "getBulkJobStatus",
            "parameters": {"bulkJobId": "$response.body#/exportRef"},
        }
    }


def test_a_name_alone_is_no_evidence(overlays: list[OverlayDocument]) -> None:
    spec = vendor_specs.newer_v2()
    spec["paths"]["/v2/exports"] = _export_operation({"type": "string", "description": "The export's reference."})
    document, _ = _effective(spec, overlays)
    assert ("post", "/v2/exports", "200") not in _job_links(document)


OWN = {"Status": {"operationId": "getBulkJobStatus", "parameters": {"bulkJobId": "$response.body#/batchJobId"}}}


def test_the_class_waits_once_the_vendor_links_every_job_itself(overlays: list[OverlayDocument]) -> None:
    spec = vendor_specs.newer_v2()
    for path, method in (("/v2/bulk/user/attributes", "post"), (MEMBERS, "post"), (MEMBERS, "delete")):
        spec["paths"][path][method]["responses"]["202"]["links"] = copy.deepcopy(OWN)
    document, report = _effective(spec, overlays)
    assert report.outcome == "waiting" and report.matched == 0
    # The vendor's own links stand alone: none added beside them under our name.
    assert list(_job_links(document).values()) == [OWN, OWN, OWN]


def test_spec_update_tells_the_vendor_fixed_it(overlays: list[OverlayDocument]) -> None:
    today = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))
    fixed = copy.deepcopy(today)
    fixed["paths"]["/v2/bulk/user/attributes"]["post"]["responses"]["202"]["links"] = copy.deepcopy(OWN)
    titles = read_gap_table(REPO / "overlays")
    previous = judge_gaps(today, overlays, titles)
    judged = {j.gap: j for j in with_previous(judge_gaps(fixed, overlays, titles), previous, fixed)}
    assert judged["G22"].before == "still needed"
    assert judged["G22"].verdict == "retire"

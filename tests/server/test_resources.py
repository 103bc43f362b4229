"""Resource-shaped operations (overlay G42, ``x-attentive-resource``) keep their state in the reference server: the
newer V2 release's segments, through the project's own overlays, served in process."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.settings import ServerSettings
from attentive_toolkit.spec.effective import load_project_overlays
from attentive_toolkit.spec.overlay import apply_overlays

from ..project_copy import REPO
from ..upgrade import vendor_specs

AUTH = {"Authorization": "Bearer dev-token"}
LOOPBACK = "http://127.0.0.1"
SEGMENTS = "/v2/segments"
MEMBERS = "/v2/bulk/segments/members"


def item(key: str) -> str:
    return f"/v2/segments/external/{key}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    effective, _ = apply_overlays(vendor_specs.newer_v2(), load_project_overlays(ProjectPaths(REPO)))
    result: dict[str, Any] = effective
    return result


def serve(document: dict[str, Any], **settings: Any) -> TestClient:
    return TestClient(create_app(ServerSettings(**settings), copy.deepcopy(document)), base_url=LOOPBACK)


@pytest.fixture
def client(document: dict[str, Any]) -> Iterator[TestClient]:
    with serve(document) as test_client:
        yield test_client


def create(client: TestClient, key: str, name: str = "Gold") -> dict[str, Any]:
    response = client.post(SEGMENTS, json={"name": name, "externalId": key}, headers=AUTH)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def keys(client: TestClient, **params: Any) -> list[str]:
    response = client.get(SEGMENTS, params=params, headers=AUTH)
    assert response.status_code == 200, response.text
    return [segment["externalId"] for segment in response.json()["segments"]]


def test_the_sandbox_says_which_operations_keep_state(client: TestClient) -> None:
    listed = client.get("/_sandbox/operations", headers=AUTH).json()["operations"]
    modes = {operation["operationId"]: operation["mode"] for operation in listed}
    segment_operations = [
        "createSegment",
        "listSegments",
        "getSegmentByExternalId",
        "patchSegmentByExternalId",
        "deleteSegmentByExternalId",
        "postBulkSegmentMembers",
        "deleteBulkSegmentMembers",
    ]
    assert {modes[operation_id] for operation_id in segment_operations} == {"stateful"}


def test_what_the_spec_does_not_let_the_server_infer_stays_stateless() -> None:
    # Without a read on the item path, nothing ties the create to the item: no resource, every answer from the spec.
    vendor = vendor_specs.newer_v2()
    del vendor["paths"]["/v2/segments/external/{externalId}"]["get"]
    effective, _ = apply_overlays(vendor, load_project_overlays(ProjectPaths(REPO)))
    with serve(effective) as client:
        listed = client.get("/_sandbox/operations", headers=AUTH).json()["operations"]
        modes = {operation["operationId"]: operation["mode"] for operation in listed}
        assert modes["createSegment"] == modes["listSegments"] == modes["postBulkSegmentMembers"] == "stateless"
        client.post(SEGMENTS, json={"name": "Mine", "externalId": "mine"}, headers=AUTH)
        listed_body = client.get(SEGMENTS, headers=AUTH).json()
        assert "mine" not in str(listed_body)  # built from the spec, as any example-based mock


def test_create_read_patch_archive(client: TestClient) -> None:
    created = create(client, "gold")
    assert created == {"externalId": "gold", "name": "Gold"}  # the 201 schema's fields only
    read = client.get(item("gold"), headers=AUTH).json()
    assert read["name"] == "Gold" and read["created"] == read["updated"]
    patched = client.patch(item("gold"), json={"description": "Top tier"}, headers=AUTH)
    assert patched.status_code == 200
    again = client.get(item("gold"), headers=AUTH).json()
    assert again["name"] == "Gold" and again["description"] == "Top tier" and again["updated"] >= read["updated"]
    assert client.delete(item("gold"), headers=AUTH).status_code == 204
    assert client.get(item("gold"), headers=AUTH).status_code == 404
    assert client.patch(item("gold"), json={"name": "x"}, headers=AUTH).status_code == 404
    assert client.delete(item("gold"), headers=AUTH).status_code == 404
    assert "gold" not in keys(client)
    archived = client.get("/_sandbox/resources", headers=AUTH).json()["items"]
    assert [(entry["key"], entry["archived"]) for entry in archived] == [("gold", True)]


def test_a_taken_key_is_refused_with_the_documented_400(client: TestClient) -> None:
    create(client, "gold")
    again = client.post(SEGMENTS, json={"name": "Other", "externalId": "gold"}, headers=AUTH)
    assert again.status_code == 400
    assert again.json()["errors"][0]["pointer"] == "/externalId"
    assert client.get(item("gold"), headers=AUTH).json()["name"] == "Gold"


def test_a_create_without_a_key_gets_one_and_a_key_that_cannot_be_a_path_segment_is_refused(
    client: TestClient,
) -> None:
    made = client.post(SEGMENTS, json={"name": "Auto"}, headers=AUTH).json()["externalId"]
    assert client.get(item(made), headers=AUTH).json()["name"] == "Auto"
    assert client.post(SEGMENTS, json={"name": "x", "externalId": "a/b"}, headers=AUTH).status_code == 400


def test_the_same_validation_and_auth_as_every_operation(client: TestClient) -> None:
    assert client.post(SEGMENTS, json={"name": ""}, headers=AUTH).status_code == 400
    assert client.post(SEGMENTS, json={"name": "x"}).status_code == 401
    assert client.get(SEGMENTS, params={"limit": "0"}, headers=AUTH).status_code == 400
    assert client.get(SEGMENTS, params={"updatedSince": "yesterday"}, headers=AUTH).status_code == 400


def test_pages_follow_a_stable_cursor_while_items_are_created(client: TestClient) -> None:
    for number in range(5):
        create(client, f"s{number}")
    seen, cursor, more_flags, extra = [], None, [], 0
    while True:
        params: dict[str, Any] = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        page = client.get(SEGMENTS, params=params, headers=AUTH).json()
        assert len(page["segments"]) <= 2
        seen += [segment["externalId"] for segment in page["segments"]]
        more_flags.append(page["hasMore"])
        if extra < 2:
            create(client, f"new{extra}")
            extra += 1
        if not page["hasMore"]:
            assert page["cursor"] is None
            break
        cursor = page["cursor"]
    assert seen == ["s0", "s1", "s2", "s3", "s4", "new0", "new1"]
    assert more_flags == [True, True, True, False]


def test_a_tampered_expired_or_foreign_cursor_is_a_400(client: TestClient) -> None:
    for number in range(3):
        create(client, f"s{number}", name=f"Gold {number}")
    cursor = client.get(SEGMENTS, params={"limit": 1}, headers=AUTH).json()["cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "not-a-cursor", "%%%"):
        answer = client.get(SEGMENTS, params={"limit": 1, "cursor": bad}, headers=AUTH)
        assert answer.status_code == 400, answer.text
        assert answer.json()["errors"][0]["pointer"] == "/query/cursor"
    foreign = client.get(SEGMENTS, params={"limit": 1, "cursor": cursor, "name": "Gold"}, headers=AUTH)
    assert foreign.status_code == 400
    assert client.get(SEGMENTS, params={"limit": 1, "cursor": cursor}, headers=AUTH).status_code == 200
    client.post("/_sandbox/clock", json={"advanceSeconds": 2 * 3600}, headers=AUTH)
    assert client.get(SEGMENTS, params={"limit": 1, "cursor": cursor}, headers=AUTH).status_code == 400


def test_the_documented_filters(client: TestClient) -> None:
    create(client, "gold", name="Loyalty Gold")
    create(client, "silver", name="Loyalty Silver")
    assert keys(client, name="gold") == ["gold"]  # "partial match"
    assert keys(client, externalId="silver") == ["silver"]
    assert keys(client, updatedSince="2000-01-01T00:00:00Z") == ["gold", "silver"]
    assert keys(client, updatedSince="2999-01-01T00:00:00Z") == []


@pytest.fixture
def manual(document: dict[str, Any]) -> Iterator[TestClient]:
    """A server whose jobs wait until driven (``POST /_sandbox/jobs/run``), so each state can be seen."""
    with serve(document, run_jobs_in_background=False) as test_client:
        yield test_client


def members_of(client: TestClient) -> list[Any]:
    (entry,) = client.get("/_sandbox/resources", headers=AUTH).json()["items"]
    members: list[Any] = entry["members"]
    return members


def job_results(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    """Follows the job id as a client would: the status operation, then its results link."""
    status = client.get(f"/v2/bulk/job/{job_id}", headers=AUTH)
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "COMPLETED"
    results = client.get(status.json()["url"])
    assert results.status_code == 200
    return [json.loads(line) for line in results.text.splitlines()]


def test_member_changes_are_bulk_jobs_the_job_status_reports(manual: TestClient) -> None:
    create(manual, "gold")
    ada, bob = {"email": "ada@example.com"}, {"phone": "+15005550006"}

    added = manual.post(MEMBERS, json={"externalId": "gold", "members": [ada, bob, ada]}, headers=AUTH)

    assert added.status_code == 202
    job_id = added.json()["batchJobId"]
    pending = manual.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()
    assert (pending["bulkJobId"], pending["status"], pending["totalRecords"]) == (job_id, "PENDING", 3)
    assert members_of(manual) == []  # queued, not applied yet
    manual.post("/_sandbox/jobs/run", headers=AUTH)
    assert members_of(manual) == [ada, bob]
    assert [(line["request"], line["status"], line["message"]) for line in job_results(manual, job_id)] == [
        (ada, 202, "added to segments 'gold'"),
        (bob, 202, "added to segments 'gold'"),
        (ada, 202, "already a member of segments 'gold'"),
    ]

    removed = manual.request("DELETE", MEMBERS, json={"externalId": "gold", "members": [bob, bob]}, headers=AUTH)
    assert removed.status_code == 202 and removed.json()["batchJobId"] != job_id
    manual.post("/_sandbox/jobs/run", headers=AUTH)
    assert members_of(manual) == [ada]
    assert [line["message"] for line in job_results(manual, removed.json()["batchJobId"])] == [
        "removed from segments 'gold'",
        "not a member of segments 'gold'",
    ]


def test_a_member_change_for_an_unknown_item_is_a_404_and_no_job(manual: TestClient) -> None:
    unknown = manual.post(MEMBERS, json={"externalId": "nope", "members": [{"email": "ada@example.com"}]}, headers=AUTH)

    assert unknown.status_code == 404
    assert manual.get("/_sandbox/jobs", headers=AUTH).json()["jobs"] == []


def test_an_item_archived_before_its_member_job_runs_gets_a_404_line_per_member(manual: TestClient) -> None:
    create(manual, "gold")
    ada = {"email": "ada@example.com"}
    job_id = manual.post(MEMBERS, json={"externalId": "gold", "members": [ada]}, headers=AUTH).json()["batchJobId"]
    assert manual.delete(item("gold"), headers=AUTH).status_code == 204

    manual.post("/_sandbox/jobs/run", headers=AUTH)

    (line,) = job_results(manual, job_id)
    assert (line["request"], line["status"]) == (ada, 404)
    assert members_of(manual) == []


def test_members_are_added_and_removed_by_the_background_worker(client: TestClient) -> None:
    create(client, "gold")
    ada = {"email": "ada@example.com"}
    job_id = client.post(MEMBERS, json={"externalId": "gold", "members": [ada]}, headers=AUTH).json()["batchJobId"]

    # The status operation lets the worker run first; the job finishes on the server's own loop within a few polls.
    statuses = [client.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["status"] for _ in range(50)]
    assert "COMPLETED" in statuses
    assert members_of(client) == [ada]


def test_reset_forgets_items(client: TestClient) -> None:
    create(client, "gold")
    client.post("/_sandbox/reset", headers=AUTH)
    assert client.get(item("gold"), headers=AUTH).status_code == 404
    assert keys(client) == []


def test_items_survive_a_restart_with_a_database(document: dict[str, Any], tmp_path: Path) -> None:
    database = tmp_path / "state.sqlite3"
    with serve(document, db_path=database) as first:
        create(first, "gold")
    with serve(document, db_path=database) as second:
        assert second.get(item("gold"), headers=AUTH).json()["name"] == "Gold"


def test_a_member_job_survives_a_restart_and_runs_after_it(document: dict[str, Any], tmp_path: Path) -> None:
    database = tmp_path / "state.sqlite3"
    ada = {"email": "ada@example.com"}
    with serve(document, db_path=database, run_jobs_in_background=False) as first:
        create(first, "gold")
        job_id = first.post(MEMBERS, json={"externalId": "gold", "members": [ada]}, headers=AUTH).json()["batchJobId"]

    with serve(document, db_path=database, run_jobs_in_background=False) as second:
        assert second.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["status"] == "PENDING"
        second.post("/_sandbox/jobs/run", headers=AUTH)
        assert [line["message"] for line in job_results(second, job_id)] == ["added to segments 'gold'"]
        assert members_of(second) == [ada]

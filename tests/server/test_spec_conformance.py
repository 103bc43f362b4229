"""The server's answers conform to the effective spec (every test's responses pass through this check too)."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from attentive_toolkit.server.operations import rate_limit_of, read_operations
from attentive_toolkit.spec.effective import load_effective_spec

from .conftest import AUTH, SPEC_RESPONSES


def test_rate_limits_and_scopes_are_read_from_the_spec() -> None:
    operations = read_operations(load_effective_spec())

    assert {name: rate_limit_of(op) for name, op in operations.items()} == {
        "getMeV2": 150,
        "postUserAttributes": 150,
        "postBulkUserAttributes": 100,
        "getBulkJobStatus": 100,
    }
    assert operations["postUserAttributes"].scopes == {"attributes:write", "subscriptions:write"}
    assert operations["getMeV2"].scopes == frozenset()


def test_the_conformance_check_catches_a_body_off_the_schema() -> None:
    request = httpx.Request("GET", "http://sandbox/v2/bulk/job/abc")
    off_schema = httpx.Response(200, json={"bulkJobId": "abc", "status": "DONE"}, request=request)
    undocumented = httpx.Response(418, request=request)

    with pytest.raises(AssertionError, match="DONE"):
        SPEC_RESPONSES.check(off_schema)
    with pytest.raises(AssertionError, match="undocumented 418"):
        SPEC_RESPONSES.check(undocumented)


def test_success_bodies_of_every_operation_conform(client: TestClient) -> None:
    client.post("/v2/user/attributes", json={"identifiers": {"email": "a@example.com"}}, headers=AUTH)
    job_id = client.post(
        "/v2/bulk/user/attributes", json={"users": [{"identifiers": {"email": "a@example.com"}}]}, headers=AUTH
    ).json()["batchJobId"]
    pending = client.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()
    client.post("/_sandbox/jobs/run")
    completed = client.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()

    assert pending["status"] == "PENDING" and "url" not in pending
    assert completed["status"] == "COMPLETED" and f"/{job_id}.jsonl?" in completed["url"]
    assert client.get("/v2/me", headers=AUTH).status_code == 200


def test_answers_outside_the_operations_carry_rate_limit_headers_too(client: TestClient) -> None:
    for response in (client.get("/nowhere"), client.delete("/v2/me"), client.get("/_sandbox/users")):
        assert response.headers["x-ratelimit-limit"] == "150"

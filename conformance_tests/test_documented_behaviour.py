"""Documented behaviour the schema can't carry: rate-limit headers on error answers, bulk jobs that finish with
one result line per user, (on a reference server) an upsert that can be read back, and resources that remember what
was created."""

from __future__ import annotations

import httpx
import pytest
from attentive_client.runtime import ApiSpec

from attentive_toolkit.conformance.checks import rate_limit_problems
from attentive_toolkit.conformance.documented import fetch_results, sample_users, wait_for_job
from attentive_toolkit.conformance.plugin import require_operations
from attentive_toolkit.conformance.resources import declared_resources, walk
from attentive_toolkit.conformance.session import ConformanceSession
from attentive_toolkit.spec.effective import load_effective_spec

BULK_USERS = 3


def test_rate_limit_headers_on_refusals(conformance: ConformanceSession, api: httpx.Client) -> None:
    """Schemathesis checks every answer it gets; these are refusals it may not provoke on every target."""
    require_operations("getMeV2", "getBulkJobStatus")
    with httpx.Client(base_url=conformance.base_url, timeout=30) as anonymous:
        unauthenticated = anonymous.get("/v2/me")
    unknown_job = api.get("/v2/bulk/job/conformance-no-such-job")
    for name, response in {"no token": unauthenticated, "unknown job": unknown_job}.items():
        assert response.status_code in (401, 404), f"{name}: unexpected {response.status_code}"
        assert not rate_limit_problems(response.headers), f"{name}: {rate_limit_problems(response.headers)}"


@pytest.mark.usefixtures("writes_allowed")
def test_bulk_job_finishes_with_one_result_line_per_user(conformance: ConformanceSession, api: httpx.Client) -> None:
    require_operations("postBulkUserAttributes", "getBulkJobStatus")
    users = sample_users(BULK_USERS)
    submitted = api.post("/v2/bulk/user/attributes", json={"users": users})
    assert submitted.status_code == 202, f"bulk submit answered {submitted.status_code}: {submitted.text}"
    job = wait_for_job(api, submitted.json()["batchJobId"], conformance.options.job_timeout)
    assert job.status == "COMPLETED", f"job {job.job_id} ended {job.status} for {BULK_USERS} valid users: {job.body}"
    assert job.body.get("url"), f"completed job {job.job_id} has no results url: {job.body}"
    records = fetch_results(api, conformance.base_url, job.body["url"])
    assert len(records) == BULK_USERS, f"job {job.job_id}: {len(records)} result lines for {BULK_USERS} users"


@pytest.mark.usefixtures("writes_allowed")
def test_upserted_user_reads_back(conformance: ConformanceSession, api: httpx.Client) -> None:
    if not conformance.options.reference_server:
        pytest.skip("reading users back needs the reference server's /_sandbox/ API (--reference-server)")
    require_operations("postUserAttributes")
    (user,) = sample_users(1)
    upserted = api.post("/v2/user/attributes", json=user)
    assert upserted.status_code == 202, f"upsert answered {upserted.status_code}: {upserted.text}"
    email = user["identifiers"]["email"]
    found = api.get("/_sandbox/users", params={"email": email})
    assert found.status_code == 200, f"/_sandbox/users answered {found.status_code}"
    stored = found.json()["users"]
    assert len(stored) == 1, f"{len(stored)} users stored for {email}"
    assert stored[0]["attributes"]["lastName"] == user["attributes"]["lastName"]


@pytest.mark.usefixtures("writes_allowed")
def test_created_items_are_remembered(conformance: ConformanceSession, api: httpx.Client) -> None:
    """Each resource the spec declares (x-attentive-resource): what is created reads back, updates, takes and gives
    up members through jobs that complete, lists, and is gone once archived. Schemathesis checks each answer alone;
    this checks that the answers add up."""
    spec = ApiSpec.from_document(load_effective_spec())
    declared = declared_resources(spec, conformance.options.operations)
    if not declared:
        pytest.skip("no resource with a create, read, list and delete (x-attentive-resource) is selected")
    timeout = conformance.options.job_timeout
    problems = [problem for resource in declared for problem in walk(api, spec, resource, timeout)]
    assert not problems, "created items are not remembered:\n  " + "\n  ".join(problems)

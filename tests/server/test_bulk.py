"""Bulk jobs: accepted at once, worked PENDING -> IN_PROGRESS -> COMPLETED, results as JSON Lines, kept 14 days."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import httpx
from starlette.testclient import TestClient

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings

from .conftest import AUTH, FakeTime, server_state, upsert, users

SUBSCRIPTIONS = [
    {"channel": "TEXT", "subscriptionType": "MARKETING", "locale": {"language": "en", "country": "US"}},
    {"channel": "EMAIL", "subscriptionType": "TRANSACTIONAL", "signUpSourceId": "42"},
    # Two sign-up units match en-GB MARKETING: each record carrying it is refused.
    {"channel": "TEXT", "subscriptionType": "MARKETING", "locale": {"language": "en", "country": "GB"}},
]


def sample_users(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Users that create, update (repeated emails), bridge and break rules (ambiguous locale, retyped attribute)."""
    generator = random.Random(seed)
    records = []
    for n in range(count):
        identifiers: dict[str, Any] = {"email": f"user{generator.randrange(count // 2)}@example.com"}
        if generator.random() < 0.5:
            identifiers["phone"] = f"+1500555{generator.randrange(10000):04d}"
        record: dict[str, Any] = {"identifiers": identifiers}
        custom = {"visits": generator.choice([n, str(n), "many"]), "vip": generator.random() < 0.5}
        record["attributes"] = {"firstName": f"First{n}", "custom": custom}
        if generator.random() < 0.3:
            record["subscriptions"] = [generator.choice(SUBSCRIPTIONS)]
        records.append(record)
    return records


def submit(client: TestClient, records: list[dict[str, Any]]) -> str:
    response = client.post("/v2/bulk/user/attributes", json={"users": records}, headers=AUTH)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["batchJobId"]
    return job_id


def job_status(client: TestClient, job_id: str) -> httpx.Response:
    response: httpx.Response = client.get(f"/v2/bulk/job/{job_id}", headers=AUTH)
    return response


def test_a_256_user_job_completes_with_one_result_per_record_matching_the_single_upsert(
    make_client: Callable[..., TestClient],
) -> None:
    records = sample_users(256)
    # The comparison sends 256 single upserts at once on a frozen clock: lift the 150/s limit for it.
    bulk, single = make_client(), make_client(rate_limits={"postUserAttributes": 1000})

    job_id = submit(bulk, records)
    assert job_status(bulk, job_id).json()["status"] == "PENDING"
    assert bulk.post(f"/_sandbox/jobs/{job_id}/advance").json()["status"] == "IN_PROGRESS"
    assert job_status(bulk, job_id).json()["status"] == "IN_PROGRESS"
    bulk.post(f"/_sandbox/jobs/{job_id}/advance")
    status = job_status(bulk, job_id).json()

    assert status["status"] == "COMPLETED" and status["totalRecords"] == 256
    results = bulk.get(status["url"])
    lines = [json.loads(line) for line in results.text.splitlines()]
    assert len(lines) == 256
    expected = []
    for record in records:
        answer = upsert(single, record)
        expected.append((record, answer.status_code, answer.json()["message"]))
    assert [(line["request"], line["status"], line["message"]) for line in lines] == expected
    assert {line["status"] for line in lines} == {202, 400}, "the sample should exercise both outcomes"
    assert users(bulk) == users(single)


def test_jobs_are_readable_for_14_days_then_404(make_client: Callable[..., TestClient], fake_time: FakeTime) -> None:
    client = make_client()
    job_id = submit(client, [{"identifiers": {"email": "a@example.com"}}])
    client.post("/_sandbox/jobs/run")
    fake_time.advance(14 * 24 * 3600)
    last_link = job_status(client, job_id).json()["url"]
    assert client.get(last_link).status_code == 200
    fake_time.advance(1)

    assert job_status(client, job_id).status_code == 404
    # The last link handed out is still within its lifetime, but the job behind it is gone.
    assert client.get(last_link).status_code == 404


def test_the_sandbox_clock_can_age_a_job_too(client: TestClient) -> None:
    job_id = submit(client, [{"identifiers": {"email": "a@example.com"}}])

    client.post("/_sandbox/clock", json={"advanceSeconds": 14 * 24 * 3600 + 1})

    assert job_status(client, job_id).status_code == 404


def test_a_clock_advance_beyond_the_calendar_is_refused_and_the_clock_kept(client: TestClient) -> None:
    before = client.get("/_sandbox/clock").json()["offsetSeconds"]

    for seconds in (1e12, 1e300):
        response = client.post("/_sandbox/clock", json={"advanceSeconds": seconds})
        assert response.status_code == 400
        assert response.json()["errors"][0]["pointer"] == "/advanceSeconds"

    assert client.get("/_sandbox/clock").json()["offsetSeconds"] == before
    assert upsert(client, {"identifiers": {"email": "a@example.com"}}).status_code == 202


def test_an_unknown_job_is_404(client: TestClient) -> None:
    response = job_status(client, "no-such-job")

    assert response.status_code == 404
    assert "no-such-job" in response.json()["message"]


def test_a_job_that_cannot_proceed_is_failed_without_results(make_client: Callable[..., TestClient]) -> None:
    faults = FaultConfig(operations={"postBulkUserAttributes": OperationFaults(job_failure_rate=1.0)})
    client = make_client(faults=faults)
    job_id = submit(client, [{"identifiers": {"email": "a@example.com"}}])

    client.post("/_sandbox/jobs/run")

    assert job_status(client, job_id).json() == {"bulkJobId": job_id, "status": "FAILED", "totalRecords": 1}
    assert users(client) == []


def test_the_background_worker_completes_jobs_on_a_real_server() -> None:
    with running_server(ServerSettings(job_pace_seconds=0)) as base_url, httpx.Client(base_url=base_url) as http:
        submitted = http.post("/v2/bulk/user/attributes", json={"users": sample_users(16)}, headers=AUTH)
        job_id = submitted.json()["batchJobId"]
        seen: list[str] = []
        # Each poll lets the server's loop run the worker; a bounded number of polls, no sleeping.
        for _ in range(500):
            status = http.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status == "COMPLETED":
                break
        assert seen[-1] == "COMPLETED"
        assert set(seen) <= {"PENDING", "IN_PROGRESS", "COMPLETED"}
        results = http.get(http.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["url"])
        assert len(results.text.splitlines()) == 16


def test_a_record_is_never_applied_without_its_result_line(client: TestClient, monkeypatch: Any) -> None:
    """A job's records and their result lines commit together: a job that fails before they are written (a crash,
    here a write that fails) has applied none of them, so a restart can't apply one twice."""
    store = server_state(client).store

    def failing_write(db: Any, rows: list[tuple[str, int, str]]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "add_results", failing_write)
    records = [{"identifiers": {"email": f"atomic{n}@example.com"}} for n in range(3)]
    job_id = submit(client, records)

    client.post("/_sandbox/jobs/run")

    assert job_status(client, job_id).json()["status"] == "FAILED"
    assert users(client) == []


def test_a_job_sees_what_its_earlier_records_did_as_single_upserts_would(
    make_client: Callable[..., TestClient],
) -> None:
    """Within one job, a record sees the identifiers the records before it gave or moved: a phone added to a user
    by an update, then named beside a new email, reaches that user instead of creating another."""
    records = [
        {"identifiers": {"email": "a@example.com"}},
        {"identifiers": {"email": "b@example.com"}},
        {"identifiers": {"email": "a@example.com", "phone": "+15005550001"}},
        {"identifiers": {"email": "c@example.com", "phone": "+15005550001"}},
        {"identifiers": {"email": "b@example.com", "phone": "+15005550002"}, "attributes": {"custom": {"n": 1}}},
        {"identifiers": {"email": "c@example.com", "phone": "+15005550002"}, "attributes": {"custom": {"n": "x"}}},
        {"identifiers": {"email": "d@example.com", "phone": "+15005550002"}},
    ]
    bulk, single = make_client(), make_client()
    job_id = submit(bulk, records)
    bulk.post("/_sandbox/jobs/run")
    lines = [json.loads(line) for line in bulk.get(job_status(bulk, job_id).json()["url"]).text.splitlines()]
    expected = [(upsert(single, record).json()["message"]) for record in records]
    assert [line["message"] for line in lines] == expected
    assert users(bulk) == users(single)


def test_a_job_full_of_merges_and_replaced_identifiers_ends_as_single_upserts_would(
    make_client: Callable[..., TestClient],
) -> None:
    """Few distinct identifiers across 256 records: users bridge, merge and swap emails and phones within one job."""
    generator = random.Random(11)
    records: list[dict[str, Any]] = []
    for n in range(256):
        identifiers: dict[str, Any] = {}
        for kind, pool in (("email", 20), ("phone", 15), ("clientUserId", 10)):
            if generator.random() < 0.6:
                value = generator.randrange(pool)
                identifiers[kind] = f"u{value}@example.com" if kind == "email" else f"+1500555{value:04d}"
        identifiers = identifiers or {"email": "fallback@example.com"}
        records.append({"identifiers": identifiers, "attributes": {"firstName": f"First{n}", "custom": {"n": n}}})
    bulk, single = make_client(), make_client(rate_limits={"postUserAttributes": 1000})
    job_id = submit(bulk, records)
    bulk.post("/_sandbox/jobs/run")
    lines = [json.loads(line) for line in bulk.get(job_status(bulk, job_id).json()["url"]).text.splitlines()]
    expected = [upsert(single, record).json()["message"] for record in records]
    assert [line["message"] for line in lines] == expected
    assert any("merged users" in message for message in expected), "the sample should bridge users"
    assert users(bulk) == users(single)


def after_a_first_job(
    make_client: Callable[..., TestClient], first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> tuple[TestClient, TestClient, list[dict[str, Any]]]:
    """Two servers that applied the job ``first``; the first of them also applied ``second`` as a job. Returns
    both and the second job's result lines (the caller sends ``second`` to the other one as single upserts)."""
    bulk, single = make_client(), make_client()
    for client in (bulk, single):
        submit(client, first)
        client.post("/_sandbox/jobs/run")
    job_id = submit(bulk, second)
    bulk.post("/_sandbox/jobs/run")
    lines = [json.loads(line) for line in bulk.get(job_status(bulk, job_id).json()["url"]).text.splitlines()]
    return bulk, single, lines


def test_a_job_of_new_users_updates_of_stored_users_and_refusals_ends_as_single_upserts_would(
    make_client: Callable[..., TestClient],
) -> None:
    """The second job of a re-import: users stored by an earlier job are updated (attributes merged, an email
    replaced, a subscription added), bridged (merged), new ones created, broken records refused, and a value a
    stored user gave up goes to whoever names it next."""
    first = [
        {
            "identifiers": {"email": f"old{n}@example.com", "phone": f"+1500555{n:04d}"},
            "attributes": {"firstName": f"Old{n}"},
        }
        for n in range(6)
    ]
    first.append({"identifiers": {"email": "typed@example.com"}, "attributes": {"custom": {"visits": 3}}})
    first.append({"identifiers": {"email": "quiet@example.com", "phone": "+15005550077"}})
    second: list[dict[str, Any]] = [
        {"identifiers": {"email": "old0@example.com"}, "attributes": {"firstName": "Zero", "custom": {"visits": 1}}},
        {"identifiers": {"email": "new0@example.com"}, "attributes": {"firstName": "New"}},
        # Known by phone, with another email: the old email is replaced and no longer names anyone.
        {"identifiers": {"email": "moved@example.com", "phone": "+15005550001"}, "subscriptions": [SUBSCRIPTIONS[1]]},
        {"identifiers": {"email": "old1@example.com"}, "attributes": {"lastName": "Reborn"}},
        {"identifiers": {"email": "old2@example.com"}, "attributes": {"custom": {"visits": "many"}}},
        {"identifiers": {"email": "old3@example.com"}, "subscriptions": [SUBSCRIPTIONS[2]]},
        {
            "identifiers": {"email": "old4@example.com", "phone": "+15005550005"},
            "attributes": {"custom": {"vip": True}},
        },
        {"identifiers": {"email": "moved@example.com", "clientUserId": "c-1"}, "attributes": {"lastName": "Moved"}},
        {"identifiers": {"email": "new0@example.com", "phone": "+15005550099"}, "subscriptions": [SUBSCRIPTIONS[0]]},
        {"identifiers": {"email": "new1@example.com"}, "attributes": {"custom": {"visits": True}}},
        {"identifiers": {"email": "old1@example.com", "phone": "+15005550003"}},
        {"identifiers": {"email": "loud@example.com", "phone": "+15005550077"}},
    ]
    bulk, single, lines = after_a_first_job(make_client, first, second)
    answers = [upsert(single, record) for record in second]
    expected = [
        (record, answer.status_code, answer.json()["message"]) for record, answer in zip(second, answers, strict=True)
    ]
    assert [(line["request"], line["status"], line["message"]) for line in lines] == expected
    messages = [message for _, _, message in expected]
    assert sum(message.startswith("updated user") for message in messages) >= 5, messages
    assert sum("merged users" in message for message in messages) == 2, messages
    assert sum(message.startswith("created user") for message in messages) == 2, messages
    assert sum(status == 400 for _, status, _ in expected) == 3, messages
    assert users(bulk) == users(single)


def test_a_merged_user_lists_its_custom_identifiers_in_the_order_they_were_given(
    make_client: Callable[..., TestClient],
) -> None:
    """Two stored users each get a value of one custom identifier key, the later-created user first; a record then
    bridges them. The merged user lists both values in the order they were given, as single upserts leave it."""
    first = [{"identifiers": {"email": "a@example.com"}}, {"identifiers": {"email": "b@example.com"}}]
    second = [
        {"identifiers": {"email": "b@example.com", "customIdentifiers": [{"key": "k", "value": "1"}]}},
        {"identifiers": {"email": "a@example.com", "customIdentifiers": [{"key": "k", "value": "2"}]}},
        {"identifiers": {"email": "a@example.com", "customIdentifiers": [{"key": "k", "value": "1"}]}},
    ]
    bulk, single, lines = after_a_first_job(make_client, first, second)
    assert [line["message"] for line in lines] == [upsert(single, record).json()["message"] for record in second]
    assert lines[-1]["message"] == "updated user 1 and merged users 2 into it (superseded: user 2's email)"
    (merged,) = users(bulk)
    assert merged["identifiers"]["customIdentifiers"] == [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}]
    assert users(bulk) == users(single)

"""Optional client-side pacing at each operation's documented rate, shared by every thread and task."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.client import RateLimiter, operation_for
from attentive_client.models import CreateUserAttributesRequestDtoV2

from .conftest import ACCEPTED, MakeClient, answers, upsert_body

JOB = httpx.Response(200, json={"bulkJobId": "job-1", "status": "PENDING"})
FROZEN_CLOCK = 100.0


def test_the_documented_rates_are_read_from_the_spec() -> None:
    assert operation_for("post", "/v2/user/attributes").rate_limit_per_second == 150
    assert operation_for("post", "/v2/bulk/user/attributes").rate_limit_per_second == 100
    assert operation_for("get", "/v2/bulk/job/{bulk_job_id}").rate_limit_per_second == 100


def test_off_by_default(make_client: MakeClient) -> None:
    client, seen = make_client(answers(JOB), monotonic_clock=lambda: FROZEN_CLOCK)
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    assert seen.sleeps == pytest.approx([])


def test_calls_are_spaced_at_the_operation_rate(make_client: MakeClient) -> None:
    # With the clock standing still, every call after the first must wait its turn: 1/100 s apart.
    client, seen = make_client(answers(JOB), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    assert seen.sleeps == pytest.approx([0.01, 0.02])


def test_each_operation_has_its_own_pace(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)
    body = CreateUserAttributesRequestDtoV2.from_dict(upsert_body())
    post_user_attributes.sync(client=client, body=body)
    get_bulk_job_status.sync_detailed("job-1", client=client)
    post_user_attributes.sync(client=client, body=body)
    assert seen.sleeps == pytest.approx([1 / 150])


def test_rates_can_be_overridden_per_operation(make_client: MakeClient) -> None:
    client, seen = make_client(
        answers(JOB), rate_limit=True, rate_limits={"getBulkJobStatus": 4}, monotonic_clock=lambda: FROZEN_CLOCK
    )
    get_bulk_job_status.sync("job-1", client=client)
    get_bulk_job_status.sync("job-1", client=client)
    assert seen.sleeps == pytest.approx([0.25])


def test_a_lower_server_limit_replaces_the_documented_one(make_client: MakeClient) -> None:
    limited = httpx.Response(200, json={"bulkJobId": "j", "status": "PENDING"}, headers={"x-ratelimit-limit": "10"})
    client, seen = make_client(answers(limited), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    # First gap at the spec's 100/s (the server had not answered yet), then at the server's 10/s.
    assert seen.sleeps == pytest.approx([0.01, 0.01 + 0.1])


def test_threads_sharing_a_client_share_one_pace(make_client: MakeClient) -> None:
    client, seen = make_client(answers(JOB), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)
    workers = [
        threading.Thread(target=get_bulk_job_status.sync, args=("job-1",), kwargs={"client": client}) for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    waits = sorted(round(wait, 6) for wait in seen.sleeps)
    assert waits == pytest.approx([0.01 * n for n in range(1, 8)])


def test_async_tasks_sharing_a_client_share_one_pace(make_client: MakeClient) -> None:
    client, seen = make_client(answers(JOB), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)

    async def many() -> None:
        await asyncio.gather(*(get_bulk_job_status.asyncio("job-1", client=client) for _ in range(5)))

    asyncio.run(many())
    assert sorted(seen.sleeps) == pytest.approx([0.01, 0.02, 0.03, 0.04])


def test_copies_of_a_client_share_its_pace(make_client: MakeClient) -> None:
    client, seen = make_client(answers(JOB), rate_limit=True, monotonic_clock=lambda: FROZEN_CLOCK)
    get_bulk_job_status.sync("job-1", client=client)
    copy = client.with_headers({"X-Trace": "1"})
    copy.set_httpx_client(client.get_httpx_client())
    get_bulk_job_status.sync("job-1", client=copy)
    assert seen.sleeps == pytest.approx([0.01])


def test_the_limiter_frees_slots_as_time_passes() -> None:
    limiter = RateLimiter()
    assert limiter.reserve("op", 10, now=0.0) == 0.0
    assert limiter.reserve("op", 10, now=0.0) == pytest.approx(0.1)
    assert limiter.reserve("op", 10, now=5.0) == 0.0

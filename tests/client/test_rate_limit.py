"""Optional client-side pacing at each operation's documented rate, shared by every thread and task, through the
runtime's one ``Pacer``. A fake clock moves only when the client waits, so send times are exact."""

from __future__ import annotations

import asyncio
import itertools
import threading

import httpx
import pytest
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2
from attentive_client.runtime import Pacer

from .conftest import ACCEPTED, MakeClient, upsert_body

JOB = httpx.Response(200, json={"bulkJobId": "job-1", "status": "PENDING"})
INTERVAL_100 = 1 / (100 * Pacer.HEADROOM)


class FakeClock:
    """Time that passes only when the client sleeps; the transport notes when each request went out."""

    def __init__(self, answer: httpx.Response = JOB) -> None:
        self.now = 0.0
        self.sent: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._answer = answer

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent.append((request.url.path, self.now))
        return httpx.Response(self._answer.status_code, headers=self._answer.headers, content=self._answer.content)

    def settings(self) -> dict[str, object]:
        return {"sleep": self.sleep, "async_sleep": self.async_sleep, "monotonic_clock": self.clock}

    def times(self) -> list[float]:
        return [moment for _, moment in self.sent]


def gaps(times: list[float]) -> list[float]:
    return [round(later - earlier, 6) for earlier, later in itertools.pairwise(sorted(times))]


def test_the_documented_rates_are_read_from_the_spec(make_client: MakeClient) -> None:
    client, _ = make_client(FakeClock().handler)
    api = client.spec()
    assert api.find("post", "/v2/user/attributes").rate_limit_per_second == 150
    assert api.find("post", "/v2/bulk/user/attributes").rate_limit_per_second == 100
    assert api.find("get", "/v2/bulk/job/{bulk_job_id}").rate_limit_per_second == 100


def test_off_by_default(make_client: MakeClient) -> None:
    time = FakeClock()
    client, seen = make_client(time.handler, **time.settings())
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    assert seen.sleeps == [] and time.times() == [0.0, 0.0, 0.0]


def test_calls_are_spaced_at_the_operation_rate(make_client: MakeClient) -> None:
    time = FakeClock()
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    assert gaps(time.times()) == pytest.approx([INTERVAL_100, INTERVAL_100], abs=1e-6)


def test_each_operation_has_its_own_pace(make_client: MakeClient) -> None:
    time = FakeClock(ACCEPTED)
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    body = CreateUserAttributesRequestDtoV2.from_dict(upsert_body())
    post_user_attributes.sync(client=client, body=body)
    get_bulk_job_status.sync_detailed("job-1", client=client)
    post_user_attributes.sync(client=client, body=body)
    upserts = [moment for path, moment in time.sent if path == "/v2/user/attributes"]
    assert time.sent[1][1] == 0.0  # the job status waited for nobody
    assert gaps(upserts) == pytest.approx([1 / (150 * Pacer.HEADROOM)], abs=1e-6)


def test_rates_can_be_overridden_per_operation(make_client: MakeClient) -> None:
    time = FakeClock()
    client, _ = make_client(time.handler, rate_limit=True, rate_limits={"getBulkJobStatus": 4}, **time.settings())
    get_bulk_job_status.sync("job-1", client=client)
    get_bulk_job_status.sync("job-1", client=client)
    assert gaps(time.times()) == pytest.approx([1 / (4 * Pacer.HEADROOM)], abs=1e-6)


def test_a_lower_server_limit_replaces_the_documented_one(make_client: MakeClient) -> None:
    limited = httpx.Response(200, json={"bulkJobId": "j", "status": "PENDING"}, headers={"x-ratelimit-limit": "10"})
    time = FakeClock(limited)
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    # The first answer lowered the rate before the second request's slot was taken: every gap is at 10/s.
    assert gaps(time.times()) == pytest.approx([1 / (10 * Pacer.HEADROOM)] * 2, abs=1e-6)


def test_an_absurd_server_limit_is_bounded(make_client: MakeClient) -> None:
    absurd = httpx.Response(200, json={"bulkJobId": "j", "status": "PENDING"}, headers={"x-ratelimit-limit": "0.001"})
    time = FakeClock(absurd)
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    for _ in range(3):
        get_bulk_job_status.sync("job-1", client=client)
    # `x-ratelimit-limit: 0.001` would park the caller for 1,000 s; it is ignored below one request a second.
    assert time.now < 1.0


def test_threads_sharing_a_client_share_one_pace(make_client: MakeClient) -> None:
    time = FakeClock()
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    workers = [
        threading.Thread(target=get_bulk_job_status.sync, args=("job-1",), kwargs={"client": client}) for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(time.sent) == 8
    # Eight requests at 98/s can't all leave before seven intervals have passed.
    assert max(time.times()) >= 7 * INTERVAL_100 - 1e-6


def test_async_tasks_sharing_a_client_share_one_pace(make_client: MakeClient) -> None:
    time = FakeClock()
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())

    async def many() -> None:
        await asyncio.gather(*(get_bulk_job_status.asyncio("job-1", client=client) for _ in range(5)))

    asyncio.run(many())
    assert all(gap >= INTERVAL_100 - 1e-6 for gap in gaps(time.times()))
    assert len(time.sent) == 5


def test_copies_of_a_client_share_its_pace(make_client: MakeClient) -> None:
    time = FakeClock()
    client, _ = make_client(time.handler, rate_limit=True, **time.settings())
    get_bulk_job_status.sync("job-1", client=client)
    copy = client.with_headers({"X-Trace": "1"})
    copy.set_httpx_client(client.get_httpx_client())
    get_bulk_job_status.sync("job-1", client=copy)
    assert gaps(time.times()) == pytest.approx([INTERVAL_100], abs=1e-6)

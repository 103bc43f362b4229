"""Which failures are retried, how long the client waits, and that sync and async behave alike."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from attentive_client import errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.bulk_user_operations import post_bulk_user_attributes
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2, UserAttributes

from .conftest import ACCEPTED, TEXT_SUBSCRIPTION, MakeClient, answers, upsert_body

JOB = httpx.Response(200, json={"bulkJobId": "job-1", "status": "COMPLETED"})


def upsert(**overrides: object) -> CreateUserAttributesRequestDtoV2:
    return CreateUserAttributesRequestDtoV2.from_dict(upsert_body(**overrides))


def test_429_then_202_is_retried_with_backoff(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429), httpx.Response(429), ACCEPTED))

    result = post_user_attributes.sync(client=client, body=upsert(subscriptions=[TEXT_SUBSCRIPTION]))

    assert result.success is True
    assert len(seen.requests) == 3
    assert seen.sleeps == [0.5, 1.0]  # doubling from 0.5 s (jitter pinned to none)


def test_jitter_shortens_the_wait_by_up_to_a_quarter(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429), ACCEPTED), random_source=lambda: 1.0)
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [0.375]


def test_backoff_is_capped(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429)), max_retries=5, max_retry_delay=2.0)
    with pytest.raises(errors.RateLimitError):
        post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [0.5, 1.0, 2.0, 2.0, 2.0]


def test_500_on_an_upsert_with_a_text_subscription_is_not_retried(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(500), ACCEPTED))

    with pytest.raises(errors.ServerError) as raised:
        post_user_attributes.sync(client=client, body=upsert(subscriptions=[TEXT_SUBSCRIPTION]))

    assert len(seen.requests) == 1
    assert seen.sleeps == []
    assert raised.value.attempts == 1
    assert raised.value.status_code == 500


def test_500_on_a_bulk_submit_with_subscriptions_is_not_retried(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(500), ACCEPTED))
    users = [upsert_body(), upsert_body(subscriptions=[TEXT_SUBSCRIPTION])]
    with pytest.raises(errors.ServerError):
        post_bulk_user_attributes.sync(client=client, body=UserAttributes.from_dict({"users": users}))
    assert len(seen.requests) == 1


def test_500_on_an_upsert_without_subscriptions_is_retried(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(500), httpx.Response(503), ACCEPTED))
    assert post_user_attributes.sync(client=client, body=upsert()).success is True
    assert len(seen.requests) == 3


def test_500_on_a_get_is_retried_and_the_attempts_show_on_the_error(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(500)))
    with pytest.raises(errors.ServerError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    assert len(seen.requests) == 3
    assert raised.value.attempts == 3
    assert "after 3 attempt(s)" in str(raised.value)


def test_retries_are_configurable_per_client_and_per_call(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429)), max_retries=4)
    with pytest.raises(errors.RateLimitError):
        get_bulk_job_status.sync("job-1", client=client)
    assert len(seen.requests) == 5

    client, seen = make_client(answers(httpx.Response(429)), max_retries=4)
    with pytest.raises(errors.RateLimitError) as raised:
        get_bulk_job_status.sync("job-1", client=client, max_retries=0)
    assert len(seen.requests) == 1
    assert raised.value.attempts == 1


def test_retry_after_in_seconds_is_honoured(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429, headers={"Retry-After": "3"}), ACCEPTED))
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [3.0]


def test_retry_after_as_an_http_date_is_honoured(make_client: MakeClient) -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 11, 28, 12, 0, 7, tzinfo=UTC), usegmt=True)
    client, seen = make_client(
        answers(httpx.Response(429, headers={"Retry-After": later}), ACCEPTED), wall_clock=now.timestamp
    )
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [7.0]


def test_retry_after_is_capped(make_client: MakeClient) -> None:
    client, seen = make_client(
        answers(httpx.Response(429, headers={"Retry-After": "3600"}), ACCEPTED), max_retry_after=20.0
    )
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [20.0]


def test_an_exhausted_rate_limit_window_waits_for_the_next_second(make_client: MakeClient) -> None:
    exhausted = httpx.Response(429, headers={"x-ratelimit-limit": "150", "x-ratelimit-remaining": "0"})
    client, seen = make_client(answers(exhausted, ACCEPTED))
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [1.0]


def test_400_is_not_retried(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(400), ACCEPTED))
    with pytest.raises(errors.BadRequestError):
        post_user_attributes.sync(client=client, body=upsert())
    assert len(seen.requests) == 1


def test_connection_failures_before_sending_are_always_retried(make_client: MakeClient) -> None:
    refused = httpx.ConnectError("connection refused")
    client, seen = make_client(answers(refused, ACCEPTED))
    assert post_user_attributes.sync(client=client, body=upsert(subscriptions=[TEXT_SUBSCRIPTION])).success
    assert len(seen.requests) == 2


def test_a_read_timeout_is_retried_only_when_repeating_is_safe(make_client: MakeClient) -> None:
    timeout = httpx.ReadTimeout("read timed out")
    client, seen = make_client(answers(timeout, JOB))
    assert get_bulk_job_status.sync("job-1", client=client).bulk_job_id == "job-1"
    assert len(seen.requests) == 2

    client, seen = make_client(answers(timeout, ACCEPTED))
    with pytest.raises(errors.APITimeoutError) as raised:
        post_user_attributes.sync(client=client, body=upsert(subscriptions=[TEXT_SUBSCRIPTION]))
    assert len(seen.requests) == 1
    assert raised.value.attempts == 1


def test_connection_failures_raise_a_connection_error_with_the_attempts(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.ConnectError("connection refused")))
    with pytest.raises(errors.APIConnectionError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    assert not isinstance(raised.value, errors.APITimeoutError)
    assert raised.value.attempts == 3
    assert raised.value.operation_id == "getBulkJobStatus"


def test_async_calls_retry_alike(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429), ACCEPTED))
    result = asyncio.run(post_user_attributes.asyncio(client=client, body=upsert()))
    assert result.success is True
    assert seen.sleeps == [0.5]

    client, seen = make_client(answers(httpx.Response(500), ACCEPTED))
    with pytest.raises(errors.ServerError):
        asyncio.run(post_user_attributes.asyncio(client=client, body=upsert(subscriptions=[TEXT_SUBSCRIPTION])))
    assert len(seen.requests) == 1


def test_async_detailed_returns_the_last_answer(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(503)))
    response = asyncio.run(get_bulk_job_status.asyncio_detailed("job-1", client=client, max_retries=1))
    assert response.status_code == 503
    assert len(seen.requests) == 2


@pytest.fixture
def new_york_time() -> Iterator[None]:
    """Local time five hours behind GMT, as on a developer's laptop or a server not set to UTC."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize("later", ["Sat Nov 28 12:00:07 2026", "Sat, 28 Nov 2026 12:00:07 -0000"])
def test_a_retry_after_date_without_a_zone_is_read_as_gmt(
    make_client: MakeClient, new_york_time: None, later: str
) -> None:
    # RFC 9110 makes every HTTP date GMT, the asctime form included, whatever the local time zone.
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    client, seen = make_client(
        answers(httpx.Response(429, headers={"Retry-After": later}), ACCEPTED), wall_clock=now.timestamp
    )
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [7.0]


@pytest.mark.parametrize("retry_after", ["-5", "Sat, 28 Nov 2026 11:59:00 GMT"])
def test_a_negative_or_past_retry_after_falls_back_to_backoff(make_client: MakeClient, retry_after: str) -> None:
    # Neither says how long to wait (a negative count is malformed, a past date means the clocks disagree):
    # retrying at once would only meet the limit again, so the backoff, and the exhausted window's floor, apply.
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    plain = httpx.Response(429, headers={"Retry-After": retry_after})
    exhausted = httpx.Response(429, headers={"Retry-After": retry_after, "x-ratelimit-remaining": "0"})
    client, seen = make_client(answers(plain, exhausted, ACCEPTED), wall_clock=now.timestamp)
    post_user_attributes.sync(client=client, body=upsert())
    assert seen.sleeps == [0.5, 1.0]

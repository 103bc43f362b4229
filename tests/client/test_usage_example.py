"""The README's examples run as written against an in-process API."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from attentive_client import errors

from . import usage_example
from .conftest import MakeClient, answers


def api(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/v2/user/attributes":
        return httpx.Response(202, json={"success": True})
    if request.url.path == "/v2/bulk/user/attributes":
        return httpx.Response(202, json={"batchJobId": "job-7"})
    return httpx.Response(200, json={"bulkJobId": "job-7", "status": "IN_PROGRESS"})


def test_the_examples_run(make_client: MakeClient) -> None:
    client, seen = make_client(api)
    assert usage_example.upsert_one(client) is True
    job_id = usage_example.submit_bulk(client, ["+15005550006"])
    assert job_id == "job-7"
    assert asyncio.run(usage_example.job_status(client, job_id)) == "IN_PROGRESS"
    assert [r.url.path for r in seen.requests] == [
        "/v2/user/attributes",
        "/v2/bulk/user/attributes",
        "/v2/bulk/job/job-7",
    ]


def test_the_error_example_sees_the_attempts(make_client: MakeClient, capsys: pytest.CaptureFixture[str]) -> None:
    client, _ = make_client(answers(httpx.Response(429, headers={"Retry-After": "1"})))
    with pytest.raises(errors.RateLimitError):
        usage_example.upsert_one(client)
    assert "rate limited after 3 attempts; retry-after=1" in capsys.readouterr().out

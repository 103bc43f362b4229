"""Documented behaviour beyond the schema, as plain functions the suite's tests call: bulk jobs finish and
report one result line per user, an upsert can be read back from a reference server."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from attentive_client.runtime import ApiSpec
from attentive_client.runtime.bulk_jobs import JOB_STATES, TERMINAL_STATES, results_location
from attentive_client.runtime.bulk_jobs import job_status_path as status_path

from ..spec.effective import load_effective_spec


def sample_users(count: int, run_tag: str | None = None) -> list[dict[str, Any]]:
    """Users that any target accepts: a unique example.com email each, a name, no subscriptions (so nobody
    is texted or emailed)."""
    tag = run_tag or uuid.uuid4().hex[:12]
    return [
        {
            "identifiers": {"email": f"conformance+{tag}-{index}@example.com"},
            "attributes": {"firstName": "Conformance", "lastName": f"Run {tag} #{index}"},
        }
        for index in range(count)
    ]


@dataclass(frozen=True)
class JobOutcome:
    job_id: str
    status: str
    body: dict[str, Any]
    polls: int


def job_status_path(job_id: str) -> str:
    """The job status operation's path (the spec's) for ``job_id``."""
    return status_path(ApiSpec.from_document(load_effective_spec()), job_id)


def wait_for_job(client: httpx.Client, job_id: str, timeout: float, path: str | None = None) -> JobOutcome:
    """Poll the job status (at ``path``, when a link gave it) with growing pauses until it is COMPLETED or FAILED;
    AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    pause, polls = 0.02, 0
    path = path or job_status_path(job_id)
    while True:
        response = client.get(path)
        polls += 1
        assert response.status_code == 200, f"job {job_id}: status answered {response.status_code}: {response.text}"
        body = response.json()
        status = body.get("status")
        assert status in JOB_STATES, f"job {job_id}: undocumented status {status!r}"
        if status in TERMINAL_STATES:
            return JobOutcome(job_id, status, body, polls)
        if time.monotonic() + pause > deadline:
            raise AssertionError(f"job {job_id} still {status} after {timeout:g} s ({polls} polls)")
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def fetch_results(client: httpx.Client, base_url: str, url: str) -> list[dict[str, Any]]:
    """The JSON Lines results file; the token goes along only when the file lives on the API's own origin."""
    absolute, same_origin = results_location(base_url, url)
    if same_origin:
        response = client.get(absolute)
    else:
        with httpx.Client(timeout=30) as anonymous:
            response = anonymous.get(absolute)
    assert response.status_code == 200, f"results file {url}: answered {response.status_code}"
    lines = [line for line in response.text.splitlines() if line.strip()]
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AssertionError(f"results file {url}, line {number}: not JSON ({exc.msg})") from None
    return records

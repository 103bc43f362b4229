"""Bulk jobs end to end: submit users (as many as the spec's ``maxItems``), wait for the job (polling with
backoff), stream its JSON Lines results as typed records.

    jobs = BulkJobs(client)
    job_id = jobs.submit([{"identifiers": {"email": "a@example.com"}}])
    for result in jobs.results(jobs.wait(job_id)):
        print(result.position, result.accepted, result.message)

The vendor documents the job states (PENDING, IN_PROGRESS, COMPLETED, FAILED) and that results are "a record of
each request and its corresponding response" in a ``.jsonl`` file behind a URL, not the record's fields:
``BulkResult`` reads the common shapes (``status``/``statusCode``, ``success``, ``message``/``error``, ``errors``)
and keeps the whole line in ``raw``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin

import httpx
from attrs import frozen

from . import errors, media
from .calls import PATH_PARAMETERS
from .clients import BaseClient
from .origins import same_origin
from .spec import ApiSpec

__all__ = [
    "JOB_STATES",
    "STATUS_OPERATION",
    "SUBMIT_OPERATION",
    "TERMINAL_STATES",
    "BulkJob",
    "BulkJobError",
    "BulkJobs",
    "BulkResult",
    "job_status_parameters",
    "job_status_path",
    "results_location",
    "users_per_job",
]

SUBMIT_OPERATION = "postBulkUserAttributes"
STATUS_OPERATION = "getBulkJobStatus"
# The states the vendor documents (in prose only: the spec's ``status`` is a plain string, so they live here).
TERMINAL_STATES = frozenset({"COMPLETED", "FAILED"})
JOB_STATES = frozenset({"PENDING", "IN_PROGRESS"}) | TERMINAL_STATES


def users_per_job(api: ApiSpec) -> int:
    """How many users one bulk job may hold: the ``maxItems`` the effective spec gives the submit body's ``users``."""
    operation = api.operation(SUBMIT_OPERATION)
    content = (api.resolve(operation.definition.get("requestBody")) or {}).get("content") or {}
    schema = api.resolve((content.get(media.JSON) or {}).get("schema"))
    users = api.resolve(((schema or {}).get("properties") or {}).get("users"))
    limit = users.get("maxItems") if isinstance(users, dict) else None
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise LookupError(f"the spec gives {SUBMIT_OPERATION}'s users no maxItems")
    return limit


def job_status_path(api: ApiSpec, job_id: str) -> str:
    """The status operation's path (as the spec gives it) for ``job_id``."""
    return api.operation(STATUS_OPERATION).request_path(job_status_parameters(api, job_id))


def job_status_parameters(api: ApiSpec, job_id: str) -> dict[str, str]:
    """The status operation's path parameters for ``job_id``: its one parameter, whatever the spec names it."""
    return dict.fromkeys(api.operation(STATUS_OPERATION).path_parameter_names, job_id)


def results_location(base_url: str, url: str) -> tuple[str, bool]:
    """A job's results URL made absolute against the API's base, and whether it is on the API's own origin: the
    token goes only there, and a results URL elsewhere (a signed storage link) is fetched without it."""
    base = base_url.rstrip("/") + "/"
    absolute = urljoin(base, url)
    return absolute, same_origin(absolute, base)


class BulkJobError(errors.AttentiveError):
    """A job that can't be followed to its results: it FAILED, took too long, or its answer lacks what is needed."""


@frozen
class BulkJob:
    """A job's last known state, as the status endpoint answered it."""

    job_id: str
    status: str
    total_records: int | None
    url: str | None
    raw: Mapping[str, Any]

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL_STATES

    @classmethod
    def from_answer(cls, job_id: str, body: Any) -> BulkJob | None:
        """The job as a status answer's JSON describes it; None when the answer names no status."""
        if not isinstance(body, dict) or not isinstance(body.get("status"), str):
            return None
        total = body.get("totalRecords")
        url = body.get("url")
        return cls(
            job_id=job_id,
            status=body["status"],
            total_records=total if isinstance(total, int) and not isinstance(total, bool) else None,
            url=url if isinstance(url, str) and url else None,
            raw=body,
        )


@frozen
class BulkResult:
    """One line of a job's results file: the outcome of one submitted user, in submission order."""

    position: int  # 1-based: the n-th user of the job
    accepted: bool | None  # None when the line says neither
    status: int | None
    message: str
    errors: tuple[str, ...]
    request: Mapping[str, Any] | None
    raw: Any

    @classmethod
    def parse(cls, position: int, text: str) -> BulkResult:
        """Read one results line; a line that is not a JSON object is kept in ``raw`` with ``accepted`` None."""
        try:
            entry: Any = json.loads(text)
        except ValueError:
            return cls(position, None, None, "not a JSON line", (), None, text)
        if not isinstance(entry, dict):
            return cls(position, None, None, "not a JSON object", (), None, entry)
        status = entry.get("status", entry.get("statusCode"))
        status = status if isinstance(status, int) and not isinstance(status, bool) else None
        success = entry.get("success")
        accepted = 200 <= status <= 299 if status is not None else success if isinstance(success, bool) else None
        details = entry.get("errors")
        found = tuple(_detail(item) for item in details) if isinstance(details, list) else ()
        request = entry.get("request")
        message = str(entry.get("message") or entry.get("error") or "")
        return cls(position, accepted, status, message, found, request if isinstance(request, dict) else None, entry)


def _detail(item: Any) -> str:
    if isinstance(item, dict) and "message" in item:
        pointer = item.get("pointer") or item.get("path") or ""
        return f"{pointer}: {item['message']}" if pointer else str(item["message"])
    return str(item)


class BulkJobs:
    """Submit, wait for and read bulk jobs through a client (its validation, retries, deadline and redaction).

    ``poll_initial`` seconds before the first status check, growing by ``poll_factor`` up to ``poll_max``;
    ``wait`` gives up after ``patience`` seconds with ``BulkJobError`` (the job goes on: wait again later).
    """

    def __init__(
        self,
        client: BaseClient,
        *,
        poll_initial: float = 0.5,
        poll_max: float = 30.0,
        poll_factor: float = 1.5,
        patience: float = 4 * 3600.0,
    ) -> None:
        self.client = client
        self.poll_initial = poll_initial
        self.poll_max = poll_max
        self.poll_factor = poll_factor
        self.patience = patience
        api = client.spec()
        self._submit = api.operation(SUBMIT_OPERATION)
        self._status = api.operation(STATUS_OPERATION)

    @property
    def max_users(self) -> int:
        """How many users one job may hold, as the spec says (asked when submitting, not when built)."""
        return users_per_job(self.client.spec())

    def submit(self, users: Sequence[Mapping[str, Any]]) -> str:
        """Submit up to ``max_users`` users (the spec's figure) as one job; returns its id. Raises the client's
        typed errors."""
        if not 1 <= len(users) <= self.max_users:
            raise ValueError(f"a bulk job holds 1 to {self.max_users} users, not {len(users)}")
        sent = self.client.send(SUBMIT_OPERATION, {"json": {"users": list(users)}})
        body = self._json_or_raise(sent)
        job_id = body.get("batchJobId") if isinstance(body, dict) else None
        if not isinstance(job_id, str) or not job_id:
            message = self.client.redactor().redact(f"the submit answer has no batchJobId: {body!r}")
            raise BulkJobError(message[:500], operation_id=SUBMIT_OPERATION)
        return job_id

    def status(self, job_id: str) -> BulkJob:
        sent = self.client.send(STATUS_OPERATION, {PATH_PARAMETERS: job_status_parameters(self.client.spec(), job_id)})
        body = self._json_or_raise(sent)
        job = BulkJob.from_answer(job_id, body)
        if job is None:
            message = self.client.redactor().redact(f"job {job_id}: the status answer has no status: {body!r}")
            raise BulkJobError(message[:500], operation_id="")
        return job

    def wait(self, job_id: str) -> BulkJob:
        """Poll until the job is COMPLETED or FAILED, waiting longer between polls each time."""
        give_up = self.client.monotonic_clock() + self.patience
        pause = self.poll_initial
        while True:
            job = self.status(job_id)
            if job.finished:
                return job
            if self.client.monotonic_clock() + pause > give_up:
                raise BulkJobError(
                    f"job {job_id} still {job.status} after {self.patience:g} s", operation_id=STATUS_OPERATION
                )
            self.client.sleep(pause)
            pause = min(pause * self.poll_factor, self.poll_max)

    def results(self, job: BulkJob) -> Iterator[BulkResult]:
        """Stream a finished job's results, one typed record per line, without holding the file in memory.

        The token goes only to the API's own origin: a results URL elsewhere (a signed storage link) is fetched
        without it. Each line is redacted before it is read: a server may echo the token in its messages.
        """
        if job.url is None:
            raise BulkJobError(f"job {job.job_id} ended {job.status} without a results URL", operation_id="")
        url, same_origin = results_location(self.client.base_url, job.url)
        http = self.client.get_httpx_client() if same_origin else httpx.Client(timeout=60.0)
        try:
            with http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise BulkJobError(
                        f"job {job.job_id}: results answered HTTP {response.status_code}", operation_id=""
                    )
                position = 0
                redactor = self.client.redactor()
                for line in response.iter_lines():
                    if line.strip():
                        position += 1
                        yield BulkResult.parse(position, redactor.redact(line))
        finally:
            if not same_origin:
                http.close()

    def run(self, users: Sequence[Mapping[str, Any]]) -> Iterator[BulkResult]:
        """``submit``, ``wait`` and ``results`` in one go."""
        job = self.wait(self.submit(users))
        if job.status != "COMPLETED" and job.url is None:
            raise BulkJobError(f"job {job.job_id} ended {job.status}", operation_id=STATUS_OPERATION)
        yield from self.results(job)

    def _json_or_raise(self, sent: Any) -> Any:
        response: httpx.Response = sent.response
        if not 200 <= response.status_code <= 299:
            raise self.client.error_for(sent)
        try:
            return response.json()
        except ValueError as exc:
            raise self.client.malformed_response(sent, exc) from exc

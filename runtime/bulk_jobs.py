"""Bulk jobs end to end: submit up to 256 users, wait for the job (polling with backoff), stream its JSON Lines
results as typed records.

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
from urllib.parse import urljoin, urlsplit

import httpx
from attrs import frozen

from . import errors
from .calls import PATH_PARAMETERS
from .clients import BaseClient

__all__ = ["TERMINAL_STATES", "BulkJob", "BulkJobError", "BulkJobs", "BulkResult"]

SUBMIT_OPERATION = "postBulkUserAttributes"
STATUS_OPERATION = "getBulkJobStatus"
TERMINAL_STATES = frozenset({"COMPLETED", "FAILED"})
MAX_USERS_PER_JOB = 256


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

    def submit(self, users: Sequence[Mapping[str, Any]]) -> str:
        """Submit up to 256 users as one job; returns its id. Raises the client's typed errors."""
        if not 1 <= len(users) <= MAX_USERS_PER_JOB:
            raise ValueError(f"a bulk job holds 1 to {MAX_USERS_PER_JOB} users, not {len(users)}")
        sent = self.client.send(SUBMIT_OPERATION, {"json": {"users": list(users)}})
        body = self._json_or_raise(sent)
        job_id = body.get("batchJobId") if isinstance(body, dict) else None
        if not isinstance(job_id, str) or not job_id:
            message = self.client.redactor().redact(f"the submit answer has no batchJobId: {body!r}")
            raise BulkJobError(message[:500], operation_id=SUBMIT_OPERATION)
        return job_id

    def status(self, job_id: str) -> BulkJob:
        # The status path's one parameter, whatever the spec names it.
        names = self._status.path_parameter_names
        sent = self.client.send(STATUS_OPERATION, {PATH_PARAMETERS: dict.fromkeys(names, job_id)})
        body = self._json_or_raise(sent)
        if not isinstance(body, dict) or not isinstance(body.get("status"), str):
            message = self.client.redactor().redact(f"job {job_id}: the status answer has no status: {body!r}")
            raise BulkJobError(message[:500], operation_id="")
        total = body.get("totalRecords")
        url = body.get("url")
        return BulkJob(
            job_id=job_id,
            status=body["status"],
            total_records=total if isinstance(total, int) and not isinstance(total, bool) else None,
            url=url if isinstance(url, str) and url else None,
            raw=body,
        )

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
        base = self.client.base_url.rstrip("/") + "/"
        url = urljoin(base, job.url)
        same_origin = urlsplit(url)[:2] == urlsplit(base)[:2]
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

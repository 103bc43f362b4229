"""Following jobs: each taken batch's job polled to its end (the runtime's ``BulkJob`` reads each status answer),
its results downloaded and every line's outcome recorded. A job that failed as a whole without results is sent
again when the batch may be sent twice."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from enum import Enum

import httpx
from attentive_client import AuthenticatedClient
from attentive_client.runtime import BulkJob

from . import exchange
from .batching import Batch
from .exchange import Reply
from .journal import BatchState
from .ledger import Ledger, excerpt
from .ordering import Fate
from .pace import OperationPace
from .results import reconcile_results
from .sending import BatchSender
from .stopping import StopSwitch


class Verdict(Enum):
    RECORDED = "recorded"  # every line's outcome is in the journal
    LOOK_AGAIN = "look again"  # the results are not to be had yet
    RESEND = "resend"  # the job failed as a whole and the batch may be sent again


@dataclass(frozen=True, slots=True)
class FollowLimits:
    poll_interval: float
    max_poll_interval: float
    max_poll_failures: int
    patience_seconds: float  # a job unfinished after this long is left to a later run
    max_resends: int  # times a batch whose job failed as a whole is sent again


class JobFollower:
    """``follow`` queues a job; ``drain`` follows queued jobs, oldest first, until it gets None."""

    def __init__(
        self,
        client: AuthenticatedClient,
        ledger: Ledger,
        stop: StopSwitch,
        pace: OperationPace,
        sender: BatchSender,
        limits: FollowLimits,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._stop = stop
        self._pace = pace
        self._sender = sender
        self._limits = limits
        self._policy = client.retry_policy()
        self._jobs: asyncio.Queue[tuple[Batch, str] | None] = asyncio.Queue()
        self._plain_http: httpx.AsyncClient | None = None  # for results stored away from the API's origin

    def plain_http(self) -> httpx.AsyncClient:
        """Made on first use only: results usually live at the API's own origin, and each httpx client costs an SSL
        context (about 0.1 s of CPU)."""
        if self._plain_http is None:
            self._plain_http = httpx.AsyncClient()
        return self._plain_http

    async def aclose(self) -> None:
        if self._plain_http is not None:
            await self._plain_http.aclose()

    def follow(self, batch: Batch, job_id: str) -> None:
        self._jobs.put_nowait((batch, job_id))

    def end(self) -> None:
        self._jobs.put_nowait(None)

    async def drain(self) -> None:
        while (job := await self._jobs.get()) is not None:
            batch, job_id = job
            if self._stop or not await self._follow_job(batch, job_id):
                # Left as submitted: the job exists, a later run follows it up; lines waiting for it wait too.
                self._ledger.release(batch, Fate.HELD)

    async def _follow_job(self, batch: Batch, job_id: str) -> bool:
        """Follow a job to its end and record its outcome; False when this run leaves it open."""
        limits = self._limits
        interval, failures = limits.poll_interval, 0
        give_up_at = time.monotonic() + limits.patience_seconds
        while time.monotonic() < give_up_at:
            sent_at = await self._pace.slot(self._stop)
            if sent_at is None:
                return False
            answer = await exchange.job_status(self._client, job_id, self._policy)
            self._pace.observe(answer, sent_at)
            reply = answer if isinstance(answer, Reply) else None
            job = BulkJob.from_answer(job_id, reply.body) if reply is not None and reply.status == 200 else None
            if job is not None and not job.finished:
                if not await self._stop.wait_unless_stopped(asyncio.sleep(interval)):
                    return False
                interval = min(interval * 1.5, limits.max_poll_interval)
                continue
            if job is not None:
                verdict = await self._record_results(batch, job)
                if verdict is Verdict.RECORDED:
                    return True
                if verdict is Verdict.RESEND:
                    new_job = await self._resend(batch)
                    if new_job is None:
                        return True  # settled while sending (given up, refused, or the run stopped)
                    job_id, interval, failures = new_job, limits.poll_interval, 0
                    continue
            elif reply is not None and reply.status == 404:
                self._job_gone(batch, job_id, reply)
                return True
            elif reply is not None and reply.status == 429:
                continue
            failures += 1
            if failures >= limits.max_poll_failures:
                return False
            if not await self._stop.wait_unless_stopped(asyncio.sleep(self._policy.backoff(min(failures, 6)))):
                return False
        return False

    async def _resend(self, batch: Batch) -> str | None:
        """The job did nothing and the batch may be sent again: send it now; the new job is followed here."""
        batch.resent += 1
        return await self._sender.send(batch, follow=False)

    def _job_gone(self, batch: Batch, job_id: str, reply: Reply) -> None:
        note = f"job {job_id} is unknown to the server (jobs are kept 14 days): {reply.message}"
        self._ledger.give_up(batch, note, resendable=not batch.guarded)
        self._ledger.counters.jobs_finished += 1

    async def _record_results(self, batch: Batch, job: BulkJob) -> Verdict:
        """Download a finished job's results and record every line's outcome."""
        if job.url is None:
            return self._without_results(batch, job)
        try:
            response = await exchange.download(self._client, job.url, self.plain_http)
        except httpx.HTTPError:
            return Verdict.LOOK_AGAIN
        if response.status_code != 200:
            return Verdict.LOOK_AGAIN
        results = reconcile_results(batch.lines, response.text)
        note = f"job {job.job_id} {job.status}" + (": " + "; ".join(results.notes) if results.notes else "")
        inputs = dict(zip(batch.lines, self._ledger.records(batch), strict=True))
        rejects = [(line, reason, excerpt(inputs[line])) for line, reason in results.rejected]
        fate = Fate.UNKNOWN if results.unknown else Fate.FINAL
        self._ledger.record_outcome(batch, BatchState.DONE, fate, rejects=rejects, unknown=results.unknown, note=note)
        self._ledger.counters.jobs_finished += 1
        return Verdict.RECORDED

    def _without_results(self, batch: Batch, job: BulkJob) -> Verdict:
        if job.status == "COMPLETED":
            return Verdict.LOOK_AGAIN
        counters = self._ledger.counters
        if not batch.guarded and batch.resent < self._limits.max_resends:
            counters.jobs_finished += 1  # that job is over; the batch's next one is counted when taken
            return Verdict.RESEND
        message = job.raw.get("message", "")
        note = f"job {job.job_id} FAILED without per-record results: {message}".rstrip(": ")
        self._ledger.give_up(batch, note, resendable=not batch.guarded)
        counters.jobs_finished += 1
        return Verdict.RECORDED

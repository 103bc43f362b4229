"""The bulk job worker: PENDING -> IN_PROGRESS -> COMPLETED (or FAILED), applying each record as the single upsert,
or, for a resource's member job (``member_jobs.py``), its members in one step.

Jobs run as asyncio tasks on the server's loop at ``job_pace_seconds`` per transition, or only when driven
(``advance`` / ``run_all``) so tests can step through the states without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import Any

from .clock import SandboxClock
from .faults import FaultInjector
from .job_apply import JobApplier
from .member_jobs import MEMBER_ROLES, MemberJobs
from .resource_store import ResourceStore
from .settings import ServerSettings
from .storage import USERS_JOB, Job, Store
from .upsert import Upserter

log = logging.getLogger(__name__)
FINISHED = frozenset({"COMPLETED", "FAILED"})
UNFINISHED = frozenset({"PENDING", "IN_PROGRESS"})
# While requests keep arriving, the worker lets the loop turn this many times per job: the backlog still moves,
# but answers come first. A job is applied in one step (one transaction, a few milliseconds for 256 records).
TURNS_WHEN_BUSY = 8


class BulkWorker:
    def __init__(
        self,
        store: Store,
        upserter: Upserter,
        items: ResourceStore,
        clock: SandboxClock,
        faults: FaultInjector,
        settings: ServerSettings,
    ) -> None:
        self._store = store
        self._applier = JobApplier(store, upserter, settings.max_custom_attributes)
        self._members = MemberJobs(store, items)
        self._clock = clock
        self._faults = faults
        self._settings = settings
        # One worker task per event loop, taking jobs in submission order: requests keep priority over the backlog.
        self._queue: asyncio.Queue[str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Requests answered so far (the app counts them); the worker compares it between chunks.
        self.requests_seen = 0
        # The records of the job in progress, parsed once rather than once per chunk.
        self._records: dict[str, list[Any]] = {}

    def submit(self, request_body: str, total_records: int, kind: str = USERS_JOB) -> str:
        """Queue a job for a schema-valid ``{"users": [...]}`` body, kept as received, or (``kind``: a member role)
        a member job's request (``member_jobs.member_job_request``)."""
        job_id = uuid.uuid4().hex
        self._store.insert_job(job_id, request_body, total_records, self._clock.iso(), kind)
        if self._settings.run_jobs_in_background:
            self._spawn(job_id)
        return job_id

    def visible_job(self, job_id: str) -> Job | None:
        """The job, unless unknown or older than the retention period (the vendor keeps jobs two weeks)."""
        job = self._store.job(job_id)
        if job is None or self.expired(job):
            return None
        return job

    def expired(self, job: Job) -> bool:
        return self._clock.now() - datetime.fromisoformat(job.created_at) > self._settings.job_retention

    def resume(self) -> None:
        """Continue jobs a previous run left unfinished (a ``--db`` file survives restarts)."""
        if self._settings.run_jobs_in_background:
            for job_id in self._store.unfinished_job_ids():
                self._spawn(job_id)

    def forget(self) -> None:
        """Drop what the worker holds in memory (after a reset; queued ids of deleted jobs are skipped)."""
        self._records.clear()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _spawn(self, job_id: str) -> None:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._task is None or self._task.done() or self._loop is not loop:
            self._loop, self._queue = loop, asyncio.Queue()
            self._task = loop.create_task(self._work(self._queue))
        self._queue.put_nowait(job_id)

    async def _work(self, queue: asyncio.Queue[str]) -> None:
        while True:
            await self._drive(await queue.get())

    async def _drive(self, job_id: str) -> None:
        await asyncio.sleep(self._settings.job_pace_seconds)
        status = self.advance(job_id)
        if status == "IN_PROGRESS":
            await asyncio.sleep(self._settings.job_pace_seconds)
        seen = self.requests_seen
        while status == "IN_PROGRESS":
            status = self.advance(job_id)
        for _ in range(TURNS_WHEN_BUSY if self.requests_seen != seen else 1):
            await asyncio.sleep(0)

    def advance(self, job_id: str, limit: int | None = None) -> str | None:
        """Move a job one step: PENDING -> IN_PROGRESS, or apply up to ``limit`` remaining records (all when None)
        and mark it COMPLETED once every record has an outcome. Returns the new status, None for an unknown job."""
        job = self._store.job(job_id)
        if job is None or job.status in FINISHED:
            return None if job is None else job.status
        if job.status == "PENDING":
            if self._faults.job_fails():
                self._store.set_job_status(job_id, "FAILED", self._clock.iso(), "injected fault: the job failed")
                return "FAILED"
            self._store.set_job_status(job_id, "IN_PROGRESS", self._clock.iso())
            return "IN_PROGRESS"
        try:
            if job.kind in MEMBER_ROLES:
                message = self._members.apply(job_id, job.kind)
                self._store.set_job_status(job_id, "COMPLETED", self._clock.iso(), message)
                return "COMPLETED"
            return self._process(job_id, limit)
        except Exception as exc:  # a job that cannot proceed is FAILED, with the reason
            log.exception("bulk job %s failed", job_id)
            self._records.pop(job_id, None)
            self._store.set_job_status(job_id, "FAILED", self._clock.iso(), f"the job could not proceed: {exc}")
            return "FAILED"

    def _process(self, job_id: str, limit: int | None) -> str:
        users = self._records.get(job_id)
        if users is None:
            users = self._records[job_id] = self._store.job_request(job_id)
        done = self._store.result_count(job_id)
        stop = len(users) if limit is None else min(len(users), done + limit)
        self._applier.apply(job_id, users, done, stop, self._clock.iso())
        if stop < len(users):
            return "IN_PROGRESS"
        del self._records[job_id]
        self._store.set_job_status(job_id, "COMPLETED", self._clock.iso(), f"processed {len(users)} records")
        return "COMPLETED"

    def run_all(self) -> list[str]:
        """Drive every unfinished job to COMPLETED or FAILED, now. Returns their ids."""
        job_ids = self._store.unfinished_job_ids()
        for job_id in job_ids:
            while self.advance(job_id) in UNFINISHED:
                pass
        return job_ids

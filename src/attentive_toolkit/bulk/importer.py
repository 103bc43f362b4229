"""``BulkImport``: read, validate, batch, submit under the rate limit, follow every job, reconcile every line."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from attentive_client import AuthenticatedClient
from attentive_client.runtime import ApiSpec, Pacer

from . import transport
from .batching import MAX_BATCH_SIZE, Batch, batches
from .csv_source import read_csv
from .journal import BatchState, Journal, Outcome
from .report import ImportReport, build_report
from .results import reconcile_results
from .sources import LineKind, SourceLine, raw_excerpt, read_jsonl
from .validation import RecordValidator

SUBMIT_OPERATION = "postBulkUserAttributes"
STATUS_OPERATION = "getBulkJobStatus"
SETTLED_FLUSH = 1000
TERMINAL = frozenset({"COMPLETED", "FAILED"})


class ImportAborted(Exception):
    """Nothing more can succeed (the token is refused, say); the journal keeps what was done."""


@dataclass
class ImportOptions:
    source: Path
    input_format: str | None = None  # "jsonl" or "csv"; from the file's suffix when None
    columns: list[str] | None = None  # CSV column mapping replacing the header row's names
    journal: Path | None = None
    rejects: Path | None = None
    report: Path | None = None
    batch_size: int = MAX_BATCH_SIZE
    concurrency: int = 16
    # Attempts per batch on a 5xx or a failed connection; 429s are waited out and don't count.
    max_attempts: int = 6
    max_throttled: int = 1000
    rate_limits: dict[str, float] = field(default_factory=dict)  # operationId -> per second, over the spec's
    # Jobs are followed oldest first by this many tasks: jobs finish roughly in order, so polling only the
    # oldest keeps status calls (and their CPU) near one per job instead of one per job per interval.
    followers: int = 4
    poll_interval: float = 0.02
    max_poll_interval: float = 1.0
    max_poll_failures: int = 20
    # A job still unfinished after this long is left to a later run (it stays in the journal as submitted).
    job_patience_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.input_format is None:
            self.input_format = "csv" if self.source.suffix.lower() == ".csv" else "jsonl"
        if self.input_format not in ("jsonl", "csv"):
            raise ValueError(f"unknown input format {self.input_format!r}; use jsonl or csv")
        if not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch size must be between 1 and {MAX_BATCH_SIZE}")
        base = self.source.with_name(self.source.name)
        self.journal = self.journal or base.with_name(base.name + ".journal.sqlite")
        self.rejects = self.rejects or base.with_name(base.name + ".rejects.jsonl")
        self.report = self.report or base.with_name(base.name + ".report.json")


@dataclass
class Counters:
    """What the progress display shows; records, not requests."""

    read: int = 0
    sent: int = 0
    confirmed: int = 0
    started: float = field(default_factory=time.monotonic)
    last_sent: float = 0.0  # when the latest batch was taken by the server


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class BulkImport:
    def __init__(
        self,
        client: AuthenticatedClient,
        base_url: str,
        options: ImportOptions,
        *,
        validator: RecordValidator | None = None,
        spec: dict[str, Any] | None = None,
        on_progress: Callable[[Counters], None] | None = None,
    ) -> None:
        self.client = client
        self.base_url = base_url
        self.options = options
        # One owner of the spec's facts: the runtime, reading the spec the client carries (or the one given).
        self.api = ApiSpec.from_document(spec) if spec is not None else client.spec()
        self.validator = validator or RecordValidator(self.api)
        self.submit_operation = self.api.operation(SUBMIT_OPERATION)
        self.submit_pacer = self._pacer(self.submit_operation.operation_id)
        self.status_pacer = self._pacer(STATUS_OPERATION)
        self.policy = client.retry_policy()
        self.counters = Counters()
        self.on_progress = on_progress
        self._jobs: asyncio.Queue[tuple[int, array[int], str, bool] | None] = asyncio.Queue()
        self._stop: str = ""

    def _pacer(self, operation_id: str) -> Pacer:
        rate = self.options.rate_limits.get(operation_id, self.api.operation(operation_id).rate_limit_per_second)
        if rate is None:
            raise ImportAborted(f"the spec gives {operation_id} no rate limit; pass one in ImportOptions.rate_limits")
        return Pacer(rate)

    def _guarded(self, record: dict[str, Any]) -> bool:
        """Whether a batch holding ``record`` must not be sent twice (the runtime's resend rule for the submit)."""
        return not self.submit_operation.is_resendable({"users": [record]})

    # --- the run ---------------------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        return asyncio.run(self.run_async())

    async def run_async(self) -> ImportReport:
        options = self.options
        assert options.journal is not None and options.rejects is not None and options.report is not None
        identity = {
            "source": str(options.source.resolve()),
            "sha256": file_sha256(options.source),
            "format": options.input_format,
            "columns": options.columns,
            "batch_size": options.batch_size,
        }
        with Journal(options.journal) as journal:
            resumed = journal.bind(identity)
            self.journal = journal
            async with httpx.AsyncClient() as self.plain_http:
                lines = await self._pipeline()
            report = build_report(journal, options.source, lines, options.rejects)
        report.resumed = resumed
        report.journal = str(options.journal)
        report.stopped = self._stop
        report.throttled = self.submit_pacer.throttled + self.status_pacer.throttled
        report.elapsed_seconds = round(time.monotonic() - self.counters.started, 3)
        if report.elapsed_seconds > 0:
            report.records_per_second = round(self.counters.sent / report.elapsed_seconds, 1)
        options.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        return report

    async def _pipeline(self) -> int:
        queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=self.options.concurrency)
        senders = [asyncio.create_task(self._sender(queue)) for _ in range(self.options.concurrency)]
        followers = [asyncio.create_task(self._follower()) for _ in range(self.options.followers)]
        ticker = asyncio.create_task(self._tick()) if self.on_progress else None
        try:
            await self._produce(queue)
        finally:
            for _ in senders:
                await queue.put(None)
            await asyncio.gather(*senders)
            for _ in followers:
                self._jobs.put_nowait(None)
            await asyncio.gather(*followers)
            if ticker is not None:
                ticker.cancel()
                self._report_progress()
        return self.counters.read

    async def _tick(self) -> None:
        while True:
            self._report_progress()
            await asyncio.sleep(0.2)

    def _report_progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.counters)

    # --- reading ---------------------------------------------------------------------------------------------

    def _source_lines(self) -> Iterator[SourceLine]:
        if self.options.input_format == "csv":
            return read_csv(self.options.source, self.options.columns)
        return read_jsonl(self.options.source)

    def _valid_records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        settled: list[tuple[int, str, str, str]] = []
        for line in self._source_lines():
            self.counters.read += 1
            if line.kind is LineKind.BLANK:
                settled.append((line.line_no, Outcome.SKIPPED.value, "blank line", ""))
                self.counters.confirmed += 1
            elif line.kind is LineKind.BROKEN:
                settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, line.reason, line.raw))
                self.counters.confirmed += 1
            else:
                assert line.record is not None
                reason = self.validator.reason(line.record)
                if reason is None:
                    yield line.line_no, line.record
                else:
                    raw = raw_excerpt(json.dumps(line.record, ensure_ascii=False))
                    settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, reason, raw))
                    self.counters.confirmed += 1
            if len(settled) >= SETTLED_FLUSH:
                self.journal.record_lines(settled)
                settled = []
        self.journal.record_lines(settled)

    async def _produce(self, queue: asyncio.Queue[Batch | None]) -> None:
        # After a stop the rest of the input is still read, and each batch is journalled as not sent instead of
        # sending it: every line is counted, and the next run sends them.
        for batch in batches(self._valid_records(), self._guarded, self.options.batch_size):
            row = self.journal.batch(batch.seq)
            if row is not None and row.lines != batch.lines:
                raise ImportAborted(f"batch {batch.seq} in the journal holds other lines than the input gives now")
            if row is None or (row.state is BatchState.SENDING and not row.guarded):
                await self._dispatch(queue, batch)
            elif row.state is BatchState.SENDING:
                # Killed while this request was in flight: it may have reached the server, and it carries
                # subscriptions, so sending it again could text people twice.
                note = "the previous run stopped while this batch was being sent; it carries subscriptions: review"
                self.journal.finish(batch.seq, BatchState.UNKNOWN, unknown=list(batch.lines), note=note)
                self.counters.confirmed += len(batch)
            elif row.state is BatchState.UNKNOWN and row.resendable:
                await self._dispatch(queue, batch)
            elif row.state is BatchState.SUBMITTED:
                assert row.job_id is not None
                self.counters.sent += len(batch)
                self._follow(batch.seq, batch.lines, row.job_id, batch.guarded)
            else:
                self.counters.sent += len(batch)
                self.counters.confirmed += len(batch)
            # Reading is CPU work on the event loop: let the senders and followers run between batches.
            await asyncio.sleep(0)

    # --- sending ---------------------------------------------------------------------------------------------

    async def _dispatch(self, queue: asyncio.Queue[Batch | None], batch: Batch) -> None:
        if self._stop:
            self._not_sent(batch)
        else:
            await queue.put(batch)

    async def _sender(self, queue: asyncio.Queue[Batch | None]) -> None:
        while (batch := await queue.get()) is not None:
            if self._stop:
                self._not_sent(batch)
            else:
                await self._submit(batch)

    def _not_sent(self, batch: Batch) -> None:
        self.journal.not_sent(batch.seq, batch.lines, batch.guarded, f"not sent: the run stopped ({self._stop})")
        self.counters.confirmed += len(batch)

    def _give_up(self, batch: Batch, note: str, *, resendable: bool) -> None:
        self.journal.finish(batch.seq, BatchState.UNKNOWN, unknown=list(batch.lines), resendable=resendable, note=note)
        self.counters.confirmed += len(batch)

    async def _submit(self, batch: Batch) -> None:
        self.journal.start_sending(batch.seq, batch.lines, batch.guarded)
        failures = throttled = 0
        maybe_sent = False
        while True:
            await self.submit_pacer.acquire_async()
            answer = await transport.submit(self.client, batch.records, self.policy)
            if isinstance(answer, transport.NoAnswer):
                maybe_sent = maybe_sent or answer.maybe_sent
                if answer.maybe_sent and batch.guarded:
                    note = f"no answer after sending ({answer.reason}); it carries subscriptions: review"
                    return self._give_up(batch, note, resendable=False)
                failures += 1
                if failures >= self.options.max_attempts:
                    note = f"no answer after {failures} attempts: {answer.reason}"
                    return self._give_up(batch, note, resendable=not (batch.guarded and maybe_sent))
                await asyncio.sleep(self.policy.backoff(failures))
                continue
            status = answer.status
            retry_after = self.policy.retry_after(answer.headers)
            self.submit_pacer.observe(status, answer.headers, retry_after)
            if 200 <= status <= 299:
                job_id = answer.body.get("batchJobId") if isinstance(answer.body, dict) else None
                if not isinstance(job_id, str) or not job_id:
                    note = f"HTTP {status} without a batchJobId: {answer.message}"
                    return self._give_up(batch, note, resendable=not batch.guarded)
                self.journal.submitted(batch.seq, job_id)
                self.counters.sent += len(batch)
                self.counters.last_sent = time.monotonic()
                self._follow(batch.seq, batch.lines, job_id, batch.guarded)
                return None
            if status == 429:
                throttled += 1
                if throttled >= self.options.max_throttled:
                    note = f"still rate limited after {throttled} attempts"
                    return self._give_up(batch, note, resendable=not (batch.guarded and maybe_sent))
                continue
            if 500 <= status <= 599:
                maybe_sent = True
                if batch.guarded:
                    note = (
                        f"HTTP {status} ({answer.message}); it carries subscriptions, so it is not sent again: review"
                    )
                    return self._give_up(batch, note, resendable=False)
                failures += 1
                if failures >= self.options.max_attempts:
                    return self._give_up(batch, f"HTTP {status} {failures} times: {answer.message}", resendable=True)
                await asyncio.sleep(retry_after if retry_after is not None else self.policy.backoff(failures))
                continue
            if status in (401, 403):
                self._stop = f"HTTP {status}: {answer.message}"
                # Refused at the door: nothing was stored, so a later run sends it again.
                return self._give_up(batch, f"not sent: {self._stop}", resendable=True)
            reason = f"batch refused with HTTP {status}: {answer.message}"
            self.journal.finish(batch.seq, BatchState.REJECTED, rejects=[(line, reason) for line in batch.lines])
            self.counters.confirmed += len(batch)
            return None

    # --- following jobs --------------------------------------------------------------------------------------

    def _follow(self, seq: int, lines: array[int], job_id: str, guarded: bool) -> None:
        self._jobs.put_nowait((seq, lines, job_id, guarded))

    async def _follower(self) -> None:
        while (job := await self._jobs.get()) is not None:
            await self._follow_job(*job)

    async def _follow_job(self, seq: int, lines: array[int], job_id: str, guarded: bool) -> None:
        interval = self.options.poll_interval
        failures = 0
        give_up_at = time.monotonic() + self.options.job_patience_seconds
        while time.monotonic() < give_up_at:
            await self.status_pacer.acquire_async()
            answer = await transport.job_status(self.client, job_id, self.policy)
            if isinstance(answer, transport.Answer):
                self.status_pacer.observe(answer.status, answer.headers, self.policy.retry_after(answer.headers))
            if isinstance(answer, transport.Answer) and answer.status == 200 and isinstance(answer.body, dict):
                state = answer.body.get("status")
                if state in TERMINAL:
                    if await self._settle(seq, lines, job_id, guarded, str(state), answer.body):
                        return
                    failures += 1
                else:
                    await asyncio.sleep(interval)
                    interval = min(interval * 1.5, self.options.max_poll_interval)
                    continue
            elif isinstance(answer, transport.Answer) and answer.status == 404:
                note = f"job {job_id} is unknown to the server (jobs are kept 14 days): {answer.message}"
                self.journal.finish(seq, BatchState.UNKNOWN, unknown=list(lines), resendable=not guarded, note=note)
                self.counters.confirmed += len(lines)
                return
            elif isinstance(answer, transport.Answer) and answer.status == 429:
                continue
            else:
                failures += 1
            if failures >= self.options.max_poll_failures:
                # Left as submitted: the job exists, a later run follows it up.
                return
            await asyncio.sleep(self.policy.backoff(min(failures, 6)))

    async def _settle(
        self, seq: int, lines: array[int], job_id: str, guarded: bool, state: str, body: dict[str, Any]
    ) -> bool:
        """Download a terminal job's results and record every line's outcome; False to try again later."""
        url = body.get("url")
        if not isinstance(url, str) or not url:
            if state == "COMPLETED":
                return False
            note = f"job {job_id} FAILED without per-record results: {body.get('message', '')}".rstrip(": ")
            self.journal.finish(seq, BatchState.UNKNOWN, unknown=list(lines), resendable=not guarded, note=note)
            self.counters.confirmed += len(lines)
            return True
        try:
            response = await transport.download(self.client, self.base_url, url, self.plain_http)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        results = reconcile_results(lines, response.text)
        note = f"job {job_id} {state}" + (": " + "; ".join(results.notes) if results.notes else "")
        self.journal.finish(
            seq,
            BatchState.DONE,
            accepted=results.accepted,
            rejects=results.rejected,
            unknown=results.unknown,
            note=note,
        )
        self.counters.confirmed += len(lines)
        return True

"""``BulkImport``: read, check, batch, submit under the rate limit in file order, follow every job, reconcile
every physical line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs
import httpx
from attentive_client import AuthenticatedClient
from attentive_client.runtime import ApiSpec, Pacer, Redactor
from attentive_client.runtime.sharing import ShareController

from ..json_exact import encode_exact
from . import transport
from .batching import BODY_ENVELOPE, MAX_BATCH_SIZE, Batch, Batcher, Valid
from .checks import LineChecker
from .csv_source import read_csv
from .inputfile import InputFacts, check_csv_header, input_facts
from .journal import BatchState, Journal, Outcome
from .lock import ImportLock, content_lock_path, default_lock_dir, journal_lock_path
from .ordering import Fate, OrderGate
from .report import ImportReport, build_report
from .results import reconcile_results
from .sources import LineKind, SourceLine, raw_excerpt, read_jsonl
from .validation import RecordValidator

SUBMIT_OPERATION = "postBulkUserAttributes"
STATUS_OPERATION = "getBulkJobStatus"
SETTLED_FLUSH = 1000
TERMINAL = frozenset({"COMPLETED", "FAILED"})
SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}
T = TypeVar("T")


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
    # SIGINT and SIGTERM stop the run cleanly (report written, resumable); only where the process is ours.
    handle_signals: bool = False
    # Records in batches handed on but not settled yet (their jobs still running, say); reading waits past this.
    # What the importer keeps per such record (its users' keys, for file order) is what bounds its memory: a slow
    # server slows the reading down instead of making the importer hold the file.
    max_unsettled_records: int = 65_536
    # Where the locks on input contents live (one importer per input); None: ``lock.default_lock_dir()``.
    lock_dir: Path | None = None

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
    """What the progress display shows, in physical lines."""

    total: int = 0
    read: int = 0
    sent: int = 0
    confirmed: int = 0
    handled: int = 0  # settled while reading, taken by the server, or settled without being taken
    jobs: int = 0
    jobs_finished: int = 0  # jobs followed to their end (or found gone)
    started: float = field(default_factory=time.monotonic)
    last_sent: float = 0.0  # when the latest batch was taken by the server
    records_sent: int = 0
    requests: int = 0  # bulk submits answered, whatever the status


# The option each journal setting comes from, so that a mismatch names what to change.
IDENTITY_LABELS = {
    "source": "the input file",
    "sha256": "the input's content (sha256)",
    "format": "--format",
    "columns": "--columns",
    "batch_size": "--batch-size",
    "max_body_bytes": "the spec's x-max-body-bytes",
}


def remove_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


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
        on_job: Callable[[int, str], None] | None = None,
    ) -> None:
        self.client = client
        self.base_url = base_url
        self.options = options
        # One owner of the spec's facts: the runtime, reading the spec the client carries (or the one given).
        self.api = ApiSpec.from_document(spec) if spec is not None else client.spec()
        self.checker = LineChecker(validator or RecordValidator(self.api))
        self.submit_operation = self.api.operation(SUBMIT_OPERATION)
        # Batches stay within the spec's body cap; a record that alone exceeds it is refused by its line.
        self.max_body_bytes = self.submit_operation.max_body_bytes
        self.max_record_bytes = None if self.max_body_bytes is None else self.max_body_bytes - BODY_ENVELOPE
        self.submit_pacer = self._pacer(SUBMIT_OPERATION)
        self.status_pacer = self._pacer(STATUS_OPERATION)
        # Others may spend the same token: the share follows what the server says is left of each window.
        self.submit_share = ShareController(self.submit_pacer, self.submit_pacer.rate)
        self.status_share = ShareController(self.status_pacer, self.status_pacer.rate)
        self.policy = client.retry_policy()
        self.redact = Redactor([client.token])
        self.counters = Counters()
        self.on_progress = on_progress
        self.on_job = on_job
        self._jobs: asyncio.Queue[tuple[Batch, str] | None] = asyncio.Queue()
        self._stop: str = ""
        self.signal: int | None = None
        self._unsettled = 0  # records of batches handed on and not settled yet

    def _pacer(self, operation_id: str) -> Pacer:
        rate = self.options.rate_limits.get(operation_id, self.api.operation(operation_id).rate_limit_per_second)
        if rate is None:
            raise ImportAborted(f"the spec gives {operation_id} no rate limit; pass one in ImportOptions.rate_limits")
        return Pacer(rate)

    def _guarded(self, record: dict[str, Any]) -> bool:
        """Whether a batch holding ``record`` must not be sent twice (the runtime's resend rule for the submit)."""
        return not self.submit_operation.is_item_resendable(record, "users", "*")

    # --- the run ---------------------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        return asyncio.run(self.run_async())

    async def run_async(self) -> ImportReport:
        # The run's clock starts here, not when the importer was built (a caller may build it well before).
        self.counters.started = time.monotonic()
        self._gate = OrderGate()
        self._stopped = asyncio.Event()
        self._room = asyncio.Event()
        # From the very start: a Ctrl-C while the input is hashed still ends in a report and exit 130.
        with self._signals():
            return await self._run()

    async def _run(self) -> ImportReport:
        options = self.options
        assert options.journal is not None and options.rejects is not None and options.report is not None
        with ImportLock() as lock:
            # The journal's lock before a byte of the input is read; the content's as soon as it is hashed.
            lock.take(journal_lock_path(options.journal), f"the journal {options.journal}")
            if options.input_format == "csv":
                check_csv_header(options.source, options.columns)
            facts = input_facts(options.source)
            where = options.lock_dir or default_lock_dir()
            lock.take(content_lock_path(where, facts.sha256), f"this input (sha256 {facts.sha256[:16]}...)")
            return await self._run_locked(facts)

    async def _run_locked(self, facts: InputFacts) -> ImportReport:
        options = self.options
        assert options.journal is not None and options.rejects is not None and options.report is not None
        self.counters.total = facts.lines
        identity = {
            "source": str(options.source.resolve()),
            "sha256": facts.sha256,
            "format": options.input_format,
            "columns": options.columns,
            "batch_size": options.batch_size,
            "max_body_bytes": self.max_body_bytes,
        }
        fresh = not options.journal.exists()
        with Journal(options.journal, self.redact) as journal:
            resumed = journal.bind(identity, IDENTITY_LABELS)
            self.journal = journal
            try:
                # Submits skip the client's check of the whole body: every record in it was checked against the
                # same runtime validator as it was read, and batches keep to the spec's count and byte caps, so
                # checking the body again would validate each record twice (a tenth of the import's CPU).
                submit_client = attrs.evolve(self.client, validate_requests=False)
                async with httpx.AsyncClient() as self.plain_http, submit_client as self.submit_client:
                    await self._pipeline()
            except BaseException:
                if fresh and not any(True for _ in journal.jobs()) and self.counters.records_sent == 0:
                    journal.close()
                    remove_journal(options.journal)  # nothing was sent: nothing to resume, nothing to block
                raise
            report = build_report(journal, options.source, facts.lines, options.rejects, stopped=bool(self._stop))
        report.resumed = resumed
        report.journal = str(options.journal)
        report.stopped = self._stop
        report.signal = self.signal
        report.requests_sent = self.counters.requests
        report.throttled = self.submit_pacer.throttled + self.status_pacer.throttled
        report.elapsed_seconds = round(time.monotonic() - self.counters.started, 3)
        if report.elapsed_seconds > 0:
            report.records_per_second = round(self.counters.records_sent / report.elapsed_seconds, 1)
        report.scrub(self.redact)
        options.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        return report

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        if not self.options.handle_signals:
            yield
            return
        loop = asyncio.get_running_loop()
        for number in SIGNALS:
            loop.add_signal_handler(number, self.stop, number)
        try:
            yield
        finally:
            for number in SIGNALS:
                loop.remove_signal_handler(number)

    def stop(self, number: int | None = None, reason: str = "") -> None:
        """Stop sending now: requests in flight are answered, nothing new leaves, the report is written."""
        if number is not None and self.signal is None:
            self.signal = number
        if not self._stop:
            self._stop = reason or f"interrupted ({SIGNALS.get(signal.Signals(number), number) if number else '?'})"
        self._stopped.set()
        self._gate.stop()

    async def _interruptible(self, waiting: Awaitable[T]) -> bool:
        """Wait for ``waiting`` unless the run stops first; False when it stopped."""
        if self._stop:
            return False
        task = asyncio.ensure_future(waiting)
        stopped = asyncio.ensure_future(self._stopped.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return False
        return True

    async def _pipeline(self) -> None:
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
            return read_csv(self.options.source, self.options.columns, self.max_record_bytes)
        return read_jsonl(self.options.source, self.max_record_bytes)

    def _valid_records(self) -> Generator[Valid, None, None]:
        """Valid records in file order; every other line is journalled with its outcome as it is read."""
        settled: list[tuple[int, str, str, str, int]] = []
        try:
            for line in self._source_lines():
                span = line.span
                self.counters.read += span
                if line.kind is LineKind.RECORD:
                    assert line.record is not None
                    reason = self.checker.reason(line.record)
                    if reason is None:
                        encoded = line.encoded or encode_exact(line.record)
                        size = len(encoded)
                        if self.max_record_bytes is None or size <= self.max_record_bytes:
                            yield Valid(line.line_no, span, line.record, size, encoded)
                            continue
                        reason = (
                            f"the record is {size} bytes as JSON, over the {self.max_record_bytes} bytes one record "
                            "may take in a request body (x-max-body-bytes): not sent"
                        )
                    raw = line.raw or _excerpt(line.record)
                    settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, reason, raw, span))
                elif line.kind is LineKind.BROKEN:
                    settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, line.reason, line.raw, span))
                else:
                    why = line.reason or "blank line"
                    settled.append((line.line_no, Outcome.SKIPPED.value, why, "", span))
                self.counters.confirmed += span
                self.counters.handled += span
                if len(settled) >= SETTLED_FLUSH:
                    self.journal.record_lines(settled)
                    settled = []
                if self._stop:
                    return
        finally:
            self.journal.record_lines(settled)

    async def _produce(self, queue: asyncio.Queue[Batch | None]) -> None:
        batcher = self._batcher = Batcher(self._guarded, self.options.batch_size, self.max_body_bytes)
        records = self._valid_records()
        try:
            for item in records:
                for batch in batcher.add(item):
                    await self._handle(queue, batch)
                if self._stop:
                    return  # lines in open batches are pending: the next run reads them again
        finally:
            records.close()  # journals the lines settled while reading, now rather than when collected
        for batch in batcher.finish():
            await self._handle(queue, batch)

    async def _handle(self, queue: asyncio.Queue[Batch | None], batch: Batch) -> None:
        """Send a batch, or pick up what the journal says an earlier run did with it."""
        if batch.parent is None:
            await self._wait_for_room()
            self._unsettled += len(batch)
            batch.in_window = True
        row = self.journal.batch(batch.seq)
        if row is not None and row.lines != batch.lines:
            raise ImportAborted(f"batch {batch.seq} in the journal holds other lines than the input gives now")
        lines = batch.physical_lines
        if row is None or (row.state is BatchState.SENDING and not row.guarded):
            await self._dispatch(queue, batch)
        elif row.state is BatchState.SPLIT:
            # Refused as too large by an earlier run and split: its parts carry on where they were.
            for part in self._resumed_parts(batch):
                await self._handle(queue, part)
        elif row.state is BatchState.SENDING:
            # Killed while this request was in flight: it may have reached the server, and it carries
            # subscriptions, so sending it again could text people twice.
            note = "the previous run stopped while this batch was being sent; it carries subscriptions: review"
            self._finish(batch, BatchState.UNKNOWN, Fate.UNKNOWN, unknown=list(batch.lines), note=note)
        elif row.state is BatchState.UNKNOWN and row.resendable:
            await self._dispatch(queue, batch)
        elif row.state is BatchState.SUBMITTED:
            assert row.job_id is not None
            self.counters.sent += lines
            self.counters.jobs += 1  # an earlier run's job, followed by this one
            self._handled(batch)
            self._follow(batch, row.job_id)
        else:
            self.counters.sent += lines
            self.counters.confirmed += lines
            self._settled(batch, Fate.UNKNOWN if row.state is BatchState.UNKNOWN else Fate.FINAL)
        # Reading is CPU work on the event loop: let the senders and followers run between batches.
        await asyncio.sleep(0)

    async def _wait_for_room(self) -> None:
        while self._unsettled >= self.options.max_unsettled_records and not self._stop:
            self._room.clear()
            await self._interruptible(self._room.wait())

    # --- settling --------------------------------------------------------------------------------------------

    def _resumed_parts(self, batch: Batch) -> list[Batch]:
        position = {line: index for index, line in enumerate(batch.lines)}
        parts = []
        for row in self.journal.parts(batch.seq):
            start = position[row.lines[0]]
            parts.append(batch.part(row.seq, start, start + len(row.lines)))
        batch.open_parts = len(parts)
        return parts

    def _handled(self, batch: Batch) -> None:
        if not batch.handled:
            batch.handled = True
            self.counters.handled += batch.physical_lines

    def _settled(self, batch: Batch, fate: Fate) -> None:
        self._handled(batch)
        if batch.parent is not None:
            self._part_settled(batch.parent, fate)
            return
        if batch.in_window:
            batch.in_window = False
            self._unsettled -= len(batch)
            self._room.set()
        self._gate.settle(batch.seq, fate)
        if fate is Fate.FINAL:
            self._batcher.forget(batch)  # later lines of its users need not wait for it any more
        elif fate is Fate.HELD:
            self._batcher.hold(batch)  # later lines of its users are left for the next run too

    def _part_settled(self, parent: Batch, fate: Fate) -> None:
        """A batch split for its size is settled when its last part is: held if any part is held (its users' later
        lines wait for the next run), else unknown if any part is."""
        if fate is Fate.HELD or (fate is Fate.UNKNOWN and parent.parts_fate is Fate.FINAL):
            parent.parts_fate = fate
        parent.open_parts -= 1
        if parent.open_parts == 0:
            parent.handled = True  # its lines were counted through its parts
            self._settled(parent, parent.parts_fate)

    def _finish(
        self,
        batch: Batch,
        state: BatchState,
        fate: Fate,
        *,
        rejects: list[tuple[int, str, str]] | None = None,
        unknown: list[int] | None = None,
        resendable: bool = False,
        note: str = "",
    ) -> None:
        self.journal.finish(
            batch.seq, state, batch.span_of(), rejects=rejects, unknown=unknown, resendable=resendable, note=note
        )
        self.counters.confirmed += batch.physical_lines
        self._settled(batch, fate)

    def _not_sent(self, batch: Batch, note: str) -> None:
        self.journal.not_sent(batch.seq, batch.lines, batch.guarded, note, batch.spans)
        self.counters.confirmed += batch.physical_lines
        self._settled(batch, Fate.HELD)

    def _give_up(self, batch: Batch, note: str, *, resendable: bool) -> None:
        fate = Fate.HELD if resendable else Fate.UNKNOWN
        self._finish(batch, BatchState.UNKNOWN, fate, unknown=list(batch.lines), resendable=resendable, note=note)

    # --- sending ---------------------------------------------------------------------------------------------

    async def _dispatch(self, queue: asyncio.Queue[Batch | None], batch: Batch) -> None:
        if self._stop:
            self._not_sent(batch, f"not sent: the run stopped ({self._stop})")
        else:
            await queue.put(batch)

    async def _sender(self, queue: asyncio.Queue[Batch | None]) -> None:
        while (batch := await queue.get()) is not None:
            clearance = await self._gate.clearance(batch.after)
            if self._stop or clearance.stopped:
                self._not_sent(batch, f"not sent: the run stopped ({self._stop})")
            elif clearance.held or batch.after_held:
                earlier = ", ".join(str(seq) for seq in clearance.held) or "left earlier"
                note = (
                    f"held back: an earlier line of the same user (batch {earlier}) was not applied in this run; "
                    "the next run sends both, in file order"
                )
                self._not_sent(batch, note)
            else:
                if clearance.unknown:
                    unknown = set(clearance.unknown)
                    self.journal.overtaken([(line, later) for seq, line, later in batch.follows if seq in unknown])
                try:
                    await self._submit(batch)
                except Exception as exc:  # a batch that breaks the importer is this batch's outcome, not the run's
                    note = self.redact(f"not sent: {type(exc).__name__}: {exc}")
                    self._give_up(batch, note, resendable=not batch.guarded)

    async def _submit(self, batch: Batch, *, follow: bool = True) -> str | None:
        """Send a batch until the server takes it (its job id: followed here unless ``follow`` is False) or its
        outcome is settled (None)."""
        self.journal.start_sending(batch.seq, batch.lines, batch.guarded, batch.spans)
        failures = throttled = 0
        maybe_sent = False
        while True:
            if not await self._interruptible(self.submit_pacer.acquire_async()):
                note = f"not sent: the run stopped ({self._stop})"
                self._give_up(batch, note, resendable=not (batch.guarded and maybe_sent))
                return None
            sent_at = time.monotonic()
            self.submit_share.sent(sent_at)
            records = self._records(batch)
            answer = await transport.submit(self.submit_client, records, self.policy, batch.body_bytes, batch.encoded)
            if isinstance(answer, transport.TooLarge):
                await self._split(batch, answer.reason)
                return None
            if isinstance(answer, transport.NoAnswer):
                maybe_sent = maybe_sent or answer.maybe_sent
                if answer.maybe_sent and batch.guarded:
                    note = f"no answer after sending ({answer.reason}); it carries subscriptions: review"
                    self._give_up(batch, note, resendable=False)
                    return None
                failures += 1
                if failures >= self.options.max_attempts:
                    note = f"no answer after {failures} attempts: {answer.reason}"
                    self._give_up(batch, note, resendable=not (batch.guarded and maybe_sent))
                    return None
                if not await self._interruptible(asyncio.sleep(self.policy.backoff(failures))):
                    self._give_up(batch, f"not sent again: the run stopped ({self._stop})", resendable=True)
                    return None
                continue
            status = answer.status
            retry_after = self.policy.retry_after(answer.headers)
            self.submit_pacer.observe(status, answer.headers, retry_after)
            self.submit_share.observe(status, answer.headers, sent_at)
            self.counters.requests += 1
            if 200 <= status <= 299:
                job_id = answer.body.get("batchJobId") if isinstance(answer.body, dict) else None
                if not isinstance(job_id, str) or not job_id or self.redact(job_id) != job_id:
                    # An id that carries a credential would have to be stored to be followed: it is not used.
                    note = f"HTTP {status} without a usable batchJobId: {answer.message}"
                    self._give_up(batch, note, resendable=not batch.guarded)
                    return None
                self.journal.submitted(batch.seq, job_id, batch.records, batch.encoded)
                self._shed(batch)
                self.counters.sent += batch.physical_lines
                self._handled(batch)
                self.counters.records_sent += len(batch)
                self.counters.jobs += 1
                self.counters.last_sent = time.monotonic()
                if self.on_job is not None:
                    self.on_job(batch.seq, job_id)
                if follow:
                    self._follow(batch, job_id)
                return job_id
            if status == 429:
                throttled += 1
                if throttled >= self.options.max_throttled:
                    note = f"still rate limited after {throttled} attempts"
                    self._give_up(batch, note, resendable=not (batch.guarded and maybe_sent))
                    return None
                continue
            if 500 <= status <= 599:
                maybe_sent = True
                if batch.guarded:
                    note = (
                        f"HTTP {status} ({answer.message}); it carries subscriptions, so it is not sent again: review"
                    )
                    self._give_up(batch, note, resendable=False)
                    return None
                failures += 1
                if failures >= self.options.max_attempts:
                    self._give_up(batch, f"HTTP {status} {failures} times: {answer.message}", resendable=True)
                    return None
                delay = retry_after if retry_after is not None else self.policy.backoff(failures)
                if not await self._interruptible(asyncio.sleep(delay)):
                    self._give_up(batch, f"not sent again: the run stopped ({self._stop})", resendable=True)
                    return None
                continue
            if status in (401, 403):
                self.stop(reason=f"HTTP {status}: {answer.message}")
                # Refused at the door: nothing was stored, so a later run sends it again.
                self._give_up(batch, f"not sent: {self._stop}", resendable=True)
                return None
            reason = f"batch refused with HTTP {status}: {answer.message}"
            pairs = zip(batch.lines, self._records(batch), strict=True)
            rejects = [(line, reason, _excerpt(record)) for line, record in pairs]
            self._finish(batch, BatchState.REJECTED, Fate.FINAL, rejects=rejects)
            return None

    async def _split(self, batch: Batch, reason: str) -> None:
        """A body refused for its size was not applied: send it again in two halves (each split again if need be),
        or, for a single record, refuse that record by its line."""
        if len(batch) == 1:
            note = f"refused for its size: {reason}"
            self._finish(
                batch,
                BatchState.REJECTED,
                Fate.FINAL,
                rejects=[(batch.lines[0], note, _excerpt(self._records(batch)[0]))],
            )
            return
        middle = len(batch) // 2
        first = self.journal.next_part_seq()
        parts = [batch.part(first, 0, middle), batch.part(first - 1, middle, len(batch))]
        note = f"sent again in {len(parts)} parts (batches {first}, {first - 1}): {reason}"
        self.journal.split(batch.seq, [(part.seq, part.lines, part.spans) for part in parts], batch.guarded, note)
        batch.open_parts = len(parts)
        for part in parts:
            try:
                await self._submit(part)
            except Exception as exc:  # as in ``_sender``: this part's outcome, not the run's
                self._give_up(part, self.redact(f"not sent: {type(exc).__name__}: {exc}"), resendable=not part.guarded)

    def _shed(self, batch: Batch) -> None:
        """Taken by the server: the records wait in the journal, not in memory, while the job runs (a slow server
        must not make the importer hold the whole file)."""
        batch.records = []
        batch.encoded = []
        batch.key_lines = {}

    def _records(self, batch: Batch) -> list[dict[str, Any]]:
        if not batch.records and len(batch):
            kept = self.journal.kept_records(batch.seq)
            if kept is None:
                raise ImportAborted(f"batch {batch.seq}: its records are not in the journal any more")
            batch.records = kept
        return batch.records

    # --- following jobs --------------------------------------------------------------------------------------

    def _follow(self, batch: Batch, job_id: str) -> None:
        self._jobs.put_nowait((batch, job_id))

    async def _follower(self) -> None:
        while (job := await self._jobs.get()) is not None:
            batch, job_id = job
            if self._stop or not await self._follow_job(batch, job_id):
                # Left as submitted: the job exists, a later run follows it up; lines waiting for it wait too.
                self._settled(batch, Fate.HELD)

    async def _follow_job(self, batch: Batch, job_id: str) -> bool:
        """Follow a job to its end and settle the batch; False when this run leaves it open."""
        interval = self.options.poll_interval
        failures = 0
        give_up_at = time.monotonic() + self.options.job_patience_seconds
        while time.monotonic() < give_up_at:
            if not await self._interruptible(self.status_pacer.acquire_async()):
                return False
            sent_at = time.monotonic()
            self.status_share.sent(sent_at)
            answer = await transport.job_status(self.client, job_id, self.policy)
            if isinstance(answer, transport.Answer):
                self.status_pacer.observe(answer.status, answer.headers, self.policy.retry_after(answer.headers))
                self.status_share.observe(answer.status, answer.headers, sent_at)
            if isinstance(answer, transport.Answer) and answer.status == 200 and isinstance(answer.body, dict):
                state = answer.body.get("status")
                if state in TERMINAL:
                    verdict = await self._settle(batch, job_id, str(state), answer.body)
                    if verdict == "settled":
                        return True
                    if verdict == "resend":
                        # The job did nothing and the batch may be sent again: send it now, and follow the new job.
                        batch.resent += 1
                        new_job = await self._submit(batch, follow=False)
                        if new_job is None:
                            return True  # settled while sending (given up, refused, or the run stopped)
                        job_id, interval, failures = new_job, self.options.poll_interval, 0
                        continue
                    failures += 1
                else:
                    if not await self._interruptible(asyncio.sleep(interval)):
                        return False
                    interval = min(interval * 1.5, self.options.max_poll_interval)
                    continue
            elif isinstance(answer, transport.Answer) and answer.status == 404:
                note = f"job {job_id} is unknown to the server (jobs are kept 14 days): {answer.message}"
                self._give_up(batch, note, resendable=not batch.guarded)
                self.counters.jobs_finished += 1
                return True
            elif isinstance(answer, transport.Answer) and answer.status == 429:
                continue
            else:
                failures += 1
            if failures >= self.options.max_poll_failures:
                return False
            if not await self._interruptible(asyncio.sleep(self.policy.backoff(min(failures, 6)))):
                return False
        return False

    async def _settle(
        self, batch: Batch, job_id: str, state: str, body: dict[str, Any]
    ) -> Literal["settled", "retry", "resend"]:
        """Download a terminal job's results and record every line's outcome: "settled"; "retry" to look again
        later; "resend" when the job failed as a whole and the batch may be sent again."""
        url = body.get("url")
        if not isinstance(url, str) or not url:
            if state == "COMPLETED":
                return "retry"
            if not batch.guarded and batch.resent < self.options.max_attempts:
                self.counters.jobs_finished += 1  # that job is over; the batch's next one is counted when taken
                return "resend"
            note = f"job {job_id} FAILED without per-record results: {body.get('message', '')}".rstrip(": ")
            self._give_up(batch, note, resendable=not batch.guarded)
            self.counters.jobs_finished += 1
            return "settled"
        try:
            response = await transport.download(self.client, self.base_url, url, self.plain_http)
        except httpx.HTTPError:
            return "retry"
        if response.status_code != 200:
            return "retry"
        results = reconcile_results(batch.lines, response.text)
        note = f"job {job_id} {state}" + (": " + "; ".join(results.notes) if results.notes else "")
        inputs = dict(zip(batch.lines, self._records(batch), strict=True))
        rejects = [(line, reason, _excerpt(inputs[line])) for line, reason in results.rejected]
        fate = Fate.UNKNOWN if results.unknown else Fate.FINAL
        self._finish(batch, BatchState.DONE, fate, rejects=rejects, unknown=results.unknown, note=note)
        self.counters.jobs_finished += 1
        return "settled"


def _excerpt(record: Any) -> str:
    try:
        return raw_excerpt(json.dumps(record, ensure_ascii=False))
    except (ValueError, RecursionError):
        return ""

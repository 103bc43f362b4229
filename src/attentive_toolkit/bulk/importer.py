"""``BulkImport``: read, check, batch, hand each batch to the sender in file order, let the follower follow every
job, reconcile every physical line. The parts with a job of their own: ``sending.BatchSender``,
``following.JobFollower``, ``ledger.Ledger`` (outcomes, counts, releases), ``pace.OperationPace``."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs
from attentive_client import AuthenticatedClient
from attentive_client.runtime import ApiSpec, Pacer, Redactor
from attentive_client.runtime.bulk_jobs import STATUS_OPERATION, SUBMIT_OPERATION, users_per_job

from ..json_exact import encode_exact
from .batching import BODY_ENVELOPE, Batch, Batcher
from .checks import LineChecker
from .csv_source import read_csv
from .following import FollowLimits, JobFollower
from .inputfile import InputFacts, check_csv_header, input_facts
from .journal import BatchRow, BatchState, Journal, Outcome
from .ledger import Counters, ImportAborted, Ledger, excerpt
from .lock import ImportLock, content_lock_path, default_lock_dir, journal_lock_path
from .ordering import Fate, OrderGate
from .pace import OperationPace
from .record_check import RecordValidator
from .report import ImportReport, build_report
from .sending import BatchSender, SendLimits
from .sources import LineKind, RecordRun, SourceLine, read_jsonl_runs
from .stopping import SIGNALS, StopSwitch

__all__ = ["BulkImport", "Counters", "ImportAborted", "ImportOptions"]

SETTLED_FLUSH = 1000
# Where one record sits in the bulk submit's body: the runtime's resend rule is asked there.
USER_ITEM = ("users", "*")
YOUNG_COLLECTION_EVERY = 10_000
# Records are checked against the schema in runs this long (lines) or this large (bytes as JSON, bounding memory).
CHECK_RUN_LINES = 256
CHECK_RUN_BYTES = 1 << 20
# A run of records read together with a record not to send in it is checked again in parts this long, so that only
# the lines of a failing part are checked one by one.
RECHECK_LINES = 16


@dataclass
class ImportOptions:
    source: Path
    input_format: str | None = None  # "jsonl" or "csv"; from the file's suffix when None
    columns: list[str] | None = None  # CSV column mapping replacing the header row's names
    journal_path: Path | None = None
    rejects: Path | None = None
    report: Path | None = None
    batch_size: int | None = None  # None: as many as the spec lets one job hold (its maxItems)
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
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError("batch size must be at least 1")
        base = self.source.with_name(self.source.name)
        self.journal_path = self.journal_path or base.with_name(base.name + ".journal.sqlite")
        self.rejects = self.rejects or base.with_name(base.name + ".rejects.jsonl")
        self.report = self.report or base.with_name(base.name + ".report.json")
        self._refuse_shared_files()

    def _refuse_shared_files(self) -> None:
        """The input, journal, rejects and report are four different files: writing one over another loses it."""
        seen: dict[Path, str] = {}
        for name, role in FILE_ROLES.items():
            path: Path = getattr(self, name)
            where = path.resolve()
            if where in seen:
                raise ValueError(f"{seen[where]} and {role} are the same file ({path}); give each its own")
            seen[where] = role


# Each file an import reads or writes, as the message about two of them sharing a path names it.
FILE_ROLES = {
    "source": "the input (SOURCE)",
    "journal_path": "the journal (--journal)",
    "rejects": "the rejects (--rejects)",
    "report": "the report (--report)",
}


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


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """The garbage collector's young generation collected every ``YOUNG_COLLECTION_EVERY`` allocations instead of
    every 700, for the run only. An import allocates a few containers per record (the parsed record itself) and
    makes few reference cycles, so most collections free nothing: at 700 they cost ~3 us per record, a tenth of the
    importer's CPU. The cycles it does make (a sent batch's asyncio task and frames hold its body) wait for the next
    collection, so a much higher threshold raises the peak memory: 10,000 keeps the peak where 700 has it, at the CPU
    of far fewer collections (tox -e bench -- bulk_import measures both). What is alive before the run (the spec,
    its validators, modules) is left out of every collection until the run ends (``gc.freeze``)."""
    thresholds = gc.get_threshold()
    # A host process that froze objects of its own keeps its freeze as it was: then nothing is frozen here.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


@dataclass
class RunParts:
    """What one run is made of, once its journal is open."""

    ledger: Ledger
    sender: BatchSender
    follower: JobFollower
    queue: asyncio.Queue[Batch | None]


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
        self.options = options
        # One owner of the spec's facts: the runtime, reading the spec the client carries (or the one given).
        self.api = ApiSpec.from_document(spec) if spec is not None else client.spec()
        # A copy of the caller's client, entered and closed by each run (the caller's stays open): it carries the
        # spec given here, so the body cap it holds sends to is the importer's too.
        self.client = attrs.evolve(client, api=self.api)
        self.base_url = base_url
        self.checker = LineChecker(validator or RecordValidator(self.api))
        self.submit_operation = self.api.operation(SUBMIT_OPERATION)
        self.batch_size = self._batch_size()
        # Batches stay within the spec's body cap; a record that alone exceeds it is refused by its line.
        self.max_body_bytes = self.submit_operation.max_body_bytes
        self.max_record_bytes = None if self.max_body_bytes is None else self.max_body_bytes - BODY_ENVELOPE
        self.submit_pace = OperationPace(self.client, self.submit_operation, options.rate_limits)
        self.status_pace = OperationPace(self.client, self.api.operation(STATUS_OPERATION), options.rate_limits)
        self.redact = Redactor([client.token])
        self.counters = Counters()
        self.on_progress = on_progress
        self.on_job = on_job
        self.gate = OrderGate()
        self.stopping = StopSwitch(self.gate)
        self.batcher = Batcher(self._guarded, self.batch_size, self.max_body_bytes, self._guard_keys())

    def _batch_size(self) -> int:
        most = users_per_job(self.api)
        wanted = self.options.batch_size or most
        if not 1 <= wanted <= most:
            raise ValueError(f"batch size must be between 1 and {most} (the spec's users per bulk job)")
        return wanted

    @property
    def submit_pacer(self) -> Pacer:
        return self.submit_pace.pacer

    @property
    def signal(self) -> int | None:
        return self.stopping.signal

    def _guarded(self, record: dict[str, Any]) -> bool:
        """Whether a batch holding ``record`` must not be sent twice (the runtime's resend rule for the submit)."""
        return not self.submit_operation.is_item_resendable(record, *USER_ITEM)

    def _guard_keys(self) -> frozenset[str] | None:
        """The keys of a record under which the runtime's resend guards for a submitted user start: a record with
        none of them is resendable (asked of the runtime only for the others). None when a record without any
        may be unresendable (an operation not idempotent, a guard on the whole user)."""
        operation, item = self.submit_operation, USER_ITEM
        if not operation.is_item_resendable({}, *item):
            return None
        heads = set()
        for guard in operation.resend_guards():
            if guard[: len(item)] == item:
                if len(guard) == len(item):
                    return None
                heads.add(guard[len(item)])
        return frozenset(heads)

    # --- the run ---------------------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        return asyncio.run(self.run_async())

    async def run_async(self) -> ImportReport:
        # The run's clock starts here, not when the importer was built (a caller may build it well before).
        self.counters.started = time.monotonic()
        # From the very start: a Ctrl-C while the input is hashed still ends in a report and exit 130.
        with self._signals(), fewer_collections():
            return await self._run_locked()

    def stop(self, number: int | None = None, reason: str = "") -> None:
        """Stop sending now: requests in flight are answered, nothing new leaves, the report is written."""
        self.stopping.stop(number, reason)

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

    async def _run_locked(self) -> ImportReport:
        options = self.options
        assert options.journal_path is not None
        with ImportLock() as lock:
            # The journal's lock before a byte of the input is read; the content's as soon as it is hashed.
            lock.take(journal_lock_path(options.journal_path), f"the journal {options.journal_path}")
            if options.input_format == "csv":
                check_csv_header(options.source, options.columns)
            facts = input_facts(options.source)
            where = options.lock_dir or default_lock_dir()
            lock.take(content_lock_path(where, facts.sha256), f"this input (sha256 {facts.sha256[:16]}...)")
            return await self._run_journalled(facts)

    async def _run_journalled(self, facts: InputFacts) -> ImportReport:
        options = self.options
        assert options.journal_path is not None and options.rejects is not None
        self.counters.total = facts.lines
        fresh = not options.journal_path.exists()
        with Journal(options.journal_path, self.redact) as journal:
            resumed = journal.bind(self._identity(facts), IDENTITY_LABELS)
            try:
                await self._import(journal)
            except BaseException:
                if fresh and not any(True for _ in journal.jobs()) and self.counters.records_sent == 0:
                    journal.close()
                    remove_journal(options.journal_path)  # nothing was sent: nothing to resume, nothing to block
                raise
            stopped = bool(self.stopping)
            report = build_report(journal, options.source, facts.lines, options.rejects, stopped=stopped)
        report.resumed = resumed
        return self._finish_report(report)

    def _identity(self, facts: InputFacts) -> dict[str, Any]:
        return {
            "source": str(self.options.source.resolve()),
            "sha256": facts.sha256,
            "format": self.options.input_format,
            "columns": self.options.columns,
            "batch_size": self.batch_size,
            "max_body_bytes": self.max_body_bytes,
        }

    def _finish_report(self, report: ImportReport) -> ImportReport:
        assert self.options.report is not None
        report.journal = str(self.options.journal_path)
        report.stopped = self.stopping.reason
        report.signal = self.stopping.signal
        report.requests_sent = self.counters.requests
        report.throttled = self.submit_pace.pacer.throttled + self.status_pace.pacer.throttled
        report.elapsed_seconds = round(time.monotonic() - self.counters.started, 3)
        if report.elapsed_seconds > 0:
            report.records_per_second = round(self.counters.records_sent / report.elapsed_seconds, 1)
        report.scrub(self.redact)
        self.options.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        return report

    async def _import(self, journal: Journal) -> None:
        options = self.options
        ledger = Ledger(journal, self.counters, self.gate, self.batcher, options.max_unsettled_records)
        send_limits = SendLimits(options.max_attempts, options.max_throttled, options.concurrency)
        sender = BatchSender(self.client, ledger, self.gate, self.stopping, self.submit_pace, send_limits, self.redact)
        follow_limits = FollowLimits(
            options.poll_interval,
            options.max_poll_interval,
            options.max_poll_failures,
            options.job_patience_seconds,
            max_resends=options.max_attempts,
        )
        follower = JobFollower(self.client, ledger, self.stopping, self.status_pace, sender, follow_limits)
        sender.on_taken = self._on_taken(follower)
        parts = RunParts(ledger, sender, follower, asyncio.Queue(maxsize=options.concurrency))
        try:
            async with self.client:
                await self._pipeline(parts)
        finally:
            await follower.aclose()

    def _on_taken(self, follower: JobFollower) -> Callable[[Batch, str], None]:
        def taken(batch: Batch, job_id: str) -> None:
            if self.on_job is not None:
                self.on_job(batch.seq, job_id)
            follower.follow(batch, job_id)

        return taken

    async def _pipeline(self, parts: RunParts) -> None:
        senders = [asyncio.create_task(parts.sender.drain(parts.queue)) for _ in range(self.options.concurrency)]
        followers = [asyncio.create_task(parts.follower.drain()) for _ in range(self.options.followers)]
        ticker = asyncio.create_task(self._tick()) if self.on_progress else None
        try:
            await self._produce(parts)
        finally:
            for _ in senders:
                await parts.queue.put(None)
            await asyncio.gather(*senders)
            for _ in followers:
                parts.follower.end()
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

    def _source_lines(self) -> Iterator[SourceLine | RecordRun]:
        if self.options.input_format == "csv":
            return read_csv(self.options.source, self.options.columns, self.max_record_bytes)
        return read_jsonl_runs(self.options.source, self.max_record_bytes)

    def _batches_read(self, journal: Journal) -> Generator[Sequence[Batch], None, None]:
        """The batches each input line closes, in file order; every line not sent is journalled with its outcome
        as it is read (in runs of ``SETTLED_FLUSH``)."""
        settled: list[tuple[int, str, str, str, int]] = []
        add, add_run, counters = self.batcher.add, self.batcher.add_run, self.counters
        try:
            for run, schema_checked in self._checked_runs():
                if isinstance(run, RecordRun):  # every line of it a record to send
                    counters.read += len(run.records)
                    if closed := add_run(run.first_line, run.records, run.encoded):
                        yield closed
                    continue
                for line in run:
                    span = line.span
                    counters.read += span
                    if line.kind is LineKind.RECORD:
                        refusal = self._refusal(line, schema_checked)
                        if refusal is None:
                            assert line.record is not None
                            if closed := add(line.line_no, span, line.record, line.encoded):
                                yield closed
                            continue
                        settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, refusal, line.raw, span))
                    elif line.kind is LineKind.BROKEN:
                        settled.append((line.line_no, Outcome.REJECTED_LOCALLY.value, line.reason, line.raw, span))
                    else:
                        settled.append((line.line_no, Outcome.SKIPPED.value, line.reason or "blank line", "", span))
                    counters.confirmed += span
                    counters.handled += span
                    if len(settled) >= SETTLED_FLUSH:
                        journal.record_lines(settled)
                        settled = []
                    if self.stopping:
                        return
        finally:
            journal.record_lines(settled)

    def _checked_runs(self) -> Iterator[tuple[list[SourceLine] | RecordRun, bool]]:
        """The input's lines in runs of up to ``CHECK_RUN_LINES`` lines and ``CHECK_RUN_BYTES`` bytes of records,
        each with whether all its records pass the schema, asked once for the run. A ``RecordRun`` read together
        comes whole when every record of it is to be sent (checked at once), else as its lines in parts."""
        run: list[SourceLine] = []
        size = 0
        for line in self._source_lines():
            if isinstance(line, RecordRun) or (line.record is not None and not line.encoded):
                # A run read together is checked on its own. A record not encoded while read (a CSV row, a line the
                # strict parser read) has an unknown size, so it is checked on its own rather than held in a run.
                if run:
                    yield run, self._all_valid(run)
                    run, size = [], 0
                if isinstance(line, RecordRun):
                    yield from self._record_run(line)
                else:
                    yield [line], False
                continue
            run.append(line)
            size += len(line.encoded)
            if len(run) >= CHECK_RUN_LINES or size >= CHECK_RUN_BYTES:
                yield run, self._all_valid(run)
                run, size = [], 0
        if run:
            yield run, self._all_valid(run)

    def _record_run(self, run: RecordRun) -> Iterator[tuple[list[SourceLine] | RecordRun, bool]]:
        """``run`` whole when all of it is to be sent, else its lines in parts of ``RECHECK_LINES``."""
        limit = self.max_record_bytes
        fits = limit is None or max(map(len, run.encoded)) <= limit
        if fits and self.checker.all_to_send(run.records, run.printable):
            yield run, True
            return
        lines = run.lines()
        for start in range(0, len(lines), RECHECK_LINES):
            part = lines[start : start + RECHECK_LINES]
            yield part, self._all_valid(part)

    def _all_valid(self, run: list[SourceLine]) -> bool:
        return self.checker.all_valid([line.record for line in run if line.record is not None])

    def _refusal(self, line: SourceLine, schema_checked: bool) -> str | None:
        """Why a parsed record is not sent, or None; encodes it (``line.encoded``) when reading did not."""
        assert line.record is not None
        reason = self.checker.reason(line.record, schema_checked)
        if reason is None:
            encoded = line.encoded = line.encoded or encode_exact(line.record)
            if self.max_record_bytes is None or len(encoded) <= self.max_record_bytes:
                return None
            reason = (
                f"the record is {len(encoded)} bytes as JSON, over the {self.max_record_bytes} bytes one record "
                "may take in a request body (x-max-body-bytes): not sent"
            )
        line.raw = line.raw or excerpt(line.record)
        return reason

    async def _produce(self, parts: RunParts) -> None:
        batches = self._batches_read(parts.ledger.journal)
        try:
            for closed in batches:
                for batch in closed:
                    await self._route(parts, batch)
                if self.stopping:
                    return  # lines in open batches are pending: the next run reads them again
        finally:
            batches.close()  # journals the lines settled while reading, now rather than when collected
        for batch in self.batcher.finish():
            await self._route(parts, batch)

    async def _route(self, parts: RunParts, batch: Batch) -> None:
        """Send a batch, or pick up what the journal says an earlier run did with it."""
        ledger = parts.ledger
        if batch.parent is None:
            while not ledger.has_room() and not self.stopping:
                await self.stopping.wait_unless_stopped(ledger.room())
            ledger.admit(batch)
        row = ledger.journal.batch(batch.seq)
        if row is not None and row.lines != batch.lines:
            raise ImportAborted(f"batch {batch.seq} in the journal holds other lines than the input gives now")
        if (
            row is None
            or (row.state is BatchState.SENDING and not row.guarded)
            or (row.state is BatchState.UNKNOWN and row.resendable)
        ):
            await self._hand_on(parts, batch)
        else:
            await self._resume(parts, batch, row)
        # Reading is CPU work on the event loop: let the senders and followers run between batches.
        await asyncio.sleep(0)

    async def _hand_on(self, parts: RunParts, batch: Batch) -> None:
        if self.stopping:
            parts.ledger.not_sent(batch, f"not sent: the run stopped ({self.stopping.reason})")
        else:
            await parts.queue.put(batch)

    async def _resume(self, parts: RunParts, batch: Batch, row: BatchRow) -> None:
        """Carry on from what an earlier run did with ``batch``."""
        ledger, lines = parts.ledger, batch.physical_lines
        if row.state is BatchState.SPLIT:
            # Refused as too large by an earlier run and split: its parts carry on where they were.
            for part in self._resumed_parts(ledger.journal, batch):
                await self._route(parts, part)
        elif row.state is BatchState.SENDING:
            # Killed while this request was in flight: it may have reached the server, and it carries
            # subscriptions, so sending it again could text people twice.
            note = "the previous run stopped while this batch was being sent; it carries subscriptions: review"
            ledger.record_outcome(batch, BatchState.UNKNOWN, Fate.UNKNOWN, unknown=list(batch.lines), note=note)
        elif row.state is BatchState.SUBMITTED:
            assert row.job_id is not None
            self.counters.sent += lines
            self.counters.jobs += 1  # an earlier run's job, followed by this one
            ledger.mark_taken(batch)
            parts.follower.follow(batch, row.job_id)
        else:
            self.counters.sent += lines
            self.counters.confirmed += lines
            ledger.release(batch, Fate.UNKNOWN if row.state is BatchState.UNKNOWN else Fate.FINAL)

    @staticmethod
    def _resumed_parts(journal: Journal, batch: Batch) -> list[Batch]:
        position = {line: index for index, line in enumerate(batch.lines)}
        parts = []
        for row in journal.parts(batch.seq):
            start = position[row.lines[0]]
            parts.append(batch.part(row.seq, start, start + len(row.lines)))
        batch.open_parts = len(parts)
        return parts

"""Sending batches: each in file order (after the earlier batches of its users), paced, one attempt at a time
until the server takes it or its outcome is settled. When to try again is the runtime's decision."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from attentive_client import AuthenticatedClient
from attentive_client.runtime import Redactor
from attentive_client.runtime.calls import EncodedJson

from ..json_exact import encode_exact
from . import exchange
from .batching import Batch
from .exchange import NoAnswer, Reply, TooLarge
from .flights import Flights
from .journal import BatchState
from .ledger import Ledger, excerpt
from .ordering import Fate, OrderGate
from .pace import OperationPace
from .stopping import StopSwitch


class Next(Enum):
    ATTEMPT = "attempt"  # send the batch again


@dataclass(slots=True)
class Tries:
    """One batch's attempts so far: failures (5xx, no answer), 429s, and whether any may have reached the server."""

    failures: int = 0
    throttled: int = 0
    maybe_sent: bool = False


@dataclass(frozen=True, slots=True)
class SendLimits:
    max_attempts: int  # a batch's attempts on a 5xx or a failed connection; 429s count apart
    max_throttled: int
    concurrency: int = 1  # the most requests in flight at once


class BatchSender:
    """``drain`` sends the batches of a queue; ``send`` one batch. A taken batch's job goes to ``on_taken``."""

    def __init__(
        self,
        client: AuthenticatedClient,
        ledger: Ledger,
        gate: OrderGate,
        stop: StopSwitch,
        pace: OperationPace,
        limits: SendLimits,
        redact: Redactor,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._gate = gate
        self._stop = stop
        self._pace = pace
        self._limits = limits
        self._redact = redact
        self._policy = client.retry_policy()
        # Requests in flight: as many as the pace needs, at most ``limits.concurrency``. Sized for the whole budget
        # even while the token is shared: a share that grows, or catches up after a stall, is not held back.
        self._flights = Flights(limits.concurrency, lambda: max(pace.pacer.rate, pace.share.budget))
        self.on_taken: Callable[[Batch, str], None] = lambda batch, job_id: None

    async def drain(self, queue: asyncio.Queue[Batch | None]) -> None:
        while (batch := await queue.get()) is not None:
            await self._send_in_order(batch)

    async def _send_in_order(self, batch: Batch) -> None:
        clearance = await self._gate.clearance(batch.after)
        if self._stop or clearance.stopped:
            self._ledger.not_sent(batch, f"not sent: the run stopped ({self._stop.reason})")
        elif clearance.held or batch.after_held:
            earlier = ", ".join(str(seq) for seq in clearance.held) or "left earlier"
            note = (
                f"held back: an earlier line of the same user (batch {earlier}) was not applied in this run; "
                "the next run sends both, in file order"
            )
            self._ledger.not_sent(batch, note)
        else:
            if clearance.unknown:
                unknown = set(clearance.unknown)
                self._ledger.journal.overtaken([(line, later) for seq, line, later in batch.follows if seq in unknown])
            await self.send(batch)

    async def send(self, batch: Batch, *, follow: bool = True) -> str | None:
        """Send ``batch`` until the server takes it (its job id, handed to ``on_taken`` unless ``follow`` is False)
        or its outcome is settled (None). A batch that breaks the importer is this batch's outcome, not the run's."""
        try:
            return await self._send(batch, follow)
        except Exception as exc:
            note = self._redact(f"not sent: {type(exc).__name__}: {exc}")
            self._ledger.give_up(batch, note, resendable=not batch.guarded)
            return None

    async def _send(self, batch: Batch, follow: bool) -> str | None:
        self._ledger.journal.start_sending(batch.seq, batch.lines, batch.guarded, batch.spans)
        tries = Tries()
        while True:
            answer = await self._attempt(batch)
            if answer is None:
                note = f"not sent: the run stopped ({self._stop.reason})"
                self._ledger.give_up(batch, note, resendable=not (batch.guarded and tries.maybe_sent))
                return None
            step = await self._after(batch, answer, tries, follow)
            if step is not Next.ATTEMPT:
                return step

    async def _attempt(self, batch: Batch) -> Reply | NoAnswer | TooLarge | None:
        """One request, paced, in one of the places in flight (given back before any wait for a retry or a split);
        None when the run stopped before it left."""
        flights = self._flights
        if not await self._stop.wait_unless_stopped(flights.take()):
            return None
        round_trip = None
        try:
            sent_at = await self._pace.slot(self._stop)
            if sent_at is None:
                return None
            answer = await exchange.submit(self._client, self._body(batch), self._policy, batch.body_bytes)
            self._pace.observe(answer, sent_at)
            round_trip = time.monotonic() - sent_at
            return answer
        finally:
            flights.give_back(round_trip)

    def _body(self, batch: Batch) -> EncodedJson:
        records = self._ledger.records(batch)
        if len(batch.encoded) != len(records):  # records read back from the journal: encoded again, once
            batch.encoded = [encode_exact(record) for record in records]
        return exchange.users_body(records, batch.encoded)

    async def _after(
        self, batch: Batch, answer: Reply | NoAnswer | TooLarge, tries: Tries, follow: bool
    ) -> str | Next | None:
        if isinstance(answer, TooLarge):
            await self.split(batch, answer.reason)
            return None
        if isinstance(answer, NoAnswer):
            return await self._after_no_answer(batch, answer, tries)
        self._ledger.counters.requests += 1
        status = answer.status
        if 200 <= status <= 299:
            return self._taken(batch, answer, follow)
        if status == 429:
            return await self._after_throttled(batch, answer, tries)
        if 500 <= status <= 599:
            return await self._after_server_error(batch, answer, tries)
        if status in (401, 403):
            self._stop.stop(reason=f"HTTP {status}: {answer.message}")
            # Refused at the door: nothing was stored, so a later run sends it again.
            self._ledger.give_up(batch, f"not sent: {self._stop.reason}", resendable=True)
            return None
        self._ledger.refuse(batch, f"batch refused with HTTP {status}: {answer.message}")
        return None

    def _taken(self, batch: Batch, reply: Reply, follow: bool) -> str | None:
        job_id = reply.body.get("batchJobId") if isinstance(reply.body, dict) else None
        if not isinstance(job_id, str) or not job_id or self._redact(job_id) != job_id:
            # An id that carries a credential would have to be stored to be followed: it is not used.
            note = f"HTTP {reply.status} without a usable batchJobId: {reply.message}"
            self._ledger.give_up(batch, note, resendable=not batch.guarded)
            return None
        self._ledger.taken(batch, job_id)
        if follow:
            self.on_taken(batch, job_id)
        return job_id

    async def _after_no_answer(self, batch: Batch, answer: NoAnswer, tries: Tries) -> Next | None:
        tries.maybe_sent = tries.maybe_sent or answer.maybe_sent
        if answer.maybe_sent and batch.guarded:
            note = f"no answer after sending ({answer.reason}); it carries subscriptions: review"
            self._ledger.give_up(batch, note, resendable=False)
            return None
        tries.failures += 1
        if tries.failures >= self._limits.max_attempts:
            note = f"no answer after {tries.failures} attempts: {answer.reason}"
            self._ledger.give_up(batch, note, resendable=not (batch.guarded and tries.maybe_sent))
            return None
        return await self._wait(batch, self._policy.backoff(tries.failures))

    async def _after_throttled(self, batch: Batch, reply: Reply, tries: Tries) -> Next | None:
        tries.throttled += 1
        if tries.throttled >= self._limits.max_throttled:
            note = f"still rate limited after {tries.throttled} attempts"
            self._ledger.give_up(batch, note, resendable=not (batch.guarded and tries.maybe_sent))
            return None
        # The runtime's decision: Retry-After, else backoff, and never within the window an exhausted
        # ``x-ratelimit-remaining: 0`` names. The pacer has held every sender back already; this waits this batch.
        delay = self._policy.delay_after_response(reply.response, _always, tries.throttled)
        return await self._wait(batch, delay or 0.0)

    async def _after_server_error(self, batch: Batch, reply: Reply, tries: Tries) -> Next | None:
        tries.maybe_sent = True
        tries.failures += 1
        # The runtime's decision: a 5xx may have been applied, so only a batch that may be sent twice is retried.
        delay = self._policy.delay_after_response(reply.response, lambda: not batch.guarded, tries.failures)
        if delay is None:
            note = f"HTTP {reply.status} ({reply.message}); it carries subscriptions, so it is not sent again: review"
            self._ledger.give_up(batch, note, resendable=False)
            return None
        if tries.failures >= self._limits.max_attempts:
            note = f"HTTP {reply.status} {tries.failures} times: {reply.message}"
            self._ledger.give_up(batch, note, resendable=True)
            return None
        return await self._wait(batch, delay)

    async def _wait(self, batch: Batch, seconds: float) -> Next | None:
        if seconds <= 0 or await self._stop.wait_unless_stopped(asyncio.sleep(seconds)):
            return Next.ATTEMPT
        self._ledger.give_up(batch, f"not sent again: the run stopped ({self._stop.reason})", resendable=True)
        return None

    async def split(self, batch: Batch, reason: str) -> None:
        """A body refused for its size was not applied: send it again in two halves (each split again if need be),
        or, for a single record, refuse that record by its line."""
        if len(batch) == 1:
            note = f"refused for its size: {reason}"
            rejects = [(batch.lines[0], note, excerpt(self._ledger.records(batch)[0]))]
            self._ledger.record_outcome(batch, BatchState.REJECTED, Fate.FINAL, rejects=rejects)
            return
        middle = len(batch) // 2
        journal = self._ledger.journal
        first = journal.next_part_seq()
        parts = [batch.part(first, 0, middle), batch.part(first - 1, middle, len(batch))]
        note = f"sent again in {len(parts)} parts (batches {first}, {first - 1}): {reason}"
        journal.split(batch.seq, [(part.seq, part.lines, part.spans) for part in parts], batch.guarded, note)
        batch.open_parts = len(parts)
        for part in parts:
            await self.send(part)


def _always() -> bool:
    return True

"""The end of a run: counts of physical lines that add up to the input's line count, the rejects file, the
report with every job id."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .journal import BatchState, Journal, Outcome

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_UNKNOWN = 3
EXIT_INCOMPLETE = 4
EXIT_LOCKED = 5  # another importer holds this input or this journal: nothing was read or sent
STILL_OPEN = "the job had not finished when the run ended; run the same command again to follow it up"
PENDING = "not read: the run stopped first; run the same command again to import these lines"
SHOWN_JOBS = 20


@dataclass
class ReviewItem:
    """A batch whose records' fate is unknown, for a person to check before anything is sent again."""

    batch: int
    first_line: int
    last_line: int
    records: int
    reason: str
    carries_subscriptions: bool
    sent_again_on_resume: bool


@dataclass
class JobItem:
    batch: int
    job_id: str
    state: str
    first_line: int
    last_line: int


@dataclass
class ImportReport:
    input: str
    lines: int
    counts: dict[str, int]
    review: list[ReviewItem] = field(default_factory=list)
    jobs: list[JobItem] = field(default_factory=list)
    resumed: bool = False
    rejects_file: str = ""
    journal: str = ""
    elapsed_seconds: float = 0.0
    records_per_second: float = 0.0
    throttled: int = 0
    stopped: str = ""
    signal: int | None = None
    requests_sent: int = 0  # bulk submits this run made, whatever their answer

    @property
    def balanced(self) -> bool:
        return sum(self.counts.values()) == self.lines

    @property
    def exit_code(self) -> int:
        """0: everything accepted (blank lines aside); 1: some lines were rejected; 3: some are unknown and need
        review; 4: the run stopped early or the counts do not add up; 128 + N: stopped by signal N (130 for
        Ctrl-C, 143 for SIGTERM)."""
        if self.signal is not None:
            return 128 + int(self.signal)
        if self.stopped or not self.balanced:
            return EXIT_INCOMPLETE
        if self.counts[Outcome.UNKNOWN.value]:
            return EXIT_UNKNOWN
        if self.counts[Outcome.REJECTED_LOCALLY.value] or self.counts[Outcome.REJECTED_BY_SERVER.value]:
            return EXIT_REJECTED
        return EXIT_OK

    def scrub(self, redact: Callable[[str], str]) -> None:
        self.stopped = redact(self.stopped)
        for item in self.review:
            item.reason = redact(item.reason)

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["balanced"] = self.balanced
        document["exit_code"] = self.exit_code
        return document

    def summary_lines(self) -> list[str]:
        counts = self.counts
        lines = [
            f"{self.lines} input lines: {counts['accepted']} accepted, {counts['rejected_locally']} rejected locally, "
            f"{counts['rejected_by_server']} rejected by the server, {counts['unknown']} unknown, "
            f"{counts['skipped']} skipped (blank or header)"
            + (f", {counts['pending']} not read yet" if counts.get("pending") else ""),
        ]
        if self.resumed and not self.requests_sent and not self.stopped and not counts.get("pending"):
            lines.insert(0, "already complete, nothing sent: the journal has every line's outcome")
        if not self.balanced:
            lines.append(f"ERROR: the counts add up to {sum(counts.values())}, not {self.lines}")
        if self.stopped:
            name = f" by {signal.Signals(self.signal).name}" if self.signal else ""
            lines.append(f"stopped early{name}: {self.stopped}; run the same command again to resume")
        for item in self.review:
            span = f"{item.first_line}-{item.last_line}" if item.records > 1 else str(item.first_line)
            action = "will be sent again on resume" if item.sent_again_on_resume else "REVIEW before resending"
            lines.append(f"batch {item.batch} (lines {span}, {item.records} records): {item.reason} [{action}]")
        if self.jobs:
            shown = ", ".join(job.job_id for job in self.jobs[:SHOWN_JOBS])
            more = f" and {len(self.jobs) - SHOWN_JOBS} more (see the report)" if len(self.jobs) > SHOWN_JOBS else ""
            lines.append(f"{len(self.jobs)} bulk job(s): {shown}{more}")
        if self.rejects_file and (counts["rejected_locally"] or counts["rejected_by_server"] or counts["unknown"]):
            lines.append(f"line by line: {self.rejects_file}")
        return lines


def build_report(journal: Journal, source: Path, lines: int, rejects_file: Path, *, stopped: bool) -> ImportReport:
    """Counts from the journal, batches still open at the end counting as unknown; writes the rejects file.
    A stopped run's lines that no outcome covers yet are ``pending``."""
    review: list[ReviewItem] = []
    for row in journal.batches_in(BatchState.UNKNOWN, BatchState.SENDING, BatchState.SUBMITTED):
        note = row.note if row.state is BatchState.UNKNOWN else STILL_OPEN
        resends = row.resendable if row.state is BatchState.UNKNOWN else row.state is BatchState.SENDING
        if row.state is not BatchState.UNKNOWN:
            # Replaced by the batch's real outcomes when a later run settles it.
            journal.mark_unknown(row.seq, row.lines, note, row.spans)
        review.append(ReviewItem(row.seq, row.lines[0], row.lines[-1], len(row.lines), note, row.guarded, resends))
    write_rejects(journal, rejects_file)
    counts = journal.counts()
    if stopped:
        counts[Outcome.PENDING.value] = max(lines - sum(counts.values()), 0)
    jobs = [JobItem(*job) for job in journal.jobs()]
    return ImportReport(
        input=str(source), lines=lines, counts=counts, review=review, jobs=jobs, rejects_file=str(rejects_file)
    )


def write_rejects(journal: Journal, path: Path) -> None:
    """One JSON object per outcome other than accepted or skipped, in line order:
    ``{"line", "outcome", "reason", "input"}``, plus ``last_line`` for a record spanning lines and
    ``overtaken_by`` for an unknown line whose user a later line was sent for afterwards."""
    overtaken = journal.overtaken_by()
    temporary = path.with_name(path.name + ".partial")
    with temporary.open("wb") as out:
        for line, outcome, reason, raw, span in journal.not_accepted():
            entry: dict[str, Any] = {"line": line, "outcome": outcome, "reason": reason}
            if span > 1:
                entry["last_line"] = line + span - 1
            if raw:
                entry["input"] = raw
            if line in overtaken:
                entry["overtaken_by"] = overtaken[line]
            out.write(_json_line(entry))
    temporary.replace(path)


def _json_line(entry: dict[str, Any]) -> bytes:
    # orjson: with the standard encoder, writing this file cost more CPU than sending its lines had. orjson refuses
    # what UTF-8 can't carry (a lone surrogate in a quoted excerpt, say): the standard encoder escapes that.
    try:
        return orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(entry) + "\n").encode("ascii")

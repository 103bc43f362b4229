"""A job's JSON Lines results file, matched position by position to the lines of the batch that made the job."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from attentive_client.runtime import BulkResult

MESSAGE_LIMIT = 500


@dataclass
class BatchResults:
    accepted: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def verdict_message(result: BulkResult) -> str:
    """What the report says of one results line: its message, the first few errors, cut to ``MESSAGE_LIMIT``."""
    message = result.message
    if result.errors:
        message += " (" + "; ".join(result.errors[:5]) + ")"
    if not message:
        message = (
            f"status {result.status}" if result.status is not None else ("accepted" if result.accepted else "rejected")
        )
    return message[:MESSAGE_LIMIT]


def reconcile_results(lines: array[int], text: str) -> BatchResults:
    """Every batch line ends in exactly one bucket: a result line per record, in request order; a record with
    no readable result is unknown, never assumed accepted."""
    results = BatchResults()
    entries = [line for line in text.splitlines() if line.strip()]
    if len(entries) != len(lines):
        results.notes.append(f"results file has {len(entries)} lines for {len(lines)} records")
    for index, line_no in enumerate(lines):
        if index >= len(entries):
            results.unknown.append(line_no)
            continue
        # The runtime's reading of a results line, the same the client's BulkJobs gives.
        result = BulkResult.parse(index + 1, entries[index])
        if result.accepted is None:
            results.unknown.append(line_no)
            results.notes.append(f"result {index + 1} is unreadable")
        elif result.accepted:
            results.accepted += 1
        else:
            results.rejected.append((line_no, verdict_message(result)))
    return results

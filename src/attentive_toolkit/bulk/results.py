"""A job's JSON Lines results file, matched position by position to the lines of the batch that made the job."""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from typing import Any

MESSAGE_LIMIT = 500


@dataclass
class BatchResults:
    accepted: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def result_verdict(entry: Any) -> tuple[bool, str] | None:
    """``(accepted, message)`` for one results line, or None when it says neither."""
    if not isinstance(entry, dict):
        return None
    message = str(entry.get("message") or entry.get("error") or "")
    details = entry.get("errors")
    if isinstance(details, list) and details:
        message += " (" + "; ".join(_detail(item) for item in details[:5]) + ")"
    status = entry.get("status", entry.get("statusCode"))
    if isinstance(status, int) and not isinstance(status, bool):
        return 200 <= status <= 299, (message or f"status {status}")[:MESSAGE_LIMIT]
    success = entry.get("success")
    if isinstance(success, bool):
        return success, (message or ("accepted" if success else "rejected"))[:MESSAGE_LIMIT]
    return None


def _detail(item: Any) -> str:
    if isinstance(item, dict) and "message" in item:
        pointer = item.get("pointer") or item.get("path") or ""
        return f"{pointer}: {item['message']}" if pointer else str(item["message"])
    return str(item)


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
        try:
            verdict = result_verdict(json.loads(entries[index]))
        except ValueError:
            verdict = None
        if verdict is None:
            results.unknown.append(line_no)
            results.notes.append(f"result {index + 1} is unreadable")
        elif verdict[0]:
            results.accepted += 1
        else:
            results.rejected.append((line_no, verdict[1]))
    return results

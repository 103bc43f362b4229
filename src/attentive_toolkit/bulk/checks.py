"""The per-line check: one verdict for a parsed record, and no exception ever escapes it.

The schema part is the runtime's verdict for the single upsert (a bulk line is one upsert body); the strict rules
in ``strict`` come first, and the reader has already refused what is not even JSON (duplicate keys, stray BOMs).
"""

from __future__ import annotations

from typing import Any

from .record_check import RecordValidator
from .strict import identifier_problem


class LineChecker:
    """``reason(record)``: None for a record that may be sent, else why not (field named)."""

    def __init__(self, validator: RecordValidator) -> None:
        self._validator = validator

    def all_valid(self, records: list[dict[str, Any]]) -> bool:
        """Whether every one of ``records`` passes the schema (one call for a run of lines); never raises."""
        try:
            return self._validator.all_valid(records)
        except Exception:  # the per-record check then gives each line its own verdict
            return False

    def all_to_send(self, records: list[dict[str, Any]], printable: bool = False) -> bool:
        """Whether every one of ``records`` passes every check (``reason`` None for each); never raises.
        ``printable``: the records were read from printable ASCII text (``strict.printable_text``), so no
        identifier of theirs can hold a control or invisible character."""
        try:
            if not self._validator.all_valid(records):
                return False
            return printable or not any(map(identifier_problem, records))
        except Exception:  # the per-record check then gives each line its own verdict
            return False

    def reason(self, record: dict[str, Any], schema_checked: bool = False) -> str | None:
        """``schema_checked``: the record is already known to pass the schema (``all_valid`` of its run)."""
        try:
            if (problem := identifier_problem(record)) is not None:
                return problem
            return None if schema_checked else self._validator.reason(record)
        except RecursionError:
            return "nested too deeply to check"
        except Exception as exc:  # any failure of a check is this line's reject, never the run's end
            return f"could not be checked: {type(exc).__name__}: {exc}"

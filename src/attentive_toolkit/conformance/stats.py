"""What a run did, collected from schemathesis' ``after_validate`` hook: cases and status codes per operation,
check executions, coverage, and one record per distinct failure (check, operation, status) with the exchange
that showed it first, a redacted curl command and a replay id."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from attentive_client.runtime.redaction import Redactor

from .coverage import CoverageRecorder
from .failures import FailureRecord, capture_exchange, failure_message, failure_title, render_curl, replay_id

# Distinct messages kept per failure (the same check on the same status can break in several ways).
MAX_DETAILS = 5


def phase_of(case: Any) -> str:
    meta = getattr(case, "meta", None)
    if meta is None:
        return "unknown"
    return str(meta.phase.name.value)


@dataclass
class OperationStats:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    # Cases generated but not sent because the run had reached --max-failures.
    cut_short: int = 0
    phases: Counter[str] = field(default_factory=Counter)

    @property
    def successes(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)


@dataclass
class RunStats:
    redactor: Redactor
    # Distinct failures after which no further case is sent; None: no limit.
    max_failures: int | None = None
    coverage: CoverageRecorder | None = None
    operations: dict[str, OperationStats] = field(default_factory=dict)
    checks: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, str, int], FailureRecord] = field(default_factory=dict)
    # (phase, operation label) -> 2xx answers, e.g. to prove the stateful phase followed a link.
    phase_2xx: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Distinct failures seen after --max-failures was reached (not recorded).
    beyond_limit: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def operation(self, label: str) -> OperationStats:
        return self.operations.setdefault(label, OperationStats())

    def record(self, case: Any, response: Any, results: list[Any]) -> None:
        """Called once per validated response (all phases, stateful steps included)."""
        label = str(case.operation.label)
        status = int(response.status_code)
        with self._lock:
            stats = self.operation(label)
            stats.cases += 1
            stats.statuses[status] += 1
            stats.phases[phase_of(case)] += 1
            if 200 <= status < 300:
                self.phase_2xx[(phase_of(case), label)] += 1
            for result in results:
                self.checks[str(result.name)] += 1
                if result.failure is not None:
                    self._record_failure(case, response, label, str(result.name), result.failure)
        if self.coverage is not None:
            self.coverage.observe(case, status)

    def _record_failure(self, case: Any, response: Any, label: str, check: str, failure: Any) -> None:
        """De-duplicated by (check, operation, status): the first exchange is kept, later ones are counted."""
        status = int(response.status_code)
        key = (check, label, status)
        existing = self.failures.get(key)
        if existing is not None:
            existing.occurrences += 1
            detail = failure_message(failure, self.redactor)
            if detail and detail not in existing.messages and len(existing.messages) < MAX_DETAILS:
                existing.messages.append(detail)
            return
        if self.limit_reached():
            # Several checks can fail on one answer: the limit is exact, the rest are only counted.
            self.beyond_limit += 1
            return
        title = failure_title(failure, self.redactor)
        self.failures[key] = FailureRecord(
            id=replay_id(check, label, status),
            operation=label,
            check=check,
            title=title,
            status_code=status,
            phase=phase_of(case),
            curl=render_curl(case, response, self.redactor),
            exchange=capture_exchange(response, self.redactor),
            messages=[detail] if (detail := failure_message(failure, self.redactor)) else [],
        )

    def limit_reached(self) -> bool:
        return self.max_failures is not None and len(self.failures) >= self.max_failures

    def skip_case(self, label: str) -> None:
        with self._lock:
            self.operation(label).cut_short += 1

    def failures_of(self, label: str) -> list[FailureRecord]:
        return [record for record in self.failures.values() if record.operation == label]

    def phase_successes(self, phase: str, label: str) -> int:
        return self.phase_2xx[(phase, label)]

    @property
    def total_cases(self) -> int:
        return sum(stats.cases for stats in self.operations.values())

    def operations_without_success(self, expected: list[str]) -> list[str]:
        return [label for label in expected if self.operation(label).successes == 0]

    def failed_checks(self) -> set[str]:
        return {record.check for record in self.failures.values()}

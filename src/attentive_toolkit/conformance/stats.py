"""What a run did, collected from schemathesis' ``after_validate`` hook: cases and status codes per operation,
check executions, and one record per distinct failure with a redacted curl command."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .redaction import Redactor, redact_auth_headers


def phase_of(case: Any) -> str:
    meta = getattr(case, "meta", None)
    if meta is None:
        return "unknown"
    return str(meta.phase.name.value)


@dataclass(frozen=True)
class FailureRecord:
    operation: str
    check: str
    title: str
    status_code: int
    curl: str


@dataclass
class OperationStats:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def successes(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)


@dataclass
class RunStats:
    redactor: Redactor
    operations: dict[str, OperationStats] = field(default_factory=dict)
    checks: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], FailureRecord] = field(default_factory=dict)
    # (phase, operation label) -> 2xx answers, e.g. to prove the stateful phase followed a link.
    phase_2xx: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def operation(self, label: str) -> OperationStats:
        return self.operations.setdefault(label, OperationStats())

    def record(self, case: Any, response: Any, results: list[Any]) -> None:
        """Called once per validated response (all phases, stateful steps included)."""
        label = str(case.operation.label)
        with self._lock:
            stats = self.operation(label)
            stats.cases += 1
            stats.statuses[int(response.status_code)] += 1
            if 200 <= int(response.status_code) < 300:
                self.phase_2xx[(phase_of(case), label)] += 1
            for result in results:
                self.checks[str(result.name)] += 1
                if result.failure is None:
                    continue
                title = self.redactor.redact(str(getattr(result.failure, "title", result.failure)))
                key = (label, str(result.name), title)
                if key not in self.failures:
                    self.failures[key] = FailureRecord(
                        operation=label,
                        check=str(result.name),
                        title=title,
                        status_code=int(response.status_code),
                        curl=self.render_curl(case, response),
                    )

    def render_curl(self, case: Any, response: Any) -> str:
        try:
            command = str(case.as_curl_command(headers=dict(response.request.headers)))
        except Exception as exc:  # a broken case must not hide the failure it reproduces
            command = f"(no curl command: {type(exc).__name__})"
        return self.redactor.redact(redact_auth_headers(command))

    def phase_successes(self, phase: str, label: str) -> int:
        return self.phase_2xx[(phase, label)]

    @property
    def total_cases(self) -> int:
        return sum(stats.cases for stats in self.operations.values())

    def operations_without_success(self, expected: list[str]) -> list[str]:
        return [label for label in expected if self.operation(label).successes == 0]

    def failed_checks(self) -> set[str]:
        return {record.check for record in self.failures.values()}

"""How one generated case runs: sent and checked, with a failing check recorded (by the ``after_validate``
hook) instead of raised, so Hypothesis goes on with the operation's remaining cases. The operation's test
fails once all its cases are done (``plugin.pytest_runtest_call``), listing every distinct failure."""

from __future__ import annotations

import contextlib
from typing import Any

import requests
from schemathesis.core.failures import FailureGroup
from schemathesis.transport.requests import ManagedCookiesSession

from .failures import FailureRecord
from .session import ConformanceSession, current_session


def http_session(session: ConformanceSession) -> requests.Session:
    """One keep-alive connection pool for the whole run, as schemathesis' own engine uses (its ``make_session``):
    without it every case opens and closes a TCP connection. Cookies are cleared after each request."""
    if session.http is None:
        http = ManagedCookiesSession()
        http.headers = {}  # type: ignore[assignment]  # no requests defaults: schemathesis sets its own headers
        session.exit_stack.callback(http.close)
        session.http = http
    pool: requests.Session = session.http
    return pool


def run_case(case: Any) -> None:
    session = current_session()
    stats = session.stats
    if stats.limit_reached():
        # --max-failures: the rest of the run is generated but not sent, and the gate says so.
        stats.skip_case(str(case.operation.label))
        return
    pace(session, case)
    # A failure is already recorded, de-duplicated, by the after_validate hook; raising would end the operation.
    with contextlib.suppress(FailureGroup):
        case.call_and_validate(session=http_session(session))


def pace(session: ConformanceSession, case: Any) -> None:
    if session.pacing is not None:
        session.pacing.wait(str(case.operation.method), str(case.operation.path))


class OperationFailed(AssertionError):
    """An operation's test, after all its cases: the distinct failures it found."""


def failure_report(label: str, records: list[FailureRecord]) -> str:
    lines = [f"{label}: {len(records)} distinct failure(s)"]
    for record in records:
        lines.append(f"  [{record.check}] status {record.status_code}, {record.phase} phase: {record.title}")
        for detail in record.messages[:1]:
            lines += [f"    {line}" for line in detail.splitlines()[:6]]
        lines.append(f"    replay: attentive conformance replay {record.id}")
        lines.append(f"    {record.curl}")
    return "\n".join(lines)


def recording_state_machine(machine: Any, session: ConformanceSession) -> Any:
    """The schema's state machine, counting every link it follows (for coverage) and, like ``run_case``,
    recording a failing check instead of ending the scenario at it."""

    class Recording(machine):  # type: ignore[misc]
        def step(self, input: Any) -> Any:
            transition = getattr(input, "transition", None)
            if transition is not None and input.is_applied and session.stats.coverage is not None:
                session.stats.coverage.link_followed(str(transition.id))
            return super().step(input)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            pace(session, case)  # called once per step, just before the step's request is sent
            return {**super().get_call_kwargs(case), "session": http_session(session)}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            with contextlib.suppress(FailureGroup):
                super().validate_response(response, case, *args, **kwargs)

    Recording.__name__ = Recording.__qualname__ = f"Recording{machine.__name__}"
    return Recording

"""pytest hooks of the conformance suite; ``conformance_tests/conftest.py`` imports them.

Order of a run: options are resolved and the target started (``pytest_configure``), the header says what the
run will and won't send, the schemathesis tests run, the success gate runs last, then the summary is printed
and written, and finally every report file is scrubbed of the token.

The token never reaches the terminal or a report: every test report is scrubbed before the terminal or the JUnit
writer sees it, the terminal's stream redacts what passes through it, and the JUnit file is scrubbed once written,
wherever ``--junitxml`` put it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from .artifacts import write_artifacts
from .operations import operation_labels
from .options import FLAGS, OPTION_TABLE, OptionError, dest, resolve_options
from .redaction import RedactingStream, redact_file, redact_object, redact_tree
from .running import OperationFailed, failure_report
from .session import ConformanceSession, close_session, current_session, open_session
from .summary import render_summary, summary_data, write_summary

GATE_MARK = "conformance_gate"
_STARTED: pytest.StashKey[bool] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "attentive", "Attentive API conformance (tokens: ATTENTIVE_API_TOKEN/ATTENTIVE_OAUTH_TOKEN)"
    )
    for option, env_name, help_text in OPTION_TABLE:
        if option in FLAGS:
            group.addoption(option, action="store_true", dest=dest(option), help=f"{help_text} [{env_name}=1]")
        else:
            group.addoption(option, dest=dest(option), default=None, help=f"{help_text} [{env_name}]")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{GATE_MARK}: runs after every other test and judges the whole run")
    if config.option.help or getattr(config.option, "version", False):
        return
    try:
        options = resolve_options(config.getoption)
    except OptionError as exc:
        raise pytest.UsageError(f"conformance: {exc}") from None
    try:  # before the session starts a server: a folder that can't be made stops the run here
        options.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = "a file, not a folder" if options.report_dir.is_file() else exc.strerror or str(exc)
        raise pytest.UsageError(f"conformance: --report-dir {options.report_dir}: {problem}") from None
    session = open_session(options)
    config.stash[_STARTED] = True
    # Before pytest's terminal reporter exists (this hook runs first): it takes sys.stdout as its stream.
    sys.stdout = RedactingStream(sys.stdout, session.redactor)
    if config.option.xmlpath is None:
        config.option.xmlpath = str(options.report_dir / "junit.xml")
    if session.policy.writes_allowed is False:
        _install_write_guard()


def _install_write_guard() -> None:
    """A last line of defence: a case whose method writes never leaves the process when writes are skipped."""
    import schemathesis

    from .safety import UnsafeWriteBlocked

    @schemathesis.hook("before_call")
    def refuse_writes(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        policy = current_session().policy
        if not policy.allows(case.method):
            raise UnsafeWriteBlocked(f"{case.method} {case.path} not sent: writes are not allowed on {policy.host}")


def require_operations(*operation_ids: str) -> None:
    """Skip a hand-written test whose operations were left out with --operations."""
    chosen = current_session().options.operations
    missing = [operation_id for operation_id in operation_ids if chosen and operation_id not in chosen]
    if missing:
        pytest.skip(f"{', '.join(missing)} not selected (--operations)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _STARTED not in config.stash:
        return []
    session = current_session()
    target = session.base_url + (" (embedded reference server)" if session.options.embedded else "")
    return [
        f"conformance target: {target}",
        f"conformance seed: {session.options.seed}, max examples {session.options.max_examples}",
        *(f"conformance safety: {line}" for line in session.policy.banner()),
        f"conformance reports: {session.options.report_dir}",
    ]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    labels = sorted({label for item in items if (label := getattr(item, "operation_label", None))})
    current_session().selected_operations = labels
    gates = [item for item in items if item.get_closest_marker(GATE_MARK)]
    items[:] = [item for item in items if not item.get_closest_marker(GATE_MARK)] + gates


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """An operation's test fails after all its cases ran, with every distinct failure they found."""
    label = getattr(item, "operation_label", None)
    if label is None or _STARTED not in item.config.stash:
        return (yield)
    stats = current_session().stats
    before = {record.id for record in stats.failures_of(label)}
    result = yield
    found = [record for record in stats.failures_of(label) if record.id not in before]
    if found:
        raise OperationFailed(current_session().redactor.redact(failure_report(label, found)))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """An operation's failure is reported as its list of failures alone: the traceback would show the source of
    ``pytest_runtest_call`` above, the suite's own machinery, before the part that says what broke."""
    report: pytest.TestReport = yield
    if call.excinfo is not None and call.excinfo.errisinstance(OperationFailed):
        report.longrepr = str(call.excinfo.value)
    return report


def scrub_report(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Redact a report in place before the terminal and the JUnit writer read it: the failure text (a server may
    echo the token in an answer the report quotes) and the captured output."""
    redactor = current_session().redactor
    report.longrepr = redact_object(redactor, report.longrepr)
    report.sections = redact_object(redactor, report.sections)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    scrub_report(report)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        current_session().outcomes[report.outcome] += 1


@pytest.hookimpl(tryfirst=True)
def pytest_collectreport(report: pytest.CollectReport) -> None:
    if _current_or_none() is not None:
        scrub_report(report)


def _current_or_none() -> ConformanceSession | None:
    try:
        return current_session()
    except RuntimeError:
        return None


def _summary() -> dict[str, Any]:
    session = current_session()
    if session.summary is None:
        tested = set(session.selected_operations)
        skipped = {}
        for operation_id, label in operation_labels().items():
            if label in tested:
                continue
            if session.options.operations and operation_id not in session.options.operations:
                skipped[label] = "not selected (--operations)"
            elif not session.policy.allows(label.split(" ", 1)[0]):
                skipped[label] = "writes not allowed on this target"
            else:
                skipped[label] = "deselected"
        session.summary = summary_data(session, skipped, dict(session.outcomes))
    return session.summary


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _STARTED not in config.stash or config.option.collectonly:
        return
    session = current_session()
    text = session.redactor.redact(render_summary(_summary()))
    terminalreporter.write_sep("=", "conformance summary")
    for line in text.splitlines():
        terminalreporter.write_line(line)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _STARTED not in config.stash:
        return
    try:
        session = current_session()
        if not config.option.collectonly:
            data = _summary()
            write_summary(session.options.report_dir, data, render_summary(data))
            write_artifacts(session.options.report_dir, session, data)
        # Last: the JUnit file is complete by now, and nothing the run wrote may carry the token.
        redact_tree(session.redactor, session.options.report_dir)
        junit = Path(config.option.xmlpath) if config.option.xmlpath else None
        if junit is not None and junit.is_file():
            redact_file(session.redactor, junit)
    finally:
        if isinstance(sys.stdout, RedactingStream):
            sys.stdout = sys.stdout.inner
        close_session()


__all__ = [
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_collectreport",
    "pytest_configure",
    "pytest_report_header",
    "pytest_runtest_call",
    "pytest_runtest_logreport",
    "pytest_runtest_makereport",
    "pytest_terminal_summary",
    "pytest_unconfigure",
]

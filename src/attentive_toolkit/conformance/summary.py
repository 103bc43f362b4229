"""The short human summary of a run (operations, cases, checks, failures) and its JSON twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .operations import operation_labels, stateless_labels
from .session import ConformanceSession

# Only a bulk submission creates a job whose status this operation can read.
JOB_STATUS_OPERATION = "getBulkJobStatus"


def success_gate_problems(session: ConformanceSession) -> list[str]:
    problems: list[str] = []
    if session.token_problem:
        problems.append(session.token_problem)
    missing = session.stats.operations_without_success(session.selected_operations)
    for label in missing:
        problems.append(no_success_reason(session, label))
    return problems


def no_success_reason(session: ConformanceSession, label: str) -> str:
    """Why an operation has no 2xx: the run was cut short by --max-failures, or the target never gave one."""
    stats = session.stats.operation(label)
    statuses = dict(sorted(stats.statuses.items()))
    seen = ", ".join(f"{status}x{count}" for status, count in statuses.items()) or "no answers at all"
    if stats.cut_short:
        return (
            f"{label} was cut short by failures: --max-failures {session.stats.max_failures} was reached, "
            f"{stats.cut_short} of its cases were not sent and the {stats.cases} sent got no 2xx (saw {seen}); "
            "its success path was not tested (raise the limit to get there)"
        )
    failures = len(session.stats.failures_of(label))
    hint = f"; {failures} distinct failure(s) recorded for it" if failures else ""
    if label == operation_labels().get(JOB_STATUS_OPERATION) and not session.policy.writes_allowed:
        hint += "; without writes no job exists to read: pass an existing one with ATTENTIVE_BULK_JOB_ID"
    return (
        f"{label} never reached a 2xx: all {stats.cases} of its cases ran (saw {seen}): "
        f"its success path was not tested{hint}"
    )


def summary_data(session: ConformanceSession, skipped: dict[str, str], outcome: dict[str, int]) -> dict[str, Any]:
    stats = session.stats
    stateless = stateless_labels(session.options.reference_server)
    return {
        "target": session.base_url,
        "embedded": session.options.embedded,
        "seed": session.options.seed,
        "max_examples": session.options.max_examples,
        "safety": session.policy.banner(),
        "operations": {
            label: {
                "cases": stats.operation(label).cases,
                "statuses": {str(k): v for k, v in sorted(stats.operation(label).statuses.items())},
                "successes": stats.operation(label).successes,
                "stateless": label in stateless,
            }
            for label in session.selected_operations
        },
        "skipped_operations": skipped,
        "cases": stats.total_cases,
        "checks": dict(sorted(stats.checks.items())),
        "check_runs": sum(stats.checks.values()),
        "failures": failures_data(session),
        "max_failures": session.stats.max_failures,
        "failures_beyond_limit": session.stats.beyond_limit,
        "run_shape": run_shape_data(session),
        "coverage": coverage_data(session),
        "problems": success_gate_problems(session),
        "tests": outcome,
    }


def failures_data(session: ConformanceSession) -> list[dict[str, Any]]:
    return [
        {
            "id": record.id,
            "operation": record.operation,
            "check": record.check,
            "title": record.title,
            "status_code": record.status_code,
            "phase": record.phase,
            "occurrences": record.occurrences,
            "details": record.messages,
            "curl": record.curl,
            "replay": f"attentive conformance replay {record.id}",
        }
        for record in session.stats.failures.values()
    ]


def run_shape_data(session: ConformanceSession) -> dict[str, Any]:
    """Per operation: cases answered in each phase, and cases not sent because --max-failures was reached."""
    return {
        label: {"phases": dict(sorted(stats.phases.items())), "cut_short": stats.cut_short}
        for label, stats in sorted(session.stats.operations.items())
    }


def coverage_data(session: ConformanceSession) -> dict[str, Any]:
    """Keyed by operationId; only the operations this run tested."""
    recorder = session.stats.coverage
    if recorder is None:
        return {}
    stats = session.stats.operations
    tested = set(session.selected_operations) | {label for label, counts in stats.items() if counts.cases}
    return {operation_id: report for operation_id, report in recorder.report().items() if report["label"] in tested}


def render_failures(data: dict[str, Any]) -> list[str]:
    lines = [f"  failures    {len(data['failures'])} distinct (check, operation, status)"]
    if data.get("max_failures") is not None:
        lines[0] += f", limit {data['max_failures']}"
        if data.get("failures_beyond_limit"):
            lines[0] += f" (reached: {data['failures_beyond_limit']} more found but not kept, the rest not sent)"
    for failure in data["failures"]:
        lines.append(
            f"    {failure['id']} [{failure['check']}] {failure['operation']} -> {failure['status_code']} "
            f"({failure['occurrences']}x, {failure['phase']}): {failure['title']}"
        )
        lines.append(f"      {failure['curl']}")
    return lines


def render_coverage(data: dict[str, Any]) -> list[str]:
    """One row per operation; every figure is covered/total."""
    lines = [
        "  coverage    operation                          statuses  params  body props  keywords  both ways  links",
    ]
    for report in data.get("coverage", {}).values():
        totals = report["totals"]

        def cell(name: str, width: int, totals: dict[str, Any] = totals) -> str:
            return f"{totals[name]['covered']}/{totals[name]['total']}".rjust(width)

        lines.append(
            f"    {report['label']:<42} {cell('statuses', 8)} {cell('parameters', 7)} {cell('body_properties', 11)} "
            f"{cell('keywords_evaluated', 9)} {cell('keywords_both_ways', 10)} {cell('links', 6)}"
        )
        never = report["statuses"]["never_observed"]
        if never:
            lines.append(f"      never observed: {', '.join(never)}")
    return lines


def render_summary(data: dict[str, Any]) -> str:
    lines = [
        "Attentive API conformance summary",
        f"  target      {data['target']}{' (embedded reference server)' if data['embedded'] else ''}",
        f"  seed        {data['seed']} (max examples {data['max_examples']})",
    ]
    lines += [f"  safety      {line}" for line in data["safety"]]
    operations = data["operations"]
    lines.append(f"  operations  {len(operations)} tested, {len(data['skipped_operations'])} skipped")
    for label, info in operations.items():
        statuses = " ".join(f"{status}x{count}" for status, count in info["statuses"].items()) or "-"
        marker = " [stateless]" if info.get("stateless") else ""
        lines.append(f"    {label:<34} {info['cases']:>5} cases  {statuses}{marker}")
    for label, reason in data["skipped_operations"].items():
        lines.append(f"    {label:<34} skipped: {reason}")
    if any(info.get("stateless") for info in operations.values()):
        lines.append("    [stateless]: answered by the reference server from the spec alone (checks, not behaviour)")
    lines.append(f"  cases       {data['cases']}")
    lines.append(
        f"  checks      {data['check_runs']} runs of {len(data['checks'])} checks: {', '.join(data['checks'])}"
    )
    tests = data["tests"]
    lines.append("  tests       " + ", ".join(f"{count} {name}" for name, count in sorted(tests.items())))
    lines += render_failures(data)
    lines += render_coverage(data)
    for problem in data["problems"]:
        lines.append(f"  FAIL        {problem}")
    return "\n".join(lines) + "\n"


def write_summary(report_dir: Path, data: dict[str, Any], text: str) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "summary.txt").write_text(text, encoding="utf-8")
    (report_dir / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

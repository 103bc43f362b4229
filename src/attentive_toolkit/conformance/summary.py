"""The short human summary of a run (operations, cases, checks, failures) and its JSON twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .operations import stateless_labels
from .session import ConformanceSession


def success_gate_problems(session: ConformanceSession) -> list[str]:
    problems: list[str] = []
    if session.token_problem:
        problems.append(session.token_problem)
    missing = session.stats.operations_without_success(session.selected_operations)
    for label in missing:
        statuses = dict(sorted(session.stats.operation(label).statuses.items()))
        seen = ", ".join(f"{status}x{count}" for status, count in statuses.items()) or "no answers at all"
        hint = ""
        if label.startswith("GET /v2/bulk/job/") and not session.policy.writes_allowed:
            hint = "; without writes no job exists to read: pass an existing one with ATTENTIVE_BULK_JOB_ID"
        problems.append(f"{label} never received a 2xx answer (saw {seen}): its success path was not tested{hint}")
    return problems


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
        "failures": [
            {
                "operation": record.operation,
                "check": record.check,
                "title": record.title,
                "status_code": record.status_code,
                "curl": record.curl,
            }
            for record in stats.failures.values()
        ],
        "problems": success_gate_problems(session),
        "tests": outcome,
    }


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
    lines.append(f"  failures    {len(data['failures'])}")
    for failure in data["failures"]:
        lines.append(f"    [{failure['check']}] {failure['operation']}: {failure['title']}")
        lines.append(f"      {failure['curl']}")
    for problem in data["problems"]:
        lines.append(f"  FAIL        {problem}")
    return "\n".join(lines) + "\n"


def write_summary(report_dir: Path, data: dict[str, Any], text: str) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "summary.txt").write_text(text, encoding="utf-8")
    (report_dir / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

"""Run the spec audit (``attentive_toolkit.spec.audit``) when this checkout has it, and say so when it does not."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

_AUDIT_MODULE = "attentive_toolkit.spec.audit"


@dataclass(frozen=True)
class AuditOutcome:
    available: bool
    findings: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # findings the previous effective spec did not have
    message: str = ""


def _finding_lines(audit: Any, document: dict[str, Any]) -> list[str]:
    lines = []
    for finding in audit(document):
        line = getattr(finding, "line", None)
        lines.append(line() if callable(line) else str(finding))
    return lines


def run_audit(document: dict[str, Any], previous: dict[str, Any] | None = None) -> AuditOutcome:
    try:
        module = importlib.import_module(_AUDIT_MODULE)
    except ImportError as exc:
        return AuditOutcome(False, message=f"spec audit not run: {_AUDIT_MODULE} is not available ({exc})")
    audit = getattr(module, "audit", None)
    if not callable(audit):
        return AuditOutcome(False, message=f"spec audit not run: {_AUDIT_MODULE} has no audit(document) function")
    findings = _finding_lines(audit, document)
    before = set(_finding_lines(audit, previous)) if previous is not None else set()
    new = [line for line in findings if line not in before] if previous is not None else []
    return AuditOutcome(True, findings, new)

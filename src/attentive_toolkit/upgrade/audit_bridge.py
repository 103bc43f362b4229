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
    # New findings inside a schema no operation reaches: reported, but they change no call, so they don't stop.
    unreachable: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[str]:
        """New findings that stop an update: those where an operation can reach them."""
        return [line for line in self.new if line not in self.unreachable]


def _finding_lines(audit: Any, document: dict[str, Any]) -> list[str]:
    return [line for line, _pointer in _findings(audit, document)]


def _findings(audit: Any, document: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for finding in audit(document):
        line = getattr(finding, "line", None)
        found.append((line() if callable(line) else str(finding), str(getattr(finding, "pointer", ""))))
    return found


def _unreachable(document: dict[str, Any], findings: list[tuple[str, str]]) -> set[str]:
    from ..spec.reachability import reachable_schemas, schema_of_pointer

    reachable = reachable_schemas(document)
    return {
        line
        for line, pointer in findings
        if (schema := schema_of_pointer(pointer)) is not None and schema not in reachable
    }


def run_audit(document: dict[str, Any], previous: dict[str, Any] | None = None) -> AuditOutcome:
    try:
        module = importlib.import_module(_AUDIT_MODULE)
    except ImportError as exc:
        return AuditOutcome(False, message=f"spec audit not run: {_AUDIT_MODULE} is not available ({exc})")
    audit = getattr(module, "audit", None)
    if not callable(audit):
        return AuditOutcome(False, message=f"spec audit not run: {_AUDIT_MODULE} has no audit(document) function")
    found = _findings(audit, document)
    findings = [line for line, _pointer in found]
    before = set(_finding_lines(audit, previous)) if previous is not None else set()
    new = [line for line in findings if line not in before] if previous is not None else []
    unreachable = _unreachable(document, found)
    return AuditOutcome(True, findings, new, unreachable=[line for line in new if line in unreachable])


# Where the fix for each audit rule belongs: the overlay file of its theme and the gap it resembles.
_ADVICE = {
    "required-undeclared": "declare the property in the overlay of its schema's theme (as G3 does in 02-subscriptions)",
    "undeclared-oauth-scope": "G14's class action (overlays/04-auth.overlay.yaml) declares every used scope; "
    "if it didn't, check that its target still selects the OAuth flows",
    "undeclared-security-scheme": "declare the scheme in overlays/04-auth.overlay.yaml",
    "schema-without-type": "give the schema its type and bounds (as G2 does in 01-bulk-request)",
    "operation-without-4xx": "add the responses in overlays/06-responses.overlay.yaml (G23's class actions add "
    "400/401/403/404/429/500 wherever missing; another status needs its own action)",
    "ignored-header-parameter": "remove the parameter in overlays/04-auth.overlay.yaml (G15's class action removes "
    "every Authorization header; Accept and Content-Type need their own)",
    "prose-rate-limit": "add a G25 class action to overlays/06-responses.overlay.yaml for this number of requests "
    "per second",
    "dangling-link": "point the link at the operation and field that exist (as G22 does in 05-bulk-jobs)",
    "dangling-ref": "point the $ref at a schema that exists, or declare it",
    "degrading-combinator": "wrap the anyOf/oneOf in an allOf (as G5 does in 02-subscriptions)",
}


def overlay_advice(findings: list[str]) -> list[str]:
    """For each rule among ``findings``: which overlay to add. Each new action needs a new gap row (G<n>)."""
    rules = sorted({line.split()[0] for line in findings if line.split()})
    return [
        f"`{rule}`: {_ADVICE.get(rule, 'add an overlay action in the file of its theme')}; add a row to the "
        "audit table in overlays/README.md and name it with `x-gap`"
        for rule in rules
    ]

"""A finding: why a step of the spec pipeline refused a document, where, and what to do about it.

Every way ``spec update``, ``regen``, ``audit`` and ``effective`` can refuse a spec ends in findings, never in a
traceback: the tool that objected, the JSON pointer it objected to, the problem and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SpecFinding:
    tool: str
    pointer: str
    problem: str
    action: str

    def line(self) -> str:
        return f"{self.tool}: {self.pointer or '/'}: {self.problem}. {self.action}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class SpecRefused(ValueError):
    """A step refused its input; ``findings`` say why. Nothing was written."""

    def __init__(self, subject: str, findings: Sequence[SpecFinding]) -> None:
        self.subject = subject
        self.findings = list(findings)
        lines = "\n".join(f"  {finding.line()}" for finding in self.findings)
        super().__init__(f"{subject}: refused with {len(self.findings)} finding(s):\n{lines}")


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer for ``parts``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve_pointer(document: Any, json_pointer: str) -> Any:
    """The node at an RFC 6901 pointer; ``KeyError``, ``IndexError`` or ``TypeError`` when there is none."""
    node = document
    for raw in json_pointer.split("/")[1:] if json_pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def pointer_resolves(document: Any, json_pointer: str) -> bool:
    try:
        resolve_pointer(document, json_pointer)
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return True


def unexpected(step: str, exc: BaseException) -> SpecFinding:
    """A failure nobody foresaw, as a finding: the input is refused, the bug is named, and nothing leaks out."""
    return SpecFinding(
        tool="attentive-toolkit",
        pointer="",
        problem=f"{step} failed unexpectedly ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})",
        action="Nothing was written. This is a bug in attentive-toolkit: report it with ATTENTIVE_DEBUG=1 output",
    )

"""Each overlay action against a vendor spec: still needed, now a no-op (retire it), broken (target gone), or
waiting (a class action that no operation of this spec calls for, and none of the previous one did).

Unlike building the effective spec, which stops at the first broken action, every action is tried, so that one
update shows every action the new spec breaks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from ..paths import ProjectPaths
from ..spec.effective import load_project_overlays
from ..spec.overlay import OverlayActionError, apply_action

Status = Literal["still needed", "no-op", "broken", "waiting"]


@dataclass(frozen=True)
class ActionCheck:
    file: str
    index: int
    description: str
    target: str
    status: Status
    problem: str = ""
    before: Status | None = None  # the status against the spec being replaced

    @property
    def summary(self) -> str:
        return self.description.splitlines()[0] if self.description else ""

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.status

    def line(self) -> str:
        was = f" (was {self.before})" if self.changed else ""
        problem = f": {self.problem}" if self.problem else ""
        return f"{self.status:13}{self.file} actions[{self.index}] {self.target}{was}{problem}"


def check_actions(paths: ProjectPaths, vendor_document: dict[str, Any]) -> list[ActionCheck]:
    """Apply ``paths``'s overlays to ``vendor_document`` one action at a time; a broken action is skipped."""
    document: Any = copy.deepcopy(vendor_document)
    checks = []
    for overlay in load_project_overlays(paths):
        for action in overlay.actions:
            try:
                # apply_action is all or nothing: a failed action leaves the last good document as it was.
                document, report = apply_action(document, overlay, action)
            except OverlayActionError as exc:
                checks.append(
                    ActionCheck(overlay.file, action.index, action.description, action.target, "broken", exc.problem)
                )
                continue
            # A class action that matches nothing waits for operations to come; with_previous tells a vendor fix.
            status: Status = "still needed" if report.outcome == "applied" else report.outcome
            checks.append(ActionCheck(overlay.file, action.index, action.description, action.target, status))
    return checks


def with_previous(checks: list[ActionCheck], previous: list[ActionCheck]) -> list[ActionCheck]:
    """``checks`` annotated with each action's status against the previous spec."""
    before = {(check.file, check.index): check.status for check in previous}
    return [
        ActionCheck(
            c.file,
            c.index,
            c.description,
            c.target,
            _status(c, before.get((c.file, c.index))),
            c.problem,
            before.get((c.file, c.index)),
        )
        for c in checks
    ]


def _status(check: ActionCheck, before: Status | None) -> Status:
    """A class action that had places before and has none now: the vendor fixed every one, retire it."""
    return "no-op" if check.status == "waiting" and before == "still needed" else check.status

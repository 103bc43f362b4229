"""Apply Overlay documents to an OpenAPI description, strictly.

Strict means: a target that matches nothing is an error (the Overlay spec calls it a silent success, which
hides a vendor rename), and an action that leaves the document unchanged is reported as a no-op so that the
gap it fixed can be retired.
"""

from __future__ import annotations

import copy as copy_module
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import jsonpath_rfc9535 as jsonpath

from .derived import DERIVATIONS
from .findings import pointer
from .overlay_document import OverlayAction, OverlayDocument

# "waiting": a class action that no node calls for in this spec (none has the gap yet, or any more).
Outcome = Literal["applied", "no-op", "waiting"]


class OverlayActionError(ValueError):
    """An action that cannot be applied: its file, index and description say which one."""

    def __init__(self, file: str, action: OverlayAction, problem: str) -> None:
        self.file = file
        self.index = action.index
        self.description = action.description
        self.target = action.target
        self.problem = problem
        label = f" ({action.description.splitlines()[0]})" if action.description else ""
        super().__init__(f"{file}: actions[{action.index}]{label}: target {action.target!r}: {problem}")


@dataclass(frozen=True)
class ActionReport:
    file: str
    index: int
    description: str
    target: str
    kind: str
    matched: int
    outcome: Outcome
    gap: str = ""
    # The selected nodes the action changed, as JSON pointers: where the gap was in this document.
    places: tuple[str, ...] = ()

    def line(self) -> str:
        summary = " ".join(self.description.split())
        summary = summary if len(summary) <= 100 else summary[:99] + "…"
        gap = f"{self.gap} " if self.gap else ""
        return (
            f"{self.outcome:7} {gap}{self.file} actions[{self.index}] {self.kind} {self.target} ({self.matched}) "
            f"{summary}"
        )


class MergeConflict(ValueError):
    """An update value whose kind (object, array, primitive) does not fit the value it would merge into."""

    def __init__(self, where: str, target: Any, update: Any) -> None:
        super().__init__(f"at {where or 'the target'}: cannot merge {_kind(update)} into {_kind(target)}")


def _kind(value: Any) -> str:
    return "an object" if isinstance(value, dict) else "an array" if isinstance(value, list) else "a primitive"


def merge(target: Any, update: Any, where: str = "") -> Any:
    """Overlay ``update`` semantics: objects merge recursively, arrays are concatenated, primitives replace
    primitives; any other combination is an error (Overlay 1.1, Action Object).

    An item already present in an array is not appended again: re-applying a fix that the vendor has since
    adopted must be recognisable as a no-op, not grow a ``required`` list with duplicates.
    """
    if isinstance(target, dict) and isinstance(update, dict):
        merged = dict(target)
        for key, value in update.items():
            merged[key] = merge(merged[key], value, f"{where}.{key}") if key in merged else copy_module.deepcopy(value)
        return merged
    if isinstance(target, list) and isinstance(update, list):
        return target + [copy_module.deepcopy(item) for item in update if item not in target]
    if isinstance(target, dict | list) or isinstance(update, dict | list):
        raise MergeConflict(where, target, update)
    return copy_module.deepcopy(update)


def _get(document: Any, location: Sequence[str | int]) -> Any:
    node = document
    for part in location:
        node = node[part]
    return node


def _locate(document: Any, location: Sequence[str | int]) -> tuple[Any, str | int | None]:
    """The container holding the node at ``location`` and its key there (``None`` for the root)."""
    if not location:
        return None, None
    return _get(document, location[:-1]), location[-1]


@functools.lru_cache(maxsize=512)
def _compiled(query: str) -> Any:
    """Each target compiled once: an update judges every gap by applying the same actions dozens of times."""
    return jsonpath.compile(query)


def _select(document: Any, query: str, file: str, action: OverlayAction) -> list[tuple[str | int, ...]]:
    try:
        nodes = _compiled(query).find(document)
    except jsonpath.JSONPathError as exc:
        raise OverlayActionError(file, action, f"not an RFC 9535 JSONPath query: {exc}") from exc
    return [tuple(node.location) for node in nodes]


def _new_value(current: Any, incoming: Any, file: str, action: OverlayAction, *, is_1_1: bool) -> Any:
    if isinstance(current, dict) and not isinstance(incoming, dict):
        raise OverlayActionError(file, action, f"selects an object but the value is {_kind(incoming)}")
    if isinstance(current, list) and not isinstance(incoming, list):
        # An object or primitive value is one more entry of the selected array.
        incoming = [incoming]
    if not isinstance(current, dict | list) and not is_1_1:
        raise OverlayActionError(file, action, "selects a primitive value, which only Overlay 1.1 may update")
    try:
        return merge(current, incoming)
    except MergeConflict as exc:
        raise OverlayActionError(file, action, str(exc)) from exc


def _waiting(file: str, action: OverlayAction) -> ActionReport:
    return ActionReport(file, action.index, action.description, action.target, action.kind, 0, "waiting", action.gap)


def apply_action(document: Any, overlay: OverlayDocument, action: OverlayAction) -> tuple[Any, ActionReport]:
    """Apply one action to ``document`` (changed in place where possible) and report what it did.

    All or nothing: an action that fails part way puts back what it had already changed, so callers can keep
    trying the next action on the same document without copying the whole spec before each one (a copy per
    action made the merged V1+V2 document take minutes).
    """
    file = overlay.file
    locations = _select(document, action.target, file, action)
    if not locations:
        if action.is_class:
            # No node has the gap: the vendor fixed it (``attentive spec update`` tells, from the previous spec), or
            # no operation of this spec has it yet.
            return document, _waiting(file, action)
        raise OverlayActionError(file, action, "matches nothing (was it renamed or removed by the vendor?)")
    changed_at: list[tuple[str | int, ...]] = []
    if action.remove:
        if any(not location for location in locations):
            raise OverlayActionError(file, action, "would remove the whole document")
        # Remove deepest and last entries first so that earlier array indexes stay valid.
        for location in sorted(locations, key=lambda loc: (len(loc), loc), reverse=True):
            parent, key = _locate(document, location)
            del parent[key]
        changed_at = list(locations)
    else:
        incoming = action.update
        if action.copy is not None:
            sources = _select(document, action.copy, file, action)
            if len(sources) != 1:
                raise OverlayActionError(
                    file, action, f"copy source {action.copy!r} matches {len(sources)} nodes, not 1"
                )
            incoming = copy_module.deepcopy(_get(document, sources[0]))
        # merge() never changes the node it merges into, so the old node is its own undo record.
        undo: list[tuple[Any, str | int, Any]] = []
        called_for: list[tuple[str | int, ...]] = []
        try:
            for location in locations:
                parent, key = _locate(document, location)
                current = document if key is None else parent[key]
                if action.update_from is not None:
                    incoming = DERIVATIONS[action.update_from](document, location, current)
                    if incoming is None:
                        continue  # nothing of the gap's class at this node (spec/derived.py)
                called_for.append(location)
                value = _new_value(current, incoming, file, action, is_1_1=overlay.is_1_1)
                if value != current:
                    changed_at.append(location)
                if key is None:
                    document = value
                else:
                    undo.append((parent, key, current))
                    parent[key] = value
        except OverlayActionError:
            for parent, key, current in reversed(undo):
                parent[key] = current
            raise
        if not called_for and action.is_class:
            return document, _waiting(file, action)
        locations = called_for
    outcome: Outcome = "applied" if changed_at else "no-op"
    places = tuple(pointer(*location) for location in changed_at)
    report = ActionReport(
        file, action.index, action.description, action.target, action.kind, len(locations), outcome, action.gap, places
    )
    return document, report


def apply_overlay(document: Any, overlay: OverlayDocument) -> tuple[Any, list[ActionReport]]:
    """Apply every action of ``overlay`` in order to a copy of ``document``; the input is never modified."""
    document = copy_module.deepcopy(document)
    reports = []
    for action in overlay.actions:
        document, report = apply_action(document, overlay, action)
        reports.append(report)
    return document, reports


def apply_overlays(document: Any, overlays: Iterable[OverlayDocument]) -> tuple[Any, list[ActionReport]]:
    """Apply ``overlays`` in order to a copy of ``document``; the input is never modified."""
    result = document
    reports: list[ActionReport] = []
    for overlay in overlays:
        result, more = apply_overlay(result, overlay)
        reports.extend(more)
    return result, reports

"""Each gap judged by its effect: the effective spec built with and without all of the gap's actions.

Judging actions one at a time misses vendor fixes: a remove-and-re-add pair always "changes" the document, and an
action that re-declares in our words what the vendor now declares in its own rewrites a description. Comparing
whole effective specs sees through both.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..spec.findings import pointer, pointer_resolves
from ..spec.overlay import OverlayActionError, apply_action
from ..spec.overlay_document import OverlayAction, OverlayDocument

Verdict = Literal["still needed", "partly fixed", "retire", "rewords", "broken", "waiting"]
VERDICT_TEXT: dict[Verdict, str] = {
    "still needed": "still needed",
    "partly fixed": "partly fixed by the vendor: its actions stay",
    "retire": "fixed by the vendor: retire",
    "rewords": "fixed by the vendor; the overlay only rewords",
    "broken": "broken",
    "waiting": "not in this spec: its class actions wait for an operation that has it",
}
# Keys whose values are prose or illustrations: a difference only there changes no tool's behaviour.
WORDING_KEYS = frozenset({"description", "summary", "example", "examples", "title", "externalDocs", "x-displayName"})
_MAX_DIFFERENCES = 20


@dataclass(frozen=True)
class GapJudgement:
    gap: str
    title: str
    verdict: Verdict
    # "file actions[i]" of each of the gap's actions, and the problem of each broken one.
    actions: tuple[str, ...]
    broken: tuple[str, ...] = ()
    # JSON pointers where the effective spec with the gap's actions differs from the one without them.
    differences: tuple[str, ...] = ()
    before: Verdict | None = field(default=None, compare=False)
    # JSON pointers of the nodes the gap's actions change: where the gap is in this spec.
    places: tuple[str, ...] = field(default=(), compare=False)
    # For "partly fixed": the places the previous spec had the gap and this one no longer does.
    fixed_places: tuple[str, ...] = field(default=(), compare=False)

    @property
    def text(self) -> str:
        return VERDICT_TEXT[self.verdict]


Location = tuple[str | int, ...]


def differences(a: Any, b: Any, where: Location = ()) -> Iterator[tuple[Location, bool]]:
    """Locations where ``a`` and ``b`` differ, each with whether the node exists on both sides (changed) or on one
    side only (added or removed)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [key for key in b if key not in a]:
            if key not in a or key not in b:
                yield (*where, key), False
            else:
                yield from differences(a[key], b[key], (*where, key))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, (*where, index))
    elif a != b or type(a) is not type(b):
        yield where, True


# Lists whose order means nothing: a schema's required names, an operation's alternative security requirements.
_UNORDERED = frozenset({"required", "security"})


def normalized(node: Any, key: str | int | None = None, parent: str | int | None = None) -> Any:
    """``node`` with its unordered lists sorted, so that the vendor listing the same names in another order
    (``required: [status, bulkJobId]``) reads as the same spec. A property *named* required keeps its value."""
    if isinstance(node, dict):
        return {k: normalized(v, k, key) for k, v in node.items()}
    if isinstance(node, list):
        items = [normalized(item, None, key) for item in node]
        if key in _UNORDERED and parent != "properties":
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return items
    return node


def is_wording(location: Location, changed: bool) -> bool:
    """Prose: under a wording key (not a property *named* "description"), or the changed description of an OAuth
    scope both sides declare (a scope only one side declares is a difference in meaning)."""
    for index, part in enumerate(location):
        previous = location[index - 1] if index else None
        if part in WORDING_KEYS and previous != "properties":
            return True
    return changed and len(location) >= 2 and location[-2] == "scopes" and "securitySchemes" in location


def apply_leniently(
    vendor: dict[str, Any],
    overlays: list[OverlayDocument],
    skip_gap: str | None = None,
    places: dict[str, list[str]] | None = None,
) -> tuple[Any, dict[tuple[str, int], str]]:
    """Apply every action except ``skip_gap``'s; a broken action is skipped and its problem returned. ``places``,
    when given, collects per gap the pointers of the nodes its actions changed."""
    document: Any = copy.deepcopy(vendor)
    problems: dict[tuple[str, int], str] = {}
    for overlay in overlays:
        for action in overlay.actions:
            if skip_gap is not None and action.gap == skip_gap:
                continue
            try:
                # apply_action is all or nothing: a failed action leaves the last good document as it was.
                document, report = apply_action(document, overlay, action)
            except OverlayActionError as exc:
                problems[(overlay.file, action.index)] = exc.problem
                continue
            if places is not None:
                gap_places = places.setdefault(action.gap, [])
                gap_places.extend(place for place in report.places if place not in gap_places)
    return document, problems


def judge_gaps(vendor: dict[str, Any], overlays: list[OverlayDocument], titles: dict[str, str]) -> list[GapJudgement]:
    """One judgement per gap named by the overlays, in the order the gaps first appear."""
    places: dict[str, list[str]] = {}
    full, problems = apply_leniently(vendor, overlays, places=places)
    normalized_full = normalized(full)
    by_gap: dict[str, list[tuple[str, int]]] = {}
    classes: dict[str, list[OverlayAction]] = {}
    for overlay in overlays:
        for action in overlay.actions:
            by_gap.setdefault(action.gap, []).append((overlay.file, action.index))
            classes.setdefault(action.gap, []).append(action)
    judgements = []
    for gap, actions in by_gap.items():
        labels = tuple(f"{file} actions[{index}]" for file, index in actions)
        broken = tuple(
            f"{file} actions[{index}]: {problems[(file, index)]}"
            for file, index in actions
            if (file, index) in problems
        )
        if broken:
            judgements.append(GapJudgement(gap, titles.get(gap, ""), "broken", labels, broken))
            continue
        if not places.get(gap):
            # None of the gap's actions changed anything: without them every step sees the same document.
            found: list[tuple[Location, bool]] = []
        else:
            without, _ = apply_leniently(vendor, overlays, skip_gap=gap)
            found = [] if without == full else list(differences(normalized(without), normalized_full))
        class_only = all(overlay_action.is_class for overlay_action in classes[gap])
        if not found and class_only and not places.get(gap):
            verdict: Verdict = "waiting"
        elif not found:
            verdict = "retire"
        elif all(is_wording(location, changed) for location, changed in found):
            verdict = "rewords"
        else:
            verdict = "still needed"
        shown = tuple(pointer(*location) for location, _changed in found[:_MAX_DIFFERENCES])
        judgements.append(
            GapJudgement(gap, titles.get(gap, ""), verdict, labels, (), shown, places=tuple(places.get(gap, ())))
        )
    return judgements


def _owner(place: str) -> str:
    """The operation (``/paths/P/method``) or component (``/components/kind/name``) a place belongs to: when it is
    gone, the place left with it; when it is there, the vendor changed the place itself."""
    parts = place.split("/")
    return "/".join(parts[:4]) if len(parts) > 4 and parts[1] in ("paths", "components") else place


def _with_before(judgement: GapJudgement, previous: GapJudgement | None, document: Any) -> GapJudgement:
    """``judgement`` with the previous spec's verdict; a gap still needed that the vendor fixed at some of the
    places it had before is "partly fixed", naming those places. A place that is gone from ``document`` (the new
    vendor spec), with its operation or schema, was removed, not fixed."""
    verdict: Verdict = judgement.verdict
    fixed: tuple[str, ...] = ()
    had_gap = previous is not None and previous.verdict in ("still needed", "partly fixed")
    if previous is not None and had_gap:
        fixed = tuple(
            place
            for place in previous.places
            if place not in judgement.places and pointer_resolves(document, _owner(place))
        )
    if verdict == "waiting" and fixed:
        verdict = "retire"  # the class had places before and has none now: the vendor fixed them
    if verdict == "still needed" and fixed:
        verdict = "partly fixed"
    if verdict != "partly fixed":
        fixed = ()
    return GapJudgement(
        judgement.gap,
        judgement.title,
        verdict,
        judgement.actions,
        judgement.broken,
        judgement.differences,
        previous.verdict if previous is not None else None,
        judgement.places,
        fixed,
    )


def with_previous(judgements: list[GapJudgement], previous: list[GapJudgement], document: Any) -> list[GapJudgement]:
    """``judgements`` of the vendor spec ``document``, told against ``previous``, the spec it replaces."""
    before = {judgement.gap: judgement for judgement in previous}
    return [_with_before(judgement, before.get(judgement.gap), document) for judgement in judgements]

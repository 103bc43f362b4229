"""What changed for a caller of ``attentive_client`` between two generated packages.

The Python surface (read with griffe) decides what a caller sees; the direction of each type (sent in a request,
received in a response) decides whether a change breaks them. griffe's own breaking-change check runs as well, so
that a change outside operations, models and enums (say, in ``client.py``) is still reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import griffe
from openapi_python_client.strings import snake_case

from ..spec.audit import HTTP_METHODS
from ..spec.effective import load_json
from .spec_diff import SpecChange, spec_changes
from .surface import Direction, EndpointModule, Enum, Model, ModelField, Parameter, Surface, load_package, read_surface

Kind = Literal["operation", "model", "enum", "other"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    subject: str  # the name a caller imports, e.g. ``models.BulkJobStatusResponse``
    context: str  # ``GET /v2/me`` or ``response model``
    description: str
    breaking: bool
    reason: str  # what happens to a caller's code
    covers: tuple[str, ...] = ()  # griffe object paths this entry speaks for

    def markdown(self) -> str:
        context = f" ({self.context})" if self.context else ""
        reason = f" {self.reason}" if self.reason else ""
        return f"- `{self.subject}`{context}: {self.description}.{reason}"


@dataclass(frozen=True)
class Changelog:
    changes: list[Change]
    spec_changes: list[SpecChange]

    @property
    def breaking(self) -> list[Change]:
        return [change for change in self.changes if change.breaking]

    @property
    def compatible(self) -> list[Change]:
        return [change for change in self.changes if not change.breaking]

    def find(self, subject_part: str, description_part: str = "") -> list[Change]:
        return [c for c in self.changes if subject_part in c.subject and description_part in c.description]


def _sent(direction: Direction) -> bool:
    return direction in {"request", "both", "unused"}


def _received(direction: Direction) -> bool:
    return direction in {"response", "both", "unused"}


def _operation_routes(spec: dict[str, Any]) -> dict[str, str]:
    """``METHOD /path`` of each operation, keyed by the module name the generator derives from its operationId."""
    routes = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and operation.get("operationId"):
                routes[snake_case(str(operation["operationId"]))] = f"{method.upper()} {path}"
    return routes


def _short(path: str) -> str:
    return path.removeprefix("attentive_client.")


def _parameter_changes(subject: str, context: str, old: EndpointModule, new: EndpointModule) -> Iterator[Change]:
    def change(description: str, breaking: bool, reason: str) -> Change:
        return Change("operation", subject, context, description, breaking, reason, (new.path,))

    for name in sorted(new.parameters.keys() - old.parameters.keys()):
        added: Parameter = new.parameters[name]
        if added.required:
            yield change(f"required parameter `{name}: {added.annotation}` added", True, "Existing calls lack it.")
        else:
            yield change(f"optional parameter `{name}: {added.annotation}` added", False, "")
    for name in sorted(old.parameters.keys() - new.parameters.keys()):
        yield change(f"parameter `{name}` removed", True, f"Calls that pass `{name}` fail with TypeError.")
    for name in sorted(old.parameters.keys() & new.parameters.keys()):
        before, after = old.parameters[name], new.parameters[name]
        if before.annotation != after.annotation:
            yield change(
                f"parameter `{name}` retyped from `{before.annotation}` to `{after.annotation}`",
                True,
                "Calls that pass the old type no longer type-check or may be rejected.",
            )
        if before.required and not after.required:
            yield change(f"parameter `{name}` is now optional", False, "")
        elif after.required and not before.required:
            yield change(f"parameter `{name}` is now required", True, "Calls that leave it out fail.")
        if after.keyword_only and not before.keyword_only:
            yield change(f"parameter `{name}` is now keyword-only", True, "Calls that pass it by position fail.")
    if old.returns != new.returns:
        gained, lost = new.return_types - old.return_types, old.return_types - new.return_types
        handle = ", ".join(f"`{name}`" for name in sorted(gained))
        # Fewer possible results break nobody; a new possible result, or any other change, may.
        yield change(
            f"returns `{new.returns}` (was `{old.returns}`)",
            bool(gained) or not lost,
            f"Code that handles every parsed type must handle {handle}." if gained else "",
        )


def _operation_changes(old: Surface, new: Surface, routes: dict[str, str]) -> Iterator[Change]:
    for name in sorted(old.operations.keys() | new.operations.keys()):
        before, after = old.operations.get(name), new.operations.get(name)
        route = routes.get(name, "")
        if before is None and after is not None:
            yield Change("operation", _short(after.path), route, "operation added", False, "", (after.path,))
        elif after is None and before is not None:
            reason = "Imports of it fail."
            yield Change("operation", _short(before.path), route, "operation removed", True, reason, (before.path,))
        elif before is not None and after is not None:
            if before.path != after.path:
                yield Change(
                    "operation",
                    _short(after.path),
                    route,
                    f"moved from `{_short(before.path)}`",
                    True,
                    "Imports of the old module fail.",
                    (before.path, after.path),
                )
            yield from _parameter_changes(_short(after.path), route, before, after)


def _exported(cls: Model | Enum) -> str:
    return f"models.{cls.name}"


def _covers(cls: Model | Enum) -> tuple[str, ...]:
    module = cls.path.rsplit(".", 1)[0]
    return (f"attentive_client.models.{cls.name}", cls.path, module)


def _field_changes(old: Model, new: Model, direction: Direction, label: str) -> Iterator[Change]:
    def change(description: str, breaking: bool, reason: str) -> Change:
        return Change("model", _exported(new), label, description, breaking, reason, _covers(new) + _covers(old))

    sent, received = _sent(direction), _received(direction)
    for name in sorted(new.fields.keys() - old.fields.keys()):
        added: ModelField = new.fields[name]
        if added.required:
            reason = "Constructing it without the field fails." if sent else "Only the client constructs it."
            yield change(f"required field `{name}: {added.annotation}` added", sent, reason)
        else:
            yield change(f"optional field `{name}: {added.annotation}` added", False, "")
    for name in sorted(old.fields.keys() - new.fields.keys()):
        yield change(f"field `{name}` removed", True, f"Code that reads `.{name}` or passes `{name}=` fails.")
    for name in sorted(old.fields.keys() & new.fields.keys()):
        before, after = old.fields[name], new.fields[name]
        if before.annotation != after.annotation:
            yield change(
                f"field `{name}` retyped from `{before.annotation}` to `{after.annotation}`",
                True,
                "Code written for the old type no longer type-checks or misreads the value.",
            )
        if before.required and not after.required:
            yield change(
                f"field `{name}` is now optional",
                received,
                "Code that reads it must handle `UNSET`." if received else "",
            )
        elif after.required and not before.required:
            yield change(
                f"field `{name}` is now required",
                sent,
                "Constructing it without the field fails." if sent else "",
            )


def _enum_changes(old: Enum, new: Enum, direction: Direction, label: str) -> Iterator[Change]:
    covers = _covers(new) + _covers(old)
    for value in [v for v in new.values if v not in old.values]:
        if _received(direction):
            reason = f"Responses may now carry `{value}`: code that handles every value must handle it."
            yield Change("enum", _exported(new), label, f"value `{value}` added", True, reason, covers)
        else:
            yield Change("enum", _exported(new), label, f"value `{value}` added", False, "", covers)
    for value in [v for v in old.values if v not in new.values]:
        reason = f"Code that uses `{new.name}.{value}` fails; the server rejects or no longer sends it."
        yield Change("enum", _exported(new), label, f"value `{value}` removed", True, reason, covers)


def _label(kind: str, direction: Direction) -> str:
    return {"request": f"request {kind}", "response": f"response {kind}", "both": f"request and response {kind}"}.get(
        direction, kind
    )


def _added_or_removed(kind: Kind, old: Surface, new: Surface, name: str) -> Iterator[Change]:
    before = old.models.get(name) or old.enums.get(name)
    after = new.models.get(name) or new.enums.get(name)
    if before is None and after is not None:
        label = _label(kind, new.direction(name))
        yield Change(kind, _exported(after), label, f"{kind} added", False, "", _covers(after))
    elif after is None and before is not None:
        label, reason = _label(kind, old.direction(name)), "Imports of it fail."
        yield Change(kind, _exported(before), label, f"{kind} removed", True, reason, _covers(before))


def _type_changes(old: Surface, new: Surface) -> Iterator[Change]:
    for name in sorted(old.models.keys() | new.models.keys()):
        before_model, after_model = old.models.get(name), new.models.get(name)
        if before_model and after_model:
            direction = _combined(old.direction(name), new.direction(name))
            yield from _field_changes(before_model, after_model, direction, _label("model", direction))
        else:
            yield from _added_or_removed("model", old, new, name)
    for name in sorted(old.enums.keys() | new.enums.keys()):
        before_enum, after_enum = old.enums.get(name), new.enums.get(name)
        if before_enum and after_enum:
            direction = _combined(old.direction(name), new.direction(name))
            yield from _enum_changes(before_enum, after_enum, direction, _label("enum", direction))
        else:
            yield from _added_or_removed("enum", old, new, name)


def _combined(old: Direction, new: Direction) -> Direction:
    if old == new:
        return new
    if "unused" in (old, new):
        return "unused"
    return "both"


def _uncovered_breakages(
    old_package: griffe.Module, new_package: griffe.Module, changes: list[Change]
) -> Iterator[Change]:
    """Breakages griffe finds that no entry above speaks for (e.g. a template change in ``client.py``)."""
    covered = tuple(prefix for change in changes for prefix in change.covers)
    for breakage in griffe.find_breaking_changes(old_package, new_package):
        path = breakage.obj.path
        if any(path == prefix or path.startswith(prefix + ".") for prefix in covered):
            continue
        description = breakage.kind.value.lower()
        values = (breakage.old_value, breakage.new_value)
        if not any(value is None or isinstance(value, griffe.Object | griffe.Alias) for value in values):
            description += f" (was `{values[0]}`, now `{values[1]}`)"
        yield Change("other", _short(path), "", description, True, "Reported by griffe.", (path,))


def diff_surfaces(old: Surface, new: Surface, routes: dict[str, str] | None = None) -> list[Change]:
    """Operations, then models and enums, each change marked breaking or not for a caller."""
    return [*_operation_changes(old, new, routes or {}), *_type_changes(old, new)]


def compare_packages(old_dir: Path, new_dir: Path) -> Changelog:
    """The changelog from ``old_dir`` to ``new_dir``: two ``generated/`` folders, each with its ``openapi.json``."""
    old_spec, new_spec = load_json(old_dir / "openapi.json"), load_json(new_dir / "openapi.json")
    routes = {**_operation_routes(old_spec), **_operation_routes(new_spec)}
    old_package, new_package = load_package(old_dir), load_package(new_dir)
    changes = diff_surfaces(read_surface(old_package), read_surface(new_package), routes)
    changes += list(_uncovered_breakages(old_package, new_package, changes))
    return Changelog(changes, spec_changes(old_spec, new_spec))


_SPEC_CHANGES_SHOWN = 60


def render_markdown(changelog: Changelog) -> str:
    """The changelog as Markdown for a pull request: breaking changes first, then the rest."""
    breaking, compatible = changelog.breaking, changelog.compatible
    lines = ["## Client API changes (`attentive_client`)", ""]
    if not changelog.changes:
        lines.append("No change to the client's public API.")
    else:
        lines.append(f"**{len(breaking)} breaking** and {len(compatible)} non-breaking change(s) for callers.")
    for title, group in (("Breaking", breaking), ("Not breaking", compatible)):
        if group:
            lines += ["", f"### {title}", ""]
            lines += [change.markdown() for change in group]
    if changelog.spec_changes:
        shown = changelog.spec_changes[:_SPEC_CHANGES_SHOWN]
        lines += ["", f"<details><summary>Effective spec changes ({len(changelog.spec_changes)})</summary>", ""]
        lines += [change.markdown() for change in shown]
        if len(changelog.spec_changes) > len(shown):
            lines.append(f"- ... and {len(changelog.spec_changes) - len(shown)} more")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"

"""Loading and validating OpenAPI Overlay documents (1.0.x and 1.1.x).

The shape is checked with a JSON Schema so that every error names the file and the field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .derived import DERIVATIONS

_EXTENSIONS: dict[str, Any] = {"^x-": {}}
GAP_ID_PATTERN = r"^G[1-9][0-9]*$"

OVERLAY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["overlay", "info", "actions"],
    "properties": {
        "overlay": {"type": "string", "pattern": r"^1\.[01]\.\d+$"},
        "info": {
            "type": "object",
            "required": ["title", "version"],
            "properties": {
                "title": {"type": "string"},
                "version": {"type": "string"},
                "description": {"type": "string"},
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "extends": {"type": "string"},
        "actions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["target"],
                "properties": {
                    "target": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "update": {},
                    "remove": {"type": "boolean"},
                    "copy": {"type": "string", "minLength": 1},
                    # Project extensions: the audit row an action fixes, and "written for a class of nodes".
                    "x-gap": {"type": "string", "pattern": GAP_ID_PATTERN},
                    "x-class": {"type": "boolean"},
                    # The update's value is computed from the document (spec/derived.py names the derivations).
                    "x-update-from": {"enum": sorted(DERIVATIONS)},
                },
                "patternProperties": _EXTENSIONS,
                "additionalProperties": False,
            },
        },
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
}

_VALIDATOR = jsonschema.Draft202012Validator(OVERLAY_SCHEMA)


class OverlayDocumentError(ValueError):
    """An overlay file that is not a well-formed Overlay document."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        super().__init__(f"{file}: {field}: {problem}")


@dataclass(frozen=True)
class OverlayAction:
    index: int
    target: str
    description: str
    update: Any = None
    has_update: bool = False
    remove: bool = False
    copy: str | None = None
    # The id of the gap (a row of the audit table in overlays/README.md) this action fixes.
    gap: str = ""
    # Written for a class of nodes (a filter over every operation, say): matching none is a no-op, not an error.
    is_class: bool = False
    # A derivation (spec/derived.py) that computes the update at each selected node: the set of values a class
    # gap needs (say, every scope the operations use) is not something an RFC 9535 query can state.
    update_from: str | None = None

    @property
    def kind(self) -> str:
        if self.remove:
            return "remove"
        return "copy" if self.copy is not None else "update"


@dataclass(frozen=True)
class OverlayDocument:
    file: str
    version: str
    title: str
    actions: tuple[OverlayAction, ...]

    @property
    def is_1_1(self) -> bool:
        return self.version.startswith("1.1.")


def _problem(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return f"unknown field(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)} and x-* extensions"
    return str(error.message)


def _field_path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def parse_overlay(
    data: Any, file: str, *, require_descriptions: bool = True, require_gaps: bool = False
) -> OverlayDocument:
    """Check ``data`` against the Overlay schema and the rules the schema can't say."""
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        first = errors[0]
        raise OverlayDocumentError(file, _field_path(list(first.absolute_path)), _problem(first))
    version = data["overlay"]
    actions = []
    for index, raw in enumerate(data["actions"]):
        where = f"actions[{index}]"
        modifiers = [name for name in ("update", "copy") if name in raw] + (["remove"] if raw.get("remove") else [])
        if len(modifiers) != 1:
            problem = "has no update, remove or copy" if not modifiers else f"mixes {' and '.join(modifiers)}"
            raise OverlayDocumentError(file, where, f"{problem}; an action needs exactly one")
        if "x-update-from" in raw and "update" not in raw:
            raise OverlayDocumentError(file, f"{where}.x-update-from", "needs an update (an empty {} is enough)")
        if "copy" in raw and not version.startswith("1.1."):
            raise OverlayDocumentError(file, f"{where}.copy", f"copy needs overlay 1.1.x, this document is {version}")
        description = raw.get("description", "").strip()
        if require_descriptions and not description:
            raise OverlayDocumentError(
                file, f"{where}.description", "missing: every action must say which gap it fixes"
            )
        if require_gaps and "x-gap" not in raw:
            raise OverlayDocumentError(
                file, f"{where}.x-gap", "missing: every action must name its gap id (a row of overlays/README.md)"
            )
        actions.append(
            OverlayAction(
                index=index,
                target=raw["target"],
                description=description,
                update=raw.get("update"),
                has_update="update" in raw,
                remove=bool(raw.get("remove", False)),
                copy=raw.get("copy"),
                gap=raw.get("x-gap", ""),
                is_class=bool(raw.get("x-class", False)),
                update_from=raw.get("x-update-from"),
            )
        )
    return OverlayDocument(file=file, version=version, title=data["info"]["title"], actions=tuple(actions))


def load_overlay(
    path: Path, *, require_descriptions: bool = True, display_name: str | None = None, require_gaps: bool = False
) -> OverlayDocument:
    name = display_name or str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        raise OverlayDocumentError(name, where, f"not valid YAML/JSON: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise OverlayDocumentError(name, f"byte {exc.start}", "not UTF-8 text") from exc
    except RecursionError as exc:  # PyYAML builds nested collections recursively
        raise OverlayDocumentError(name, "(document)", "nested too deeply to read") from exc
    return parse_overlay(data, name, require_descriptions=require_descriptions, require_gaps=require_gaps)


def overlay_files(folder: Path) -> list[Path]:
    """Overlay files in name order: that order is the order they apply in. Anything else named like one (a folder,
    a pipe) is refused: skipping it would drop its actions without a word."""
    named = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    for path in named:
        if not path.is_file():
            raise OverlayDocumentError(
                str(path), "(file)", "not a regular file; every *.yaml, *.yml or *.json here is an overlay"
            )
    return named

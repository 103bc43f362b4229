"""Schemas the vendor renamed: the same content under a new name, with every reference moved to it.

A broken overlay action whose target names the old schema then gets a finding that names the new one, instead of
a bare "matches nothing" beside a list of schemas gone and new.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Rename:
    old: str
    new: str

    def advice(self) -> str:
        return f"the vendor renamed schema {self.old} to {self.new} (same content, every reference moved): retarget"


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas = (document.get("components") or {}).get("schemas") or {}
    return schemas if isinstance(schemas, dict) else {}


def _ref_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in re.findall(r'"\$ref": ?"#/components/schemas/([^"/]+)"', text):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _content(schema: Any, own_name: str) -> str:
    """The schema as canonical text, with references to itself made name-free (a recursive schema renamed
    refers to its new name)."""
    text = json.dumps(schema, sort_keys=True)
    return text.replace(json.dumps(_PREFIX + own_name), json.dumps(_PREFIX + "<self>"))


def find_renames(old: dict[str, Any], new: dict[str, Any]) -> list[Rename]:
    """Each schema gone from ``old`` whose content is exactly one new schema's in ``new``, referenced as often."""
    before, after = _schemas(old), _schemas(new)
    added = [name for name in after if name not in before]
    old_refs, new_refs = _ref_counts(json.dumps(old)), _ref_counts(json.dumps(new))
    by_content: dict[str, list[str]] = {}
    for name in added:
        by_content.setdefault(_content(after[name], name), []).append(name)
    renames = []
    for name in before:
        if name in after:
            continue
        candidates = by_content.get(_content(before[name], name), [])
        if len(candidates) == 1 and old_refs.get(name, 0) == new_refs.get(candidates[0], 0):
            renames.append(Rename(name, candidates[0]))
    return renames


def rename_for_target(target: str, renames: list[Rename]) -> Rename | None:
    """The rename whose old name the JSONPath ``target`` selects by name (``.Name``, ``['Name']``)."""
    for rename in renames:
        if re.search(rf"(\.|\[\s*'|\[\s*\"|,\s*'){re.escape(rename.old)}(?![A-Za-z0-9_])", target):
            return rename
    return None

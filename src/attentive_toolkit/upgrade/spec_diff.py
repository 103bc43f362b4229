"""Where two effective specs differ, as JSON pointers: the spec-level view beside the client API changelog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..spec.findings import pointer


@dataclass(frozen=True)
class SpecChange:
    pointer: str
    change: str  # "added", "removed", "changed", or the items added/removed from a list of values

    def markdown(self) -> str:
        return f"- `{self.pointer}`: {self.change}"


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(item, dict | list) for item in value)


def _list_change(old: list[Any], new: list[Any]) -> str:
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    parts = [f"added {', '.join(f'`{item}`' for item in added)}"] if added else []
    parts += [f"removed {', '.join(f'`{item}`' for item in removed)}"] if removed else []
    return "; ".join(parts) or "reordered"


def spec_changes(old: Any, new: Any) -> list[SpecChange]:
    """Every place where ``new`` differs from ``old``, deepest first within document order."""
    found: list[SpecChange] = []

    def walk(before: Any, after: Any, where: tuple[str | int, ...]) -> None:
        if before == after:
            return
        if isinstance(before, dict) and isinstance(after, dict):
            for key in [*before, *(k for k in after if k not in before)]:
                if key not in after:
                    found.append(SpecChange(pointer(*where, key), "removed"))
                elif key not in before:
                    found.append(SpecChange(pointer(*where, key), "added"))
                else:
                    walk(before[key], after[key], (*where, key))
        elif _is_scalar_list(before) and _is_scalar_list(after):
            found.append(SpecChange(pointer(*where), _list_change(before, after)))
        else:
            found.append(SpecChange(pointer(*where), "changed"))

    walk(old, new, ())
    return found

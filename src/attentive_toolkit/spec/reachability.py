"""Which components the operations reach, found by following ``$ref``s iteratively (the vendor's V1 schemas have
45 reference cycles, so a recursive walk is not an option).

A schema no operation reaches changes no function of the client, no request and no answer: the generator
dropping it, or the audit finding a gap in it, is worth reporting but not worth stopping an update for.
"""

from __future__ import annotations

from typing import Any

from .audit import HTTP_METHODS
from .validity import resolve_local

SCHEMA_POINTER_PREFIX = "/components/schemas/"


def _operation_roots(document: dict[str, Any]) -> list[Any]:
    roots: list[Any] = []
    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        if "$ref" in item:
            roots.append({"$ref": item["$ref"]})
        roots.append(item.get("parameters") or [])
        roots.extend(item[method] for method in HTTP_METHODS if isinstance(item.get(method), dict))
    return roots


def reachable_refs(document: dict[str, Any]) -> set[str]:
    """Every local ``$ref`` target reachable from the operations (path items, their operations and parameters)."""
    seen: set[str] = set()
    stack: list[Any] = _operation_roots(document)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                found, target = resolve_local(document, ref)
                if found:
                    stack.append(target)
            stack.extend(value for value in node.values() if isinstance(value, dict | list))
        elif isinstance(node, list):
            stack.extend(value for value in node if isinstance(value, dict | list))
    return seen


def reachable_schemas(document: dict[str, Any]) -> set[str]:
    """Names of the ``components/schemas`` the operations reach, directly or through other components."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    named = {schema_of_pointer(ref.removeprefix("#")) for ref in reachable_refs(document)}
    return {name for name in named if name is not None} & set(schemas)


def schema_of_pointer(pointer: str) -> str | None:
    """The component schema a JSON pointer lies in (``/components/schemas/NAME/...``), if any."""
    if not pointer.startswith(SCHEMA_POINTER_PREFIX):
        return None
    return pointer.removeprefix(SCHEMA_POINTER_PREFIX).split("/")[0].replace("~1", "/").replace("~0", "~")

"""Is a document a usable OpenAPI 3.0 description? Checked without following a single ``$ref`` recursively.

openapi-spec-validator resolves every reference while it validates and recurses forever on the vendor's
polymorphic cycles (V1: ``SelectionProperties -> SingleSelectionProperties -> SelectionProperties``). Here the
two halves of its job are done apart, each in bounded time and stack:

- the structure: the OpenAPI 3.0 meta-schema (shipped by openapi-spec-validator) applied by jsonschema-rs, which
  treats the document as plain JSON and follows none of its ``$ref``s;
- the references: one iterative walk that checks every ``$ref`` points at something in the document. A remote
  ``$ref`` is refused and never fetched: a spec must not make the toolkit reach the network.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema_rs

from .findings import SpecFinding, SpecRefused, pointer

META_SCHEMA_TOOL = "OpenAPI 3.0 meta-schema (jsonschema-rs)"
REF_TOOL = "$ref check"
# Values that are data, not OpenAPI: a "$ref" key inside an example is a field of the example.
_LITERAL_KEYS = frozenset({"example", "default", "enum"})
_MESSAGE_LIMIT = 300


@cache
def _meta_schema_validator() -> Any:
    text = files("openapi_spec_validator").joinpath("resources/schemas/v3.0/schema.json").read_text("utf-8")
    return jsonschema_rs.validator_for(json.loads(text))


def _short(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


def structure_findings(document: dict[str, Any]) -> list[SpecFinding]:
    """Where the document breaks the OpenAPI 3.0 meta-schema (without resolving any reference)."""
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3.0."):
        return [
            SpecFinding(
                META_SCHEMA_TOOL,
                "/openapi",
                f"version {version!r} is not OpenAPI 3.0.x, the version the generator and the toolkit support",
                "Use the vendor's OpenAPI 3.0 document, or convert it to 3.0",
            )
        ]
    return [
        SpecFinding(
            META_SCHEMA_TOOL,
            pointer(*error.instance_path),
            _short(error.message),
            "Fix this node with an overlay action (overlays/README.md) or ask the vendor for a valid spec",
        )
        for error in _meta_schema_validator().iter_errors(document)
    ]


def resolve_local(document: Any, ref: str) -> tuple[bool, Any]:
    """``(True, node)`` for a ``#/...`` reference that exists in ``document``, else ``(False, None)``."""
    if ref == "#":
        return True, document
    if not ref.startswith("#/"):
        return False, None
    node = document
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return False, None
    return True, node


def _ref_finding(document: dict[str, Any], ref: Any, where: tuple[str | int, ...]) -> SpecFinding | None:
    at = pointer(*where, "$ref")
    if not isinstance(ref, str):
        return SpecFinding(REF_TOOL, at, f"$ref is {type(ref).__name__}, not a string", "Make it a '#/...' pointer")
    if not ref.startswith("#"):
        return SpecFinding(
            REF_TOOL,
            at,
            f"remote reference {ref!r} refused (never fetched)",
            "Copy the referenced definition into components/ with an overlay and point the $ref at it",
        )
    if not resolve_local(document, ref)[0]:
        return SpecFinding(
            REF_TOOL,
            at,
            f"{ref!r} points at nothing in the document",
            "Add the missing component, or retarget the $ref, with an overlay action",
        )
    return None


def reference_findings(document: dict[str, Any]) -> list[SpecFinding]:
    """Every ``$ref`` that is not a string, is remote, or points at nothing: one iterative pass, no recursion."""
    findings = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if "$ref" in node:
                finding = _ref_finding(document, node["$ref"], where)
                if finding is not None:
                    findings.append(finding)
            # Under "properties" every key is a property name, so a property called "example" is a schema.
            literal = frozenset() if where and where[-1] == "properties" else _LITERAL_KEYS
            stack.extend(
                (value, (*where, key))
                for key, value in node.items()
                if key not in literal and isinstance(value, dict | list)
            )
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node) if isinstance(value, dict | list))
    return sorted(findings, key=lambda finding: finding.pointer)


def validity_findings(document: dict[str, Any]) -> list[SpecFinding]:
    return structure_findings(document) + reference_findings(document)


def check_openapi(document: dict[str, Any], subject: str) -> None:
    """Raise SpecRefused with every finding when ``document`` is not usable OpenAPI 3.0."""
    findings = validity_findings(document)
    if findings:
        raise SpecRefused(subject, findings)


def check_structure(document: dict[str, Any], subject: str) -> None:
    """Raise SpecRefused when ``document`` breaks the OpenAPI 3.0 meta-schema (its references are left to the
    caller: the audit lists a dangling one as a gap)."""
    findings = structure_findings(document)
    if findings:
        raise SpecRefused(subject, findings)

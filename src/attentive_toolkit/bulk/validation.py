"""Every record is checked before anything is sent: the effective spec's schema for one upsert, tightened with
documented rules the spec leaves out (a usable identifier; no unknown fields; no blank identifiers)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from ..spec.effective import load_effective_spec

UPSERT_SCHEMA = "CreateUserAttributesRequestDtoV2"
SINGLE_IDENTIFIERS = ("email", "phone", "shopifyId", "klaviyoId", "clientUserId")
MAX_REASONS = 3
NOT_BLANK = "\\S"
REF = re.compile(r'"#/components/schemas/([^"]+)"')


def upsert_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The upsert schema with the spec's components alongside, so its ``$ref``s resolve, tightened with the
    documented rules below. Everything is checked by one compiled validator: the fast path is a single call."""
    components = copy.deepcopy(dict(spec["components"]))
    schemas = components["schemas"]
    for name in reachable_schemas(schemas, UPSERT_SCHEMA):
        close_objects(schemas[name])
    identifiers = schemas[UPSERT_SCHEMA]["properties"]["identifiers"]
    # The vendor: "If you don't have a valid identifier, omit the field" -- so a usable one must be present.
    identifiers["anyOf"] = [{"required": [name]} for name in SINGLE_IDENTIFIERS] + [
        {"required": ["customIdentifiers"], "properties": {"customIdentifiers": {"minItems": 1}}}
    ]
    for name in SINGLE_IDENTIFIERS:
        identifiers["properties"][name].setdefault("allOf", []).append({"pattern": NOT_BLANK})
    return {"$ref": f"#/components/schemas/{UPSERT_SCHEMA}", "components": components}


def reachable_schemas(schemas: Mapping[str, Any], root: str) -> set[str]:
    found: set[str] = set()
    pending = [root]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        pending.extend(REF.findall(json.dumps(schemas[name])))
    return found


def close_objects(schema: Any) -> None:
    """``additionalProperties: false`` on every object that lists its properties and says nothing about others:
    the server ignores unknown keys, so a typo like ``atributes`` would lose data without a word."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            close_objects(value)
    elif isinstance(schema, list):
        for item in schema:
            close_objects(item)


def _where(path: list[str | int]) -> str:
    return ".".join(str(part) for part in path) or "(record)"


def friendlier(path: list[str | int], message: str) -> str:
    if len(path) == 3 and path[:2] == ["attributes", "custom"] and "anyOf" in message:
        return "a custom attribute value must be a string, number or boolean, not an array, object or null"
    if len(path) == 2 and path[0] == "subscriptions" and "anyOf" in message:
        return "a subscription needs a signUpSourceId, or a locale that picks the sign-up unit"
    if path == ["identifiers"] and "anyOf" in message:
        return "no usable identifier (email, phone, shopifyId, klaviyoId, clientUserId or a custom one)"
    if "was unexpected" in message or "not allowed" in message:
        return message + " (not a field of the request schema)"
    if NOT_BLANK in message:
        return "only whitespace"
    return message


class RecordValidator:
    """Validates one upsert; ``reason`` is ``None`` for a valid record, else a short message naming the field."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        document = spec if spec is not None else load_effective_spec()
        self._validator = jsonschema_rs.validator_for(upsert_schema(document), validate_formats=True)

    def reason(self, record: Any) -> str | None:
        if self._validator.is_valid(record):
            return None
        messages = [
            f"{_where(error.instance_path)}: {friendlier(error.instance_path, error.message)}"
            for error in self._validator.iter_errors(record)
        ]
        shown = messages[:MAX_REASONS]
        if len(messages) > MAX_REASONS:
            shown.append(f"and {len(messages) - MAX_REASONS} more")
        return "; ".join(shown)

"""Checking a JSON value against a schema of the effective spec, with jsonschema-rs.

One dialect everywhere: the one the spec's OpenAPI version implies (3.0: JSON Schema draft 4 with OpenAPI's
``nullable``; 3.1: draft 2020-12), with ``format`` checked. The verdict never raises: a value that is not JSON
at all (a lone UTF-16 surrogate, NaN, a set, nesting deeper than the validator follows) is a broken rule too,
with the JSON pointer of the offending value.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema_rs

from .errors import FieldError

__all__ = ["SchemaCheck", "json_pointer", "not_json_reason", "openapi30_to_draft4"]

# Deeper than any document of this API; beyond it a value is refused rather than walked.
MAX_DEPTH = 256


def json_pointer(parts: Iterator[str | int] | list[str | int] | tuple[str | int, ...]) -> str:
    """RFC 6901: ``["users", 0, "a/b"]`` -> ``/users/0/a~1b``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _validator_class(openapi_version: str) -> Any:
    if openapi_version.startswith("3.0"):
        return jsonschema_rs.Draft4Validator
    if openapi_version.startswith("3.1"):
        return jsonschema_rs.Draft202012Validator
    raise ValueError(f"OpenAPI {openapi_version!r} is not supported: 3.0.x or 3.1.x")


def openapi30_to_draft4(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` is ``type: [T, "null"]`` in JSON Schema; nothing else differs for checking."""
    if isinstance(node, dict):
        converted = {key: openapi30_to_draft4(value) for key, value in node.items()}
        if converted.pop("nullable", False) is True:
            kind = converted.get("type")
            if isinstance(kind, str):
                converted["type"] = [kind, "null"]
            if isinstance(converted.get("enum"), list) and None not in converted["enum"]:
                converted["enum"] = [*converted["enum"], None]
        return converted
    if isinstance(node, list):
        return [openapi30_to_draft4(item) for item in node]
    return node


# OpenAPI's integer formats are ranges: a value outside one is as invalid as one past ``maximum``.
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def with_integer_format_bounds(node: Any) -> Any:
    """``format: int32``/``int64`` as the ``minimum``/``maximum`` they imply, where the schema sets none."""
    if isinstance(node, dict):
        converted = {key: with_integer_format_bounds(value) for key, value in node.items()}
        bounds = _INTEGER_FORMATS.get(str(converted.get("format")))
        if bounds is not None:
            converted.setdefault("minimum", bounds[0])
            converted.setdefault("maximum", bounds[1])
        return converted
    if isinstance(node, list):
        return [with_integer_format_bounds(item) for item in node]
    return node


class SchemaCheck:
    """One compiled schema of the spec; its ``$ref``s (``#/components/...``) resolve against the spec's components."""

    def __init__(self, schema: Mapping[str, Any], components: Mapping[str, Any], openapi_version: str) -> None:
        root: dict[str, Any] = {**copy.deepcopy(dict(schema)), "components": copy.deepcopy(dict(components))}
        if openapi_version.startswith("3.0"):
            root = openapi30_to_draft4(root)
        root = with_integer_format_bounds(root)
        self._validator = _validator_class(openapi_version)(root, validate_formats=True)

    def is_valid(self, instance: object) -> bool:
        try:
            return bool(self._validator.is_valid(instance))
        except (ValueError, UnicodeEncodeError, RecursionError):
            return False

    def errors(self, instance: object) -> list[FieldError]:
        """Every broken rule, in document order; empty when ``instance`` is valid."""
        reason = not_json_reason(instance)
        if reason is not None:
            return [reason]
        try:
            if self._validator.is_valid(instance):
                return []
            return sorted((_field_error(error) for error in self._validator.iter_errors(instance)), key=_order)
        except (ValueError, UnicodeEncodeError, RecursionError) as exc:
            return [FieldError(path="", rule="json", message=f"not a JSON value: {exc}")]


def _order(error: FieldError) -> tuple[str, str]:
    return error.path, error.rule


def json_kind(value: object) -> str:
    """The JSON name of a parsed value's type: what an answer holds, in the words of a schema."""
    if isinstance(value, bool):
        return "boolean"
    kinds = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}
    return "null" if value is None else next((kinds[kind] for kind in kinds if isinstance(value, kind)), "unknown")


def not_json_reason(instance: object) -> FieldError | None:
    """The first value JSON can't carry, as a broken rule at its pointer; None when all of it is JSON."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(instance, ())]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_DEPTH:
            return FieldError(json_pointer(where[:MAX_DEPTH]), "json", f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, str):
            if not _is_unicode(value):
                return FieldError(json_pointer(where), "json", "holds a lone UTF-16 surrogate, which is not text")
        elif isinstance(value, bool) or value is None or isinstance(value, int):
            continue
        elif isinstance(value, float):
            if not math.isfinite(value):
                return FieldError(json_pointer(where), "json", f"{value!r} is not a JSON number")
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if not isinstance(key, str):
                    return FieldError(json_pointer(where), "json", f"has a key that is not a string: {key!r}")
                if not _is_unicode(key):
                    return FieldError(json_pointer(where), "json", "has a key holding a lone UTF-16 surrogate")
                stack.append((item, (*where, key)))
        elif isinstance(value, list | tuple):
            stack.extend((item, (*where, index)) for index, item in reversed(list(enumerate(value))))
        else:
            return FieldError(json_pointer(where), "json", f"a {type(value).__name__} is not a JSON value")
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _field_error(error: jsonschema_rs.ValidationError) -> FieldError:
    path: list[str | int] = list(error.instance_path)
    rule = str(error.schema_path[-1]) if error.schema_path else "schema"
    message = error.message
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        path.append(str(kind.property))
        message = "is required"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        message = "unknown field(s) " + ", ".join(repr(name) for name in kind.unexpected) + ": not in the spec"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf):
        message = _any_of_message(kind.context)
    return FieldError(path=json_pointer(path), rule=rule, message=message)


def _any_of_message(branches: list[list[jsonschema_rs.ValidationError]]) -> str:
    missing: list[str] = []
    for branch in branches:
        if len(branch) != 1 or not isinstance(branch[0].kind, jsonschema_rs.ValidationErrorKind.Required):
            return "matches none of the allowed forms: " + "; ".join(
                ", ".join(error.message for error in branch) for branch in branches
            )
        missing.append(str(branch[0].kind.property))
    return "needs at least one of: " + ", ".join(missing)

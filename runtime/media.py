"""The request body media types the toolkit reads and writes, and how a form's text becomes the JSON values its
schema describes, so a form body is validated exactly like a JSON one.

Which media type an operation takes is the spec's fact (``Operation.body_media_types``); this module only knows
how each kind is encoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["FORM", "JSON", "base_media_type", "coerce_text", "decode_form", "is_form", "is_json", "is_supported"]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
_INTEGER = re.compile(r"[+-]?[0-9]+")
Resolve = Callable[[Any], Any]


def base_media_type(content_type: str | None) -> str:
    """``application/json; charset=utf-8`` -> ``application/json``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    base = base_media_type(media_type)
    return base == JSON or base.endswith("+json")


def is_form(media_type: str) -> bool:
    return base_media_type(media_type) == FORM


def is_supported(media_type: str) -> bool:
    return is_json(media_type) or is_form(media_type)


def coerce_text(raw: str | list[str], schema: Any, resolve: Resolve) -> tuple[Any, str]:
    """A form field's or a parameter's text as the JSON value its schema describes, or why it can't be one."""
    schema = resolve(schema)
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "array":
        items = schema.get("items") or {}
        texts = raw if isinstance(raw, list) else [part for part in raw.split(",") if part != ""]
        values = []
        for text in texts:
            value, problem = coerce_text(text, items, resolve)
            if problem:
                return None, problem
            values.append(value)
        return values, ""
    text = raw[-1] if isinstance(raw, list) else raw
    if kind == "integer":
        return (int(text), "") if _INTEGER.fullmatch(text) else (None, f"{text!r} is not an integer")
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None, f"{text!r} is not a number"
        if number != number or number in (float("inf"), float("-inf")):
            return None, f"{text!r} is not a finite number"
        return (int(text) if _INTEGER.fullmatch(text) else number), ""
    if kind == "boolean":
        if text not in ("true", "false"):
            return None, f"{text!r} is not true or false"
        return text == "true", ""
    return text, ""


def decode_form(raw: bytes, schema: Mapping[str, Any] | None, resolve: Resolve) -> tuple[dict[str, Any], list[str]]:
    """An ``application/x-www-form-urlencoded`` body as an object (each field coerced by its property's schema;
    a repeated field is an array), and the problems found (a field that isn't UTF-8 or of its type)."""
    problems: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {}, [f"the form body is not UTF-8: byte {exc.start} cannot be decoded"]
    fields: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, [f"malformed form body: {exc}"]
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    resolved = resolve(schema) if schema is not None else None
    properties = (resolved.get("properties") if isinstance(resolved, dict) else None) or {}
    body: dict[str, Any] = {}
    for name, values in fields.items():
        field_schema = resolve(properties.get(name, {}))
        if len(values) > 1 and not (isinstance(field_schema, dict) and field_schema.get("type") == "array"):
            problems.append(f"form field {name!r} is given {len(values)} times; its schema allows one value")
            continue
        value, problem = coerce_text(values, field_schema, resolve)
        if problem:
            problems.append(f"form field {name!r}: {problem}")
        else:
            body[name] = value
    return body, problems

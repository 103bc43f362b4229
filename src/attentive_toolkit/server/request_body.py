"""A request body as the server reads it: in a media type the operation lists, as strict JSON (or a form), or a
400 that says what is wrong with it and where."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from attentive_client.runtime import FieldError, Operation, media

from ..json_exact import NOT_PARSED, fast_loads


class BadRequest(Exception):
    """A request the server refuses with 400; carries every violation found."""

    def __init__(self, summary: str, violations: list[FieldError] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.violations = violations or []


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(operation: Operation, content_type: str | None, raw: bytes, resolve: Callable[[Any], Any]) -> Any:
    """The request body in one of the media types the spec lists for the operation, as a JSON value."""
    kind = media.base_media_type(content_type)
    listed = [media.base_media_type(listed) for listed in operation.body_media_types]
    if kind not in listed or not media.is_supported(kind):
        shown = f"'{content_type}'" if content_type else "no Content-Type header"
        wanted = " or ".join(listed) or "no body"
        raise BadRequest(f"unsupported content type: {shown}; send the body as {wanted}")
    if media.is_json(kind):
        return parse_json_body(raw)
    body, problems = media.decode_form(raw, operation.body_schema, resolve)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        violations = [FieldError("", "form", problem) for problem in problems]
        raise BadRequest(f"the form body cannot be read: {len(problems)} {noun}", violations)
    return body


def parse_json_body(raw: bytes) -> Any:
    if not raw.strip():
        raise BadRequest("the request body is empty; a JSON object is required")
    document = fast_loads(raw)
    if document is not NOT_PARSED:
        return document
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the request body is not UTF-8: byte {exc.start} cannot be decoded") from exc
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except ValueError as exc:
        raise BadRequest(f"malformed JSON: {exc}") from exc
    except RecursionError as exc:
        raise BadRequest("the JSON body is nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(text):
        # Escaped surrogates are fine in pairs; a lone one is no Unicode character and can't be stored.
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadRequest(f"the JSON body holds a lone UTF-16 surrogate ({exc.object[exc.start]!r})") from exc
    return document

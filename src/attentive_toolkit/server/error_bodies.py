"""Error answers in the shape the operation documents for that status.

The server's own error body (``responses.error_response``: status, error, message, the violations) is sent
whenever the spec allows it. An operation that documents another shape (V1's ``{"error": {"id", "message"}}``)
gets a body built from that schema instead, carrying the message wherever the schema has a ``message`` string.
"""

from __future__ import annotations

import json
from typing import Any

from attentive_client.runtime import FieldError, Operation

from .responses import FastJSONResponse, error_response
from .stateless import AnswerBuilder, RequestChecker

MESSAGE_FIELD = "message"


class ErrorBodies:
    def __init__(self, checker: RequestChecker, builder: AnswerBuilder) -> None:
        self.checker = checker
        self.builder = builder
        # (operationId, status) -> the documented schema's skeleton, or None when the standard body fits.
        self._shapes: dict[tuple[str, int], Any] = {}

    def response(
        self,
        operation: Operation,
        status: int,
        message: str,
        violations: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> FastJSONResponse:
        standard = error_response(status, message, violations, headers)
        schema = operation.response_schema(status)
        if schema is None:
            return standard
        key = (operation.operation_id, status)
        if key not in self._shapes:
            fits = self.checker.is_valid(schema, _body_of(standard))
            self._shapes[key] = None if fits else self.builder.instance(schema, 0)
        shape = self._shapes[key]
        if shape is None:
            return standard
        shaped = _with_message(shape, message)
        body = shaped if self.checker.is_valid(schema, shaped) else shape
        return FastJSONResponse(body, status, headers)


def _body_of(response: FastJSONResponse) -> Any:
    return json.loads(bytes(response.body))


def _with_message(shape: Any, message: str) -> Any:
    """A copy of ``shape`` with every ``message`` string set to ``message``."""
    if isinstance(shape, dict):
        return {
            key: message if key == MESSAGE_FIELD and isinstance(value, str) else _with_message(value, message)
            for key, value in shape.items()
        }
    if isinstance(shape, list):
        return [_with_message(item, message) for item in shape]
    return shape

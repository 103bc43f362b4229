"""The one seam through which the proxy and ``replay`` ask what the spec says about a request or an answer.

The answers come from the shared runtime (``attentive_client.runtime``): ``ApiSpec.match`` finds the operation a
concrete request addresses, ``Operation.validate_body`` / ``validate_response`` give every broken rule with its
JSON pointer, in the one dialect the spec's OpenAPI version implies. Nothing here validates on its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from attentive_client.runtime import ApiSpec, FieldError, media


@dataclass(frozen=True)
class MatchedOperation:
    operation_id: str
    label: str
    requires_auth: bool
    takes_body: bool = False
    body_required: bool = False
    # The body's media type the spec lists (JSON or a form), None when it takes no body the toolkit can read.
    body_media_type: str | None = None


class SpecRules(Protocol):
    def match(self, method: str, path: str) -> MatchedOperation | None: ...

    def request_violations(self, operation_id: str, body: object) -> list[FieldError]: ...

    def decode_form(self, operation_id: str, body: bytes) -> tuple[object, list[FieldError]]: ...

    def response_violations(self, operation_id: str, status: int, body: object) -> list[FieldError]: ...


class RuntimeRules:
    """``SpecRules`` answered by the runtime's ``ApiSpec``."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api

    def match(self, method: str, path: str) -> MatchedOperation | None:
        found = self.api.match(method, path)
        if found is None:
            return None
        operation = found[0]
        # An empty requirement ({}) in the list makes credentials optional (OpenAPI 3.0, 4.8.10).
        requires_auth = bool(operation.security) and not any(not requirement for requirement in operation.security)
        return MatchedOperation(
            operation.operation_id,
            operation.label,
            requires_auth,
            takes_body=operation.body_schema is not None,
            body_required=operation.body_required,
            body_media_type=operation.body_media_type,
        )

    def request_violations(self, operation_id: str, body: object) -> list[FieldError]:
        return self.api.operation(operation_id).validate_body(body)

    def decode_form(self, operation_id: str, body: bytes) -> tuple[object, list[FieldError]]:
        """A form body as the JSON object its schema describes, and what can't be read."""
        decoded, problems = media.decode_form(body, self.api.operation(operation_id).body_schema, self.api.resolve)
        return decoded, [FieldError("", "form", problem) for problem in problems]

    def response_violations(self, operation_id: str, status: int, body: object) -> list[FieldError]:
        operation = self.api.operation(operation_id)
        if operation.response(status) is None:
            documented = ", ".join(operation.documented_statuses())
            return [FieldError("", "status", f"status {status} is not documented (documented: {documented})")]
        return operation.validate_response(status, body) if body is not None else []


def load_rules(document: dict[str, Any] | None = None) -> SpecRules:
    """The rules of the effective spec (or of ``document``)."""
    if document is None:
        from ..spec.effective import load_effective_spec

        document = load_effective_spec()
    return RuntimeRules(ApiSpec.from_document(document))

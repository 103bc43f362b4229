"""The one seam through which the proxy and ``replay`` ask what the spec says about a request or an answer.

The project's runtime (``attentive_client.runtime``: ``ApiSpec``, ``Operation.validate_body``,
``Operation.validate_response``) owns these facts. Until it is importable this module answers with the same
rules itself (OpenAPI 3.0 -> JSON Schema draft 4 with ``nullable``, formats checked, jsonschema-rs); switching is
the body of ``load_rules``."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Protocol

import jsonschema_rs

from .coverage import HTTP_METHODS, _openapi30_to_draft4


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``pointer`` is an RFC 6901 JSON pointer into the body (``""``: the whole message)."""

    pointer: str
    rule: str
    message: str


@dataclass(frozen=True)
class MatchedOperation:
    operation_id: str
    label: str
    requires_auth: bool


class SpecRules(Protocol):
    def match(self, method: str, path: str) -> MatchedOperation | None: ...

    def request_violations(self, operation_id: str, body: object) -> list[Violation]: ...

    def response_violations(self, operation_id: str, status: int, body: object) -> list[Violation]: ...

    def documented_statuses(self, operation_id: str) -> list[str]: ...


def _pointer(parts: list[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _json_schema(holder: Any) -> dict[str, Any] | None:
    for media_type, content in ((holder or {}).get("content") or {}).items():
        if "json" in media_type and isinstance(content.get("schema"), dict):
            schema: dict[str, Any] = content["schema"]
            return schema
    return None


class _Checker:
    def __init__(self, schema: dict[str, Any], components: dict[str, Any], draft4: bool) -> None:
        root = {**_openapi30_to_draft4(copy.deepcopy(schema)), "components": components}
        kind = jsonschema_rs.Draft4Validator if draft4 else jsonschema_rs.Draft202012Validator
        self._validator = kind(root, validate_formats=True)

    def violations(self, instance: object) -> list[Violation]:
        try:
            errors = list(self._validator.iter_errors(instance))
        except (ValueError, UnicodeEncodeError, RecursionError) as exc:
            return [Violation("", "json", f"not a JSON value: {exc}")]
        found = []
        for error in errors:
            path = list(error.instance_path)
            kind = error.kind
            message = error.message
            if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
                path.append(str(kind.property))
                message = "is required"
            rule = str(error.schema_path[-1]) if error.schema_path else "schema"
            found.append(Violation(_pointer(path), rule, message))
        return sorted(found, key=lambda violation: (violation.pointer, violation.rule))


@dataclass
class _Operation:
    operation_id: str
    label: str
    pattern: re.Pattern[str]
    method: str
    requires_auth: bool
    body: _Checker | None
    responses: dict[str, _Checker | None]


class LocalRules:
    """The spec's rules without the runtime (see the module docstring)."""

    def __init__(self, document: dict[str, Any]) -> None:
        draft4 = str(document.get("openapi", "3.0")).startswith("3.0")
        components = _openapi30_to_draft4(copy.deepcopy(document.get("components") or {}))
        default_security = document.get("security") or []
        self._operations: dict[str, _Operation] = {}
        for path, item in document.get("paths", {}).items():
            for method, operation in item.items():
                if method not in HTTP_METHODS or not isinstance(operation, dict):
                    continue
                body_schema = _json_schema(operation.get("requestBody"))
                responses: dict[str, _Checker | None] = {}
                for status, response in (operation.get("responses") or {}).items():
                    if isinstance(response, dict) and "$ref" in response:
                        response = _resolve(document, response["$ref"])
                    schema = _json_schema(response)
                    responses[str(status)] = _Checker(schema, components, draft4) if schema else None
                security = operation.get("security", default_security)
                self._operations[operation["operationId"]] = _Operation(
                    operation_id=operation["operationId"],
                    label=f"{method.upper()} {path}",
                    pattern=re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"),
                    method=method.upper(),
                    requires_auth=bool(security) and not any(requirement == {} for requirement in security),
                    body=_Checker(body_schema, components, draft4) if body_schema else None,
                    responses=responses,
                )

    def match(self, method: str, path: str) -> MatchedOperation | None:
        for operation in self._operations.values():
            if operation.method == method.upper() and operation.pattern.match(path):
                return MatchedOperation(operation.operation_id, operation.label, operation.requires_auth)
        return None

    def documented_statuses(self, operation_id: str) -> list[str]:
        return list(self._operations[operation_id].responses)

    def request_violations(self, operation_id: str, body: object) -> list[Violation]:
        checker = self._operations[operation_id].body
        return checker.violations(body) if checker else []

    def response_violations(self, operation_id: str, status: int, body: object) -> list[Violation]:
        responses = self._operations[operation_id].responses
        key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None)
        if key is None:
            return [Violation("", "status", f"status {status} is not documented (documented: {', '.join(responses)})")]
        checker = responses[key]
        return checker.violations(body) if checker and body is not None else []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def load_rules(document: dict[str, Any] | None = None) -> SpecRules:
    """The rules of the effective spec (or of ``document``)."""
    if document is None:
        from ..spec.effective import load_effective_spec

        document = load_effective_spec()
    return LocalRules(document)

"""The operations the server answers, read from the effective spec: path, method, scopes, rate limit, body schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
DEFAULT_RATE_LIMIT = 150


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    rate_limit: int
    # Scopes a token must hold: every scope the operation's security requirements name.
    scopes: frozenset[str]
    body_schema_ref: str | None


def _body_schema_ref(operation: dict[str, Any]) -> str | None:
    body = operation.get("requestBody")
    if not body:
        return None
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        raise ValueError(f"{operation.get('operationId')}: the request body schema must be a $ref")
    return ref


def _scopes(operation: dict[str, Any], document: dict[str, Any]) -> frozenset[str]:
    requirements = operation.get("security", document.get("security", []))
    return frozenset(scope for requirement in requirements for scopes in requirement.values() for scope in scopes)


def read_operations(document: dict[str, Any]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            operations[operation_id] = Operation(
                operation_id=operation_id,
                method=method.upper(),
                path=path,
                rate_limit=int(operation.get("x-rate-limit-per-second", DEFAULT_RATE_LIMIT)),
                scopes=_scopes(operation, document),
                body_schema_ref=_body_schema_ref(operation),
            )
    return operations

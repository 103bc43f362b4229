"""The operations the server answers, read from the effective spec: path, method, scopes, rate limit, request
schemas and the raw operation (the stateless handler builds its answers from it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
DEFAULT_RATE_LIMIT = 150
# Operations whose behaviour the server implements (state, jobs, business rules); every other operation of the
# effective spec is answered by the spec-driven stateless handler (``stateless.py``).
STATEFUL_OPERATIONS = ("getMeV2", "postUserAttributes", "postBulkUserAttributes", "getBulkJobStatus")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    rate_limit: int
    # Scopes a token must hold: every scope the operation's security requirements name.
    scopes: frozenset[str]
    body_schema_ref: str | None
    # The JSON request body's schema as written (a $ref or inline), and whether a body is required.
    body_schema: dict[str, Any] | None = None
    body_required: bool = False
    # ``security: []``: the operation is documented as needing no credentials.
    public: bool = False
    # Path-item and operation parameters, $refs resolved, operation-level ones winning.
    parameters: tuple[dict[str, Any], ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def stateful(self) -> bool:
        return self.operation_id in STATEFUL_OPERATIONS


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (a bounded number of hops: a cycle ends as the last node reached)."""
    for _ in range(32):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str) or not node["$ref"].startswith("#/"):
            return node
        target: Any = document
        for raw in node["$ref"][2:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~")
            target = target.get(key) if isinstance(target, dict) else None
        if target is None:
            return node
        node = target
    return node


def json_media(content: dict[str, Any]) -> dict[str, Any] | None:
    for media_type, media in content.items():
        base = media_type.split(";", 1)[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media if isinstance(media, dict) else {}
    return None


def _body(operation: dict[str, Any], document: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    body = resolve(document, operation.get("requestBody"))
    if not isinstance(body, dict):
        return None, False
    media = json_media(body.get("content") or {})
    schema = media.get("schema") if media is not None else None
    return (schema if isinstance(schema, dict) else None), bool(body.get("required", False))


def _body_schema_ref(schema: dict[str, Any] | None) -> str | None:
    ref = (schema or {}).get("$ref")
    return ref if isinstance(ref, str) else None


def _scopes(operation: dict[str, Any], document: dict[str, Any]) -> frozenset[str]:
    requirements = operation.get("security", document.get("security", []))
    return frozenset(scope for requirement in requirements for scopes in requirement.values() for scope in scopes)


def _parameters(
    item: dict[str, Any], operation: dict[str, Any], document: dict[str, Any]
) -> tuple[dict[str, Any], ...]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = resolve(document, raw)
        if isinstance(parameter, dict) and "name" in parameter and "in" in parameter:
            merged[(str(parameter["in"]), str(parameter["name"]))] = parameter
    return tuple(merged.values())


def read_operations(document: dict[str, Any]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            schema, required = _body(operation, document)
            operations[operation_id] = Operation(
                operation_id=operation_id,
                method=method.upper(),
                path=path,
                rate_limit=int(operation.get("x-rate-limit-per-second", DEFAULT_RATE_LIMIT)),
                scopes=_scopes(operation, document),
                body_schema_ref=_body_schema_ref(schema),
                body_schema=schema,
                body_required=required,
                public=operation.get("security", document.get("security")) == [],
                parameters=_parameters(item, operation, document),
                spec=operation,
            )
    return operations

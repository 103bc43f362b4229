"""The effective spec's operations, as the suite names them: operationIds and ``METHOD /path`` labels."""

from __future__ import annotations

from typing import Any

from ..spec.effective import load_effective_spec

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _operations(document: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    spec = document or load_effective_spec()
    return [
        (operation["operationId"], method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and isinstance(operation, dict)
    ]


def operation_ids(document: dict[str, Any] | None = None) -> list[str]:
    return [operation_id for operation_id, _, _ in _operations(document)]


def operation_labels(document: dict[str, Any] | None = None) -> dict[str, str]:
    """operationId -> ``METHOD /path`` (schemathesis' label for the operation)."""
    return {operation_id: f"{method} {path}" for operation_id, method, path in _operations(document)}


def stateless_labels(reference_server: bool, document: dict[str, Any] | None = None) -> set[str]:
    """Labels of the operations a reference server answers from the spec alone (no state behind them): their
    successes prove the request checks and the answer's shape, not behaviour. Empty for any other target."""
    if not reference_server:
        return set()
    from ..server.operations import STATEFUL_OPERATIONS

    return {
        label for operation_id, label in operation_labels(document).items() if operation_id not in STATEFUL_OPERATIONS
    }

"""The effective spec's operations, as the suite names them: operationIds and ``METHOD /path`` labels, from the
runtime's ``ApiSpec`` (the one reader of the spec's operations)."""

from __future__ import annotations

from typing import Any

from attentive_client.runtime import ApiSpec, Operation

from ..spec.effective import load_effective_spec


def _operations(document: dict[str, Any] | None) -> list[Operation]:
    return ApiSpec.from_document(document or load_effective_spec()).operations


def operation_ids(document: dict[str, Any] | None = None) -> list[str]:
    return [operation.operation_id for operation in _operations(document)]


def operation_labels(document: dict[str, Any] | None = None) -> dict[str, str]:
    """operationId -> ``METHOD /path`` (schemathesis' label for the operation)."""
    return {operation.operation_id: operation.label for operation in _operations(document)}


def resource_operations(document: dict[str, Any] | None = None) -> list[Operation]:
    """The operations the spec declares resource-shaped (``x-attentive-resource``, read by the runtime)."""
    return [operation for operation in _operations(document) if operation.resource is not None]


def stateless_labels(reference_server: bool, document: dict[str, Any] | None = None) -> set[str]:
    """Labels of the operations a reference server answers from the spec alone (no state behind them): their
    successes prove the request checks and the answer's shape, not behaviour. Empty for any other target."""
    if not reference_server:
        return set()
    from ..server.operations import is_stateful

    return {operation.label for operation in _operations(document) if not is_stateful(operation)}

"""The effective spec's operations, as the suite names them: operationIds and ``METHOD /path`` labels, from the
runtime's ``ApiSpec`` (the one reader of the spec's operations)."""

from __future__ import annotations

from collections.abc import Mapping
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


def declared_links(operation: Mapping[str, Any], api: ApiSpec) -> dict[str, str]:
    """Link name -> target operationId (or operationRef), for every link declared on the operation's answers."""
    links: dict[str, str] = {}
    for response in (operation.get("responses") or {}).values():
        for name, link in ((api.resolve(response) or {}).get("links") or {}).items():
            link = api.resolve(link) or {}
            links[name] = str(link.get("operationId") or link.get("operationRef") or "?")
    return links


def links_to(target: str, document: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """operationId -> the names of its answers' links to the operation ``target`` (overlay G22 links every answer
    that carries a job's id to the job status): the operations whose answers hand out what ``target`` takes."""
    api = ApiSpec.from_document(document or load_effective_spec())
    found: dict[str, list[str]] = {}
    for operation in api.operations:
        names = [name for name, linked in declared_links(operation.definition, api).items() if linked == target]
        if names:
            found[operation.operation_id] = names
    return found


def stateless_labels(reference_server: bool, document: dict[str, Any] | None = None) -> set[str]:
    """Labels of the operations a reference server answers from the spec alone (no state behind them): their
    successes prove the request checks and the answer's shape, not behaviour. Empty for any other target."""
    if not reference_server:
        return set()
    from ..server.operations import is_stateful

    return {operation.label for operation in _operations(document) if not is_stateful(operation)}

"""The operations the server answers: the runtime's view of the effective spec, keyed by operationId."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attentive_client.runtime import ApiSpec, Operation

# The vendor's public docs: "150 requests per second for most endpoints", for an operation the spec gives none.
DEFAULT_RATE_LIMIT = 150


def read_operations(document: Mapping[str, Any]) -> dict[str, Operation]:
    return {operation.operation_id: operation for operation in ApiSpec.from_document(document).operations}


def rate_limit_of(operation: Operation) -> int:
    """Requests per second per token, as the spec's ``x-rate-limit-per-second`` says (the default otherwise)."""
    rate = operation.rate_limit_per_second
    return DEFAULT_RATE_LIMIT if rate is None else max(int(rate), 1)


def is_stateful(operation: Operation) -> bool:
    """Whether the server implements the operation (state, jobs, business rules): a hand-written handler
    (``app.HANDLERS``) or a resource the spec declares (``resources.py``). Every other operation of the effective
    spec is answered by the spec-driven stateless handler (``stateless.py``)."""
    # Imported here: the app imports this module.
    from .app import HANDLERS
    from .resources import resource_of

    return operation.operation_id in HANDLERS or resource_of(operation) is not None


def is_public(operation: Operation) -> bool:
    """No security requirement applies (``security: []``): the operation is documented as needing no credentials."""
    return not operation.security

"""The operations the server answers: the runtime's view of the effective spec, keyed by operationId."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attentive_client.runtime import ApiSpec, Operation

# The vendor's public docs: "150 requests per second for most endpoints", for an operation the spec gives none.
DEFAULT_RATE_LIMIT = 150
# Operations whose behaviour the server implements (state, jobs, business rules); every other operation of the
# effective spec is answered by the spec-driven stateless handler (``stateless.py``).
STATEFUL_OPERATIONS = ("getMeV2", "postUserAttributes", "postBulkUserAttributes", "getBulkJobStatus")


def read_operations(document: Mapping[str, Any]) -> dict[str, Operation]:
    return {operation.operation_id: operation for operation in ApiSpec.from_document(document).operations}


def rate_limit_of(operation: Operation) -> int:
    """Requests per second per token, as the spec's ``x-rate-limit-per-second`` says (the default otherwise)."""
    rate = operation.rate_limit_per_second
    return DEFAULT_RATE_LIMIT if rate is None else max(int(rate), 1)


def is_stateful(operation: Operation) -> bool:
    return operation.operation_id in STATEFUL_OPERATIONS


def is_public(operation: Operation) -> bool:
    """No security requirement applies (``security: []``): the operation is documented as needing no credentials."""
    return not operation.security

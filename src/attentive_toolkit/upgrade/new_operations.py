"""What each component does for an operation the new effective spec adds: client function, server, conformance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attentive_client.runtime.spec import HTTP_METHODS

from ..server.operations import STATEFUL_OPERATIONS
from ..spec.generation import PACKAGE_NAME

# The conformance suite never writes to a target that isn't loopback unless told to (``--allow-writes``).
_WRITE_METHODS = {"post", "put", "patch", "delete"}


@dataclass(frozen=True)
class NewOperation:
    operation_id: str
    method: str
    path: str
    client: str  # the generated module, or why there is none
    server: str
    conformance: str

    def line(self) -> str:
        return (
            f"`{self.operation_id}` ({self.method} {self.path}): client `{self.client}`; server {self.server}; "
            f"conformance {self.conformance}"
        )


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    found = {}
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "operationId" in operation:
                found[str(operation["operationId"])] = (method, path)
    return found


def _client_module(generated: Path, operation_id: str) -> str:
    """openapi-python-client names the module after the operationId in snake case (getMeV2 -> get_me_v2)."""
    wanted = operation_id.replace("_", "").lower()
    for module in sorted((generated / PACKAGE_NAME / "api").glob("*/*.py")):
        if module.stem.replace("_", "").lower() == wanted:
            return f"{PACKAGE_NAME}.api.{module.parent.name}.{module.stem}"
    return "none generated (check the generator's warnings)"


def new_operations(old: dict[str, Any] | None, new: dict[str, Any], generated: Path) -> list[NewOperation]:
    before = _operations(old) if old is not None else {}
    listed = []
    for operation_id, (method, path) in _operations(new).items():
        if operation_id in before:
            continue
        server = (
            "stateful (implemented)"
            if operation_id in STATEFUL_OPERATIONS
            else "stateless (answered from the spec's examples and schemas)"
        )
        conformance = "covered by every phase, marked stateless in the summary"
        if operation_id in STATEFUL_OPERATIONS:
            conformance = "covered by every phase"
        if method in _WRITE_METHODS:
            conformance += " (a write: skipped on non-loopback targets without --allow-writes)"
        listed.append(
            NewOperation(
                operation_id, method.upper(), path, _client_module(generated, operation_id), server, conformance
            )
        )
    return listed

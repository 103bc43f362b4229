"""Updates an overlay action computes from the document (``x-update-from``), for gap classes whose fix is a set of
values: RFC 9535 JSONPath selects nodes but can't compute "every scope an operation names that the flow doesn't
declare". Tools that don't know the extension apply the action's literal ``update`` (``{}``), which changes
nothing: the extension adds a fix, it never changes what a plain Overlay tool does.

A derivation that returns None says the selected node has no member of the gap's class (nothing calls for the fix
there): the applier doesn't count the node as matched, so a class action whose derivation finds nothing anywhere
is "waiting", as one whose target selects nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .audit import HTTP_METHODS
from .job_links import job_status_links
from .resource_shapes import resource_links, resource_operations


def _requirements(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """(who, security requirement list): the document's default, then every operation's own."""
    found: list[tuple[str, Any]] = [("the default security", document.get("security"))]
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                found.append(
                    (str(operation.get("operationId") or f"{method.upper()} {path}"), operation.get("security"))
                )
    return found


def used_oauth_scopes(document: dict[str, Any], location: Sequence[str | int], current: Any) -> dict[str, str]:
    """At ``components/securitySchemes/NAME/flows/FLOW/scopes``: every scope a security requirement names for
    scheme NAME that this flow doesn't declare, described by who uses it."""
    if len(location) < 2 or "securitySchemes" not in location:
        return {}
    scheme = location[list(location).index("securitySchemes") + 1]
    declared = set(current) if isinstance(current, dict) else set()
    users: dict[str, list[str]] = {}
    for who, requirements in _requirements(document):
        for requirement in requirements if isinstance(requirements, list) else []:
            scopes = requirement.get(scheme) if isinstance(requirement, dict) else None
            for scope in scopes if isinstance(scopes, list) else []:
                if isinstance(scope, str) and scope not in declared and who not in users.setdefault(scope, []):
                    users[scope].append(who)
    return {scope: f"required by {', '.join(names)} (declared by the overlays)" for scope, names in users.items()}


DERIVATIONS: dict[str, Callable[[dict[str, Any], Sequence[str | int], Any], Any]] = {
    "used-oauth-scopes": used_oauth_scopes,
    "resource-operations": resource_operations,
    "resource-links": resource_links,
    "job-status-links": job_status_links,
}

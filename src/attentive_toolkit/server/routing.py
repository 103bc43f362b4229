"""One route per path of the effective spec: its methods answer, any other gets 405 naming the spec's methods.

Starlette tries routes in order and a route that matches the path but not the method answers 405 with only its
own methods, so one route per operation gets ``Allow`` wrong for a path with several. And a Starlette path
parameter must be an identifier, while the vendor's may not be (``{coupon-pool-id}``): the route uses an
identifier and the handler sees the spec's name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from attentive_client.runtime import Operation
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .responses import error_response

Endpoint = Callable[[Request], Awaitable[Response]]
_TEMPLATE = re.compile(r"\{([^}/]+)\}")
_NOT_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]")


def route_path(path: str) -> tuple[str, dict[str, str]]:
    """``/v1/coupon-pools/{coupon-pool-id}`` -> ``/v1/coupon-pools/{coupon_pool_id}`` and the identifier each
    spec name got (``{"coupon_pool_id": "coupon-pool-id"}``), unique within the path."""
    names: dict[str, str] = {}

    def identifier(found: re.Match[str]) -> str:
        name = found.group(1)
        base = _NOT_IDENTIFIER.sub("_", name)
        if not base or base[0].isdigit():
            base = "p_" + base
        chosen, count = base, 1
        while chosen in names:
            count += 1
            chosen = f"{base}_{count}"
        names[chosen] = name
        return "{" + chosen + "}"

    return _TEMPLATE.sub(identifier, path), names


class PathEndpoint:
    """The ASGI app of one path: dispatches on the method to that operation's endpoint. ``HEAD`` is answered
    as ``GET`` without a body where the path has a ``GET`` (RFC 9110); anything else the spec doesn't list for
    the path is 405 with ``Allow`` listing exactly the methods it does."""

    def __init__(self, path: str, endpoints: Mapping[str, Endpoint], names: Mapping[str, str]) -> None:
        self.path = path
        self.endpoints = dict(endpoints)
        if "GET" in self.endpoints and "HEAD" not in self.endpoints:
            self.endpoints["HEAD"] = self.endpoints["GET"]
        self.allow = ", ".join(self.endpoints)
        self.names = dict(names)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints.get(str(scope["method"]).upper())
        if endpoint is None:
            message = f"{scope['method']} is not an operation of {self.path}; it has {self.allow}"
            await error_response(405, message, headers={"allow": self.allow})(scope, receive, send)
            return
        if self.names:
            params = scope.get("path_params") or {}
            scope["path_params"] = {self.names.get(key, key): value for key, value in params.items()}
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


def operation_routes(operations: Iterable[Operation], endpoint_of: Callable[[Operation], Endpoint]) -> list[Route]:
    """A route per path, in the order the paths first appear, literal segments before templated ones:
    ``/v2/things/export`` must not be taken for ``/v2/things/{id}``."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for operation in operations:
        by_path.setdefault(operation.path, {})[operation.method.upper()] = endpoint_of(operation)
    routes = []
    for path in sorted(by_path, key=lambda path: path.count("{")):
        template, names = route_path(path)
        routes.append(Route(template, PathEndpoint(path, by_path[path], names)))
    return routes

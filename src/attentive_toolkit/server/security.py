"""Who may talk to the sandbox: loopback binds only, loopback ``Host`` names only (DNS rebinding), a token for
``/_sandbox/``, and no cross-site writes to it (CSRF).

The checks run as one ASGI middleware in front of the app, before any body is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from attentive_client.runtime.spec import SAFE_METHODS
from starlette.types import ASGIApp, Receive, Scope, Send

from ..loopback import is_loopback_host
from .auth import TokenScopes, authorize
from .responses import error_response

SANDBOX_PREFIX = "/_sandbox"
# The only headers the guard reads (the server hands them over lower-cased).
GUARD_HEADERS = frozenset({b"host", b"authorization", b"origin", b"content-type"})
# The content types an HTML form or a "simple" cross-site fetch may send without a CORS preflight.
SIMPLE_CONTENT_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})


class NotLoopback(ValueError):
    """A bind address outside loopback; the message says what to use instead."""


def require_loopback(host: str) -> str:
    """The one bind check of the CLI and the library runner: the sandbox has no TLS and a development token.
    Returns the address to bind (``[::1]`` -> ``::1``)."""
    if not is_loopback_host(host):
        raise NotLoopback(
            f"{host!r} is not a loopback address; the sandbox listens on loopback only "
            "(use 127.0.0.1, ::1 or localhost)"
        )
    return host.strip().removeprefix("[").removesuffix("]")


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header: ``[::1]:8080`` -> ``[::1]``, ``localhost:80`` -> ``localhost``."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value.partition("]")[0] + "]"
    return value.partition(":")[0]


class HostPolicy:
    """The ``Host`` names a request may carry: loopback ones and the configured extras."""

    def __init__(self, allowed_hosts: Iterable[str]) -> None:
        # Names as a Host header carries them, without a port: "sandbox.test:8080" allows sandbox.test on any port.
        self.extra = frozenset(host_name(name) for name in allowed_hosts if name.strip())

    def allows(self, host_header: str | None) -> bool:
        if host_header is None:
            # HTTP/1.0 without Host: no browser sends that, so no rebinding either.
            return True
        name = host_name(host_header)
        return is_loopback_host(name) or name in self.extra

    def allows_origin(self, origin: str) -> bool:
        """An ``Origin`` from a page served by this machine (or a configured name) may write; any other may not."""
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        hostname = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return is_loopback_host(hostname) or hostname.lower() in self.extra


def media_type(content_type: str | None) -> str:
    return (content_type or "").partition(";")[0].strip().lower()


class RequestGuard:
    """Refuses, before the app sees them: a foreign ``Host`` (421), a ``/_sandbox/`` call without an accepted token
    (401), and a state-changing ``/_sandbox/`` call that is cross-site (403) or a simple form post (415)."""

    def __init__(self, app: ASGIApp, tokens: TokenScopes, hosts: HostPolicy) -> None:
        self.app = app
        self.tokens = tokens
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message, headers = refusal
        await error_response(status, message, headers=headers)(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str, dict[str, str]] | None:
        headers: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in GUARD_HEADERS:
                # The first of repeated headers, as Starlette (and so the app) reads them.
                headers.setdefault(name, value.decode("latin-1"))
        host = headers.get(b"host")
        if not self.hosts.allows(host):
            allowed = ", ".join(["localhost", "127.0.0.1", "[::1]", *sorted(self.hosts.extra)])
            message = (
                f"the Host header {host!r} is not a name this server answers to (a guard against DNS rebinding); "
                f"use one of {allowed}, or start the server with --allowed-host NAME"
            )
            return 421, message, {"connection": "close"}
        path: str = scope["path"]
        if path != SANDBOX_PREFIX and not path.startswith(SANDBOX_PREFIX + "/"):
            return None
        auth = authorize(headers.get(b"authorization"), self.tokens, frozenset())
        if auth.token is None:
            message = f"/_sandbox/ needs a token this server accepts: {auth.message}"
            return 401, message, {"www-authenticate": 'Bearer realm="attentive"'}
        if scope["method"].lower() in SAFE_METHODS:
            return None
        origin = headers.get(b"origin")
        if origin is not None and origin != "null" and not self.hosts.allows_origin(origin):
            return 403, f"cross-site request refused: Origin {origin!r} may not change the sandbox", {}
        if origin == "null":
            return 403, "cross-site request refused: an opaque Origin ('null') may not change the sandbox", {}
        kind = media_type(headers.get(b"content-type"))
        if kind in SIMPLE_CONTENT_TYPES:
            message = f"Content-Type {kind!r} is refused on the sandbox API: send application/json (or no body)"
            return 415, message, {}
        return None

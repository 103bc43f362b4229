"""The request body limit, as ASGI middleware (so it holds in process too).

The body is read here, chunk by chunk, before the app runs: a declared ``Content-Length`` over the limit is
refused before a byte of the body is read, and a streamed (chunked) body is refused as soon as it passes the
limit. Memory stays at most the limit plus one chunk per request. The app then gets the body in one message; it
would have read it whole anyway. How long the body may take is the connection's business (``connections.py``).
"""

from __future__ import annotations

from attentive_client.runtime import ApiSpec
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .responses import error_response

# Only for a spec that sets no x-max-body-bytes at all: nginx's default client_max_body_size, the commonest cap.
UNDECLARED_MAX_BODY_BYTES = 1 << 20
# A refusal ends the connection: the rest of the body is never read, so the connection can't be reused.
CLOSE = {"connection": "close"}


def describe_bytes(count: int) -> str:
    """``4194304 bytes (4 MiB)``: the exact figure for scripts, a rounded one for people."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count} bytes ({count / size:g} {unit})"
    return f"{count} bytes"


class BodyLimit:
    """Bodies up to the addressed operation's ``x-max-body-bytes`` (the spec's largest for any other path), or up
    to ``max_body_bytes`` for every request when the settings give one."""

    def __init__(self, app: ASGIApp, api: ApiSpec, max_body_bytes: int | None = None) -> None:
        self.app = app
        self.api = api
        self.override = max_body_bytes
        self.default = api.max_body_bytes or UNDECLARED_MAX_BODY_BYTES

    def limit_for(self, scope: Scope) -> int:
        if self.override is not None:
            return self.override
        found = self.api.match(scope["method"], scope["path"])
        return (found[0].max_body_bytes if found else None) or self.default

    @staticmethod
    def too_large(what: str, limit: int) -> str:
        return (
            f"{what} exceeds the limit of {describe_bytes(limit)} per request "
            "(x-max-body-bytes in the effective spec; the server's --max-body-bytes overrides it)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = content_length(scope)
        if declared is not None and declared > limit:
            refusal = self.too_large(f"the declared Content-Length of {declared} bytes", limit)
            await error_response(413, refusal, headers=CLOSE)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away (or was cut off for being too slow): nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                chunks.clear()
                await error_response(413, self.too_large("the request body", limit), headers=CLOSE)(
                    scope, receive, send
                )
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, replay(b"".join(chunks), receive), send)


def content_length(scope: Scope) -> int | None:
    """The declared body size, if any (the HTTP parser has already refused a malformed one)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else None
    return None


def replay(body: bytes, receive: Receive) -> Receive:
    """The whole body as the first message, then the server's own messages (a later disconnect, say)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed

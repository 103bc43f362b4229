"""The request body limit and the body read timeout, as ASGI middleware (so they hold in process too).

The body is read here, chunk by chunk, before the app runs: a declared ``Content-Length`` over the limit is
refused before a byte of the body is read, a streamed (chunked) body is refused as soon as it passes the limit,
and the whole body must arrive within the timeout. Memory stays at most the limit plus one chunk per request.
The app then gets the body in one message; it would have read it whole anyway.
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .responses import error_response

# A refusal ends the connection: the rest of the body is never read, so the connection can't be reused.
CLOSE = {"connection": "close"}


def describe_bytes(count: int) -> str:
    """``4194304 bytes (4 MiB)``: the exact figure for scripts, a rounded one for people."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count} bytes ({count / size:g} {unit})"
    return f"{count} bytes"


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int, timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.timeout_seconds = timeout_seconds

    def too_large(self, what: str) -> str:
        return (
            f"{what} exceeds the limit of {describe_bytes(self.max_body_bytes)} per request "
            "(sized for the vendor's 256 users per bulk request; the server's --max-body-bytes sets it)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            refusal = self.too_large(f"the declared Content-Length of {int(declared)} bytes")
            await error_response(413, refusal, headers=CLOSE)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        try:
            async with asyncio.timeout(self.timeout_seconds):
                while more:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away: nobody to answer
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        chunks.clear()
                        await error_response(413, self.too_large("the request body"), headers=CLOSE)(
                            scope, receive, send
                        )
                        return
                    chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            chunks.clear()
            refusal = (
                f"the request body did not arrive within {self.timeout_seconds:g} seconds "
                f"({size} bytes received); the server's --body-timeout sets the limit"
            )
            await error_response(408, refusal, headers=CLOSE)(scope, receive, send)
            return
        await self.app(scope, replay(b"".join(chunks), receive), send)


def replay(body: bytes, receive: Receive) -> Receive:
    """The whole body as the first message, then the server's own messages (a later disconnect, say)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed

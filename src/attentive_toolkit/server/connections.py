"""Connection-level limits uvicorn lacks: a deadline for request headers, a cap on header bytes, and a cap on
open connections.

uvicorn (checked on 0.54) times out only idle keep-alive connections, and only after a first response:
a client that opens a socket and sends its headers one byte at a time (slowloris) is kept forever, and
httptools buffers headers without a size limit. ``--limit-concurrency`` answers 503 only once a request's
headers are complete, and counts the open connections, so it neither closes slow sockets nor can be set to the
number of connections we allow. Hence this subclass of uvicorn's httptools protocol.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .responses import REASONS

# Request line plus headers; real clients send a few hundred bytes, browsers a few KiB.
MAX_HEADER_BYTES = 64 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_seconds: float
    max_connections: int
    max_header_bytes: int = MAX_HEADER_BYTES


def raw_error(status: int, message: str) -> bytes:
    """A complete HTTP/1.1 error answer in the server's JSON error format, for when no request exists yet."""
    reason = REASONS.get(status, "Error")
    body = json.dumps({"status": status, "error": reason, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits above; :func:`guarded_protocol` binds the figures."""

    limits = ConnectionLimits(header_timeout_seconds=10.0, max_connections=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False
        self._awaiting_headers = True
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            # Refused before it costs anything: never counted, never parsed.
            self._refused = True
            message = f"too many open connections (the limit is {self.limits.max_connections}); try again later"
            transport.write(raw_error(503, message))
            transport.close()
            return
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        # Still inside the headers after this chunk: all of it was header bytes, held in memory until complete.
        if self._awaiting_headers and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.max_header_bytes:
                self._refuse(431, f"the request headers exceed {self.limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_headers = True
        self._header_bytes = 0
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.limits.header_timeout_seconds, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self._awaiting_headers or self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined request is still being answered: close once it is done rather than cut it off.
            self.cycle.keep_alive = False
            return
        seconds = f"{self.limits.header_timeout_seconds:g}"
        self._refuse(408, f"the request headers did not arrive within {seconds} seconds")

    def _refuse(self, status: int, message: str) -> None:
        self._disarm_header_timer()
        self.transport.write(raw_error(status, message))
        self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedHttpToolsProtocol]:
    """A protocol class for ``uvicorn.Config(http=...)`` with these limits (uvicorn builds one per connection)."""
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"limits": limits})

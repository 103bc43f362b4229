"""Connection-level limits uvicorn lacks: deadlines for request headers and bodies, a cap on header bytes, and a cap
on open connections.

uvicorn (checked on 0.54 and 0.55; pyproject.toml allows only those) times out only idle keep-alive connections,
and only after a first response: a client that opens a socket and sends its headers one byte at a time
(slowloris), or a body one byte at a time, is kept forever, and httptools buffers headers without a size limit.
``--limit-concurrency`` answers 503 only once a request's headers are complete, and counts the open connections,
so it neither closes slow sockets nor can be set to the number of connections we allow. Hence this subclass of
uvicorn's private httptools protocol (``tests/server/test_uvicorn_pin.py`` fails when uvicorn changes it).

The deadlines cost nothing per request: each request only records when its headers (then its body) must be
complete, and one timer per connection looks a few times per timeout period (a timer per request, armed and
cancelled, cost about a tenth of the server's time per request).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .responses import REASONS

# Request line plus headers; real clients send a few hundred bytes, browsers a few KiB.
MAX_HEADER_BYTES = 64 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_seconds: float
    body_timeout_seconds: float
    max_connections: int
    max_header_bytes: int = MAX_HEADER_BYTES

    @property
    def check_interval(self) -> float:
        """How often a connection's deadlines are looked at: a deadline is enforced at most a quarter late."""
        return min(self.header_timeout_seconds, self.body_timeout_seconds) / 4


class Phase(Enum):
    HEADERS = "headers"  # waiting for the request line and headers (also before the first byte)
    BODY = "body"  # headers read, the body not complete
    ANSWERING = "answering"  # the request is complete: the app's time, not the client's


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

    limits = ConnectionLimits(header_timeout_seconds=10.0, body_timeout_seconds=30.0, max_connections=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False
        self._phase = Phase.HEADERS
        self._deadline = 0.0
        self._header_bytes = 0
        self._watch: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            # Refused before it costs anything: never counted, never parsed.
            self._refused = True
            message = f"too many open connections (the limit is {self.limits.max_connections}); try again later"
            transport.write(raw_error(503, message))
            transport.close()
            return
        super().connection_made(transport)
        self._expect(Phase.HEADERS, self.limits.header_timeout_seconds)
        self._watch = self.loop.call_later(self.limits.check_interval, self._check_deadline)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        # Still inside the headers after this chunk: all of it was header bytes, held in memory until complete.
        if self._phase is Phase.HEADERS and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.max_header_bytes:
                self._refuse(431, f"the request headers exceed {self.limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._expect(Phase.HEADERS, self.limits.header_timeout_seconds)

    def on_headers_complete(self) -> None:
        self._expect(Phase.BODY, self.limits.body_timeout_seconds)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._phase = Phase.ANSWERING
        super().on_message_complete()

    def _expect(self, phase: Phase, seconds: float) -> None:
        self._phase = phase
        self._deadline = self.loop.time() + seconds

    def _check_deadline(self) -> None:
        self._watch = None
        if self.transport.is_closing():
            return
        if self._phase is not Phase.ANSWERING and self.loop.time() >= self._deadline:
            self._too_slow()
        if not self.transport.is_closing():
            self._watch = self.loop.call_later(self.limits.check_interval, self._check_deadline)

    def _too_slow(self) -> None:
        cycle = self.cycle
        if self._phase is Phase.HEADERS:
            if cycle is not None and not cycle.response_complete:
                # The previous (pipelined) request is still being answered: close after it, don't cut it off.
                self._close_after_answer()
                return
            seconds = f"{self.limits.header_timeout_seconds:g}"
            self._refuse(408, f"the request headers did not arrive within {seconds} seconds")
            return
        if cycle is not None and cycle.response_complete:
            # Answered before the body was read (a 401, say) and the rest of the body is still trickling in.
            self.transport.close()
            return
        if cycle is not None and cycle.response_started:
            self._close_after_answer()
            return
        seconds = f"{self.limits.body_timeout_seconds:g}"
        self._refuse(408, f"the request body did not arrive within {seconds} seconds")

    def _close_after_answer(self) -> None:
        self.cycle.keep_alive = False
        self._phase = Phase.ANSWERING

    def _refuse(self, status: int, message: str) -> None:
        self.transport.write(raw_error(status, message))
        # Closing wakes the app if it waits for the body: it receives a disconnect and gives up quietly.
        self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedHttpToolsProtocol]:
    """A protocol class for ``uvicorn.Config(http=...)`` with these limits (uvicorn builds one per connection)."""
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"limits": limits})

"""Deliberately broken variants of the reference server: ASGI middleware around the real app that changes one
thing about its answers (or its auth), so a test can prove the suite notices."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attentive_toolkit.server.settings import DEV_TOKEN

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


@dataclass
class Exchange:
    """One request/answer as the middleware sees it; a mutator edits status, headers and body in place."""

    method: str
    path: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    def json_request(self) -> Any:
        try:
            return json.loads(self.request_body)
        except ValueError:
            return None

    def set_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        self.headers.append((b"content-length", str(len(self.body)).encode()))


Mutator = Callable[[Exchange], None]


class Breaker:
    """Buffers each request and answer so ``mutate`` can see both; ``before`` may rewrite the request headers.
    Every request seen is kept in ``seen`` as (method, path)."""

    def __init__(self, app: ASGIApp, mutate: Mutator | None = None, before: Mutator | None = None) -> None:
        self.app, self.mutate, self.before = app, mutate, before
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        exchange = Exchange(scope["method"], scope["path"], headers, body)
        self.seen.append((exchange.method, exchange.path))
        if self.before:
            self.before(exchange)
            raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in exchange.request_headers.items()]
            scope = {**scope, "headers": raw}
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.body += message.get("body", b"")

        await self.app(scope, replay, capture)
        if self.mutate:
            self.mutate(exchange)
        await send({"type": "http.response.start", "status": exchange.status, "headers": exchange.headers})
        await send({"type": "http.response.body", "body": exchange.body})


def on(method: str, path: str, mutate: Mutator) -> Mutator:
    def scoped(exchange: Exchange) -> None:
        if exchange.method == method and exchange.path == path:
            mutate(exchange)

    return scoped


def wrong_status(exchange: Exchange) -> None:
    """The upsert answers 201, which the spec doesn't document (it says 202)."""
    if exchange.status == 202:
        exchange.status = 201


def missing_field(exchange: Exchange) -> None:
    """The bulk submit answer loses its required ``batchJobId``."""
    if exchange.status == 202:
        body = json.loads(exchange.body)
        body.pop("batchJobId", None)
        exchange.set_json(body)


def wrong_type(exchange: Exchange) -> None:
    """``GET /v2/me`` answers ``companyName`` as a number."""
    if exchange.status == 200:
        body = json.loads(exchange.body)
        body["companyName"] = 42
        exchange.set_json(body)


def missing_rate_limit_header(exchange: Exchange) -> None:
    exchange.headers = [(k, v) for k, v in exchange.headers if k.lower() != b"x-ratelimit-remaining"]


def invalid_phone_accepted(exchange: Exchange) -> None:
    """A 400 for a body whose phone is not E.164 becomes a 202, as if the server had taken it."""
    request = exchange.json_request()
    identifiers = request.get("identifiers") if isinstance(request, dict) else None
    phone = identifiers.get("phone") if isinstance(identifiers, dict) else None
    if exchange.status == 400 and isinstance(phone, str) and not E164.match(phone):
        exchange.status = 202
        exchange.set_json({"success": True, "message": "accepted"})


def token_not_required(exchange: Exchange) -> None:
    """A request without credentials is served as if it carried the development token."""
    if "authorization" not in exchange.request_headers:
        exchange.request_headers["authorization"] = f"Bearer {DEV_TOKEN}"

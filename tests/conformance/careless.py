"""Deliberately careless targets: ASGI apps that answer without looking at the request."""

from __future__ import annotations

from starlette.types import Receive, Scope, Send


class Careless:
    """Answers every request with ``status`` and ``{}``, except paths in ``ok_paths`` (200 ``{}``)."""

    def __init__(self, status: int = 200, ok_paths: frozenset[str] = frozenset()) -> None:
        self.status, self.ok_paths = status, ok_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        status = 200 if scope["path"] in self.ok_paths else self.status
        headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

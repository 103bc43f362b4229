"""Deliberately careless targets: ASGI apps that answer without looking at the request."""

from __future__ import annotations

import json

from starlette.types import Receive, Scope, Send


class Careless:
    """Answers every request with ``status`` and ``{}``, except paths in ``ok_paths`` (200 ``{}``). With ``echo``,
    every answer also sends the request's ``Authorization`` back, in headers and in the body, as careless servers
    do in their error messages."""

    def __init__(self, status: int = 200, ok_paths: frozenset[str] = frozenset(), echo: bool = False) -> None:
        self.status, self.ok_paths, self.echo = status, ok_paths, echo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        status = 200 if scope["path"] in self.ok_paths else self.status
        body, headers = b"{}", [(b"content-type", b"application/json")]
        sent = dict(scope["headers"]).get(b"authorization", b"")
        if self.echo and sent:
            body = json.dumps({"message": f"you sent {sent.decode()}", "token": sent.split()[-1].decode()}).encode()
            headers += [(b"x-you-sent", sent), (b"x-token", sent.split()[-1])]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

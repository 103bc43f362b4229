"""JSON answers, error bodies and the deliberately dropped connection."""

from __future__ import annotations

import json
from typing import Any

from attentive_client.runtime import FieldError
from starlette.background import BackgroundTask
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    421: "Misdirected Request",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class FastJSONResponse(Response):
    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, self.media_type, background)

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(
    status: int, message: str, violations: list[FieldError] | None = None, headers: dict[str, str] | None = None
) -> FastJSONResponse:
    """``{"status": 400, "error": "Bad Request", "message": "...", "errors": [{"pointer", "message"}]}``; a 400
    always lists at least one violation with its JSON pointer ("" is the whole body)."""
    body: dict[str, Any] = {"status": status, "error": REASONS.get(status, "Error"), "message": message}
    if status == 400:
        body["errors"] = [field_error_json(error) for error in (violations or [FieldError("", "request", message)])]
    return FastJSONResponse(body, status, headers)


def field_error_json(error: FieldError) -> dict[str, str]:
    """One broken rule as the vendor's error bodies and bulk result lines show it: where, and what it says."""
    return {"pointer": error.path, "message": error.message}


class DroppedConnection(Exception):
    """Raised on purpose after the response has started, so the server closes the connection mid-answer."""


class DroppedResponse(Response):
    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(b"", 200, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(key.encode(), value.encode()) for key, value in self.headers.items() if key != "content-length"]
        # Promise a body that never comes: the client sees the connection close mid-response.
        headers.append((b"content-length", b"1024"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        raise DroppedConnection("injected fault: connection dropped")

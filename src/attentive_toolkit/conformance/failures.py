"""Distinct failures of a run: one record per (check, operation, status), each with the exchange that showed it
first (token scrubbed), a curl line that reproduces it and a replay id for ``attentive conformance replay``.

The replay id is a hash of the de-duplication key, so the same failure keeps its id from run to run."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from attentive_client.runtime.redaction import Redactor, redact_auth_headers, redact_header_items

# Enough of an answer to see what went wrong; a cassette of a fuzzed run must not grow without bound.
MAX_BODY_BYTES = 64 * 1024


def replay_id(check: str, operation: str, status: int) -> str:
    digest = hashlib.sha256(f"{check}\x00{operation}\x00{status}".encode()).hexdigest()
    return f"f-{digest[:10]}"


@dataclass(frozen=True)
class Message:
    """One side of an exchange as it went over the wire, with secret headers masked."""

    headers: list[tuple[str, str]]
    body: bytes
    truncated: bool = False

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def body_field(self) -> dict[str, str]:
        """The body for a JSON file: text when it is UTF-8, else base64 (HAR's ``encoding``)."""
        try:
            return {"text": self.body.decode("utf-8")}
        except UnicodeDecodeError:
            return {"text": base64.b64encode(self.body).decode("ascii"), "encoding": "base64"}


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request: Message
    status: int
    reason: str
    response: Message
    elapsed: float


@dataclass
class FailureRecord:
    id: str
    operation: str
    check: str
    title: str
    status_code: int
    phase: str
    curl: str
    exchange: Exchange | None
    occurrences: int = 1
    # What the check said, for the first few distinct ways it broke.
    messages: list[str] = field(default_factory=list)


def _masked(headers: Any, redactor: Redactor) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((str(name), str(item)) for item in values)
    return redact_header_items(pairs, redactor, keep_scheme=True)


def _body_bytes(raw: Any, redactor: Redactor) -> tuple[bytes, bool]:
    if raw is None:
        data = b""
    elif isinstance(raw, bytes):
        data = raw
    elif isinstance(raw, str):
        data = raw.encode("utf-8", errors="surrogateescape")
    else:  # a streamed body (a generator) can't be kept; say so rather than guess
        data = b"(streamed body not recorded)"
    truncated = len(data) > MAX_BODY_BYTES
    data = data[:MAX_BODY_BYTES]
    return redactor.redact_bytes(data), truncated


def capture_exchange(response: Any, redactor: Redactor) -> Exchange | None:
    """The request and answer behind a schemathesis ``Response``; None when the transport kept no request."""
    request = getattr(response, "request", None)
    if request is None:
        return None
    request_body, request_cut = _body_bytes(request.body, redactor)
    response_body, response_cut = _body_bytes(response.content, redactor)
    return Exchange(
        method=str(request.method),
        url=redactor.redact(str(request.url)),
        request=Message(_masked(request.headers, redactor), request_body, request_cut),
        status=int(response.status_code),
        reason=str(getattr(response, "message", "") or ""),
        response=Message(_masked(response.headers, redactor), response_body, response_cut),
        elapsed=float(getattr(response, "elapsed", 0.0) or 0.0),
    )


def render_curl(case: Any, response: Any, redactor: Redactor) -> str:
    try:
        command = str(case.as_curl_command(headers=dict(response.request.headers)))
    except Exception as exc:  # a broken case must not hide the failure it reproduces
        command = f"(no curl command: {type(exc).__name__})"
    return redactor.redact(redact_auth_headers(command))


def failure_title(failure: Any, redactor: Redactor) -> str:
    return redactor.redact(str(getattr(failure, "title", failure)))


# A schema failure's message can quote a whole body; the cassette holds the body itself.
MAX_DETAIL_CHARS = 2000


def failure_message(failure: Any, redactor: Redactor) -> str:
    text = redactor.redact(str(getattr(failure, "message", "") or ""))
    return text if len(text) <= MAX_DETAIL_CHARS else text[:MAX_DETAIL_CHARS] + " [...]"

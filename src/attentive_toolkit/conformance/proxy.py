"""A validating proxy (``attentive proxy``): forwards each request to the upstream API as it came and each answer
back as it came, and reports every way either breaks the spec, in the style of Prism's proxy mode: one line per
violation (operation, direction, JSON pointer, rule) and a JSON report that is rewritten as violations arrive.

Forwarding is byte-for-byte: the body is not re-encoded, the answer is not decompressed, and only what a proxy
must change changes (the ``Host`` header, hop-by-hop headers, framing of a buffered body)."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from attentive_client.runtime import FieldError, media
from starlette.types import Message, Receive, Scope, Send

from .spec_rules import SpecRules

# RFC 9110 7.6.1: connection-specific, never forwarded. `host` is the upstream's own.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"proxy-authenticate", b"proxy-authorization", b"te",
     b"trailer", b"transfer-encoding", b"upgrade", b"host"}
)  # fmt: skip
UPSTREAM_TIMEOUT = 60.0


@dataclass(frozen=True)
class ReportedViolation:
    method: str
    path: str
    operation: str | None
    direction: str  # "request" or "response"
    pointer: str
    rule: str
    message: str
    status: int | None = None

    def line(self) -> str:
        where = self.operation or "(no operation)"
        status = f" {self.status}" if self.status is not None else ""
        return (
            f"VIOLATION {self.method} {self.path} {where} {self.direction}{status} "
            f"{self.pointer or '/'} [{self.rule}] {self.message}"
        )


@dataclass
class ViolationReport:
    """Every violation of a proxy session; ``path`` (when set) holds the JSON twin, rewritten atomically."""

    upstream: str
    path: Path | None = None
    emit: Callable[[str], None] = print
    exchanges: int = 0
    exchanges_with_violations: int = 0
    violations: list[ReportedViolation] = field(default_factory=list)

    def add(self, found: list[ReportedViolation]) -> None:
        self.exchanges += 1
        if found:
            self.exchanges_with_violations += 1
            self.violations.extend(found)
            for violation in found:
                self.emit(violation.line())
        self.write()

    def as_json(self) -> dict[str, Any]:
        return {
            "upstream": self.upstream,
            "exchanges": self.exchanges,
            "exchanges_with_violations": self.exchanges_with_violations,
            "violations": [asdict(violation) for violation in self.violations],
        }

    def write(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".proxy-report-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(self.as_json(), stream, indent=2)
            stream.write("\n")
        os.replace(temporary, self.path)


def _json_body(body: bytes, content_type: str) -> tuple[object, FieldError | None]:
    """The parsed body; a violation when it claims JSON and isn't. None for no body or a non-JSON media type."""
    if not body or "json" not in content_type.lower():
        return None, None
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, FieldError("", "json", f"the body is not JSON: {exc}")


def _decoded(body: bytes, encoding: str) -> bytes | None:
    """The body as the application wrote it (for judging only; the forwarded bytes stay as they were)."""
    try:
        if encoding in ("", "identity"):
            return body
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error, EOFError):
        return None
    return None


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    return next((value.decode("latin-1") for key, value in headers if key.lower() == name), "")


def inspect_exchange(
    rules: SpecRules,
    method: str,
    path: str,
    request_headers: list[tuple[bytes, bytes]],
    request_body: bytes,
    status: int | None,
    response_headers: list[tuple[bytes, bytes]],
    response_body: bytes,
) -> list[ReportedViolation]:
    """Every violation in one exchange (``status`` None: the upstream gave no answer)."""
    matched = rules.match(method, path)

    def report(direction: str, violation: FieldError, code: int | None = None) -> ReportedViolation:
        operation = matched.operation_id if matched else None
        return ReportedViolation(method, path, operation, direction, violation.path, violation.rule,
                                 violation.message, code)  # fmt: skip

    if matched is None:
        return [report("request", FieldError("", "operation", "no operation of the spec has this method and path"))]
    found: list[ReportedViolation] = []
    authorization = _header(request_headers, b"authorization")
    if matched.requires_auth and not authorization.lower().startswith("bearer "):
        found.append(report("request", FieldError("", "security", "no bearer token, but the operation requires one")))
    content_type = _header(request_headers, b"content-type")
    body, problem = _json_body(request_body, content_type)
    form = matched.body_media_type is not None and media.is_form(matched.body_media_type)
    if request_body and form and media.base_media_type(content_type) == matched.body_media_type:
        body, form_problems = rules.decode_form(matched.operation_id, request_body)
        found += [report("request", form_problem) for form_problem in form_problems]
        if not form_problems:
            found += [report("request", v) for v in rules.request_violations(matched.operation_id, body)]
    elif problem is not None:
        found.append(report("request", problem))
    elif not request_body:
        if matched.body_required:
            found.append(report("request", FieldError("", "required", "no body, but the operation requires one")))
    elif body is None and matched.takes_body:
        sent_as = content_type or "no Content-Type"
        wanted = matched.body_media_type or "JSON"
        found.append(report("request", FieldError("", "content-type", f"body sent as {sent_as}, not {wanted}")))
    elif body is not None:
        found += [report("request", v) for v in rules.request_violations(matched.operation_id, body)]
    if status is None:
        return found
    decoded = _decoded(response_body, _header(response_headers, b"content-encoding").strip().lower())
    if decoded is None:
        found.append(
            report("response", FieldError("", "encoding", "the body could not be decoded; not judged"), status)
        )
        return found
    answer, problem = _json_body(decoded, _header(response_headers, b"content-type"))
    if problem is not None:
        found.append(report("response", problem, status))
    found += [report("response", v, status) for v in rules.response_violations(matched.operation_id, status, answer)]
    return found


class ValidatingProxy:
    """An ASGI app: forwards to ``upstream`` and reports violations to ``report``."""

    def __init__(self, upstream: str, rules: SpecRules, report: ViolationReport) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules, self.report = rules, report
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._exchange(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        url = self.upstream + raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        forwarded = [(key, value) for key, value in headers if key.lower() not in HOP_BY_HOP]
        if self._client is None:
            # No default headers of its own: the upstream must see the client's request, not httpx's.
            self._client = httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT, follow_redirects=False)
        request = httpx.Request(scope["method"], url, headers=forwarded, content=body)
        try:
            response = await self._client.send(request, stream=True)
            try:
                answer = b"".join([chunk async for chunk in response.aiter_raw()])
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            self.report.emit(f"UPSTREAM {scope['method']} {scope['path']}: {type(exc).__name__}: {exc}")
            self.report.add(inspect_exchange(self.rules, scope["method"], scope["path"], headers, body, None, [], b""))
            message_body = json.dumps({"error": f"upstream unreachable: {type(exc).__name__}"}).encode()
            await _answer(send, 502, [(b"content-type", b"application/json")], message_body)
            return
        answer_headers = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
        if not any(key.lower() == b"content-length" for key, _ in answer_headers):
            answer_headers.append((b"content-length", str(len(answer)).encode()))
        # Judged before the answer goes back (a millisecond or so): once a client has its answer, the report
        # already holds whatever that exchange broke.
        found = inspect_exchange(
            self.rules, scope["method"], scope["path"], headers, body, response.status_code, answer_headers, answer
        )
        self.report.add(found)
        await _answer(send, response.status_code, answer_headers, answer)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

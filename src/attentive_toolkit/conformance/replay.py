"""``attentive conformance replay ID``: send one recorded failing request again and put the new answer beside
the recorded one. The request comes from the run's cassette (``failures.har``); its token was scrubbed, so the
current one (``ATTENTIVE_API_TOKEN``) is sent in its place."""

from __future__ import annotations

import base64
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from attentive_client.runtime import FieldError
from attentive_client.runtime.redaction import REDACTED, Redactor, redact_header_items

from .artifacts import CASSETTE
from .spec_rules import SpecRules

# Not replayed as recorded: the transport sets them, or they carried the scrubbed secret.
DROPPED_HEADERS = frozenset({"host", "content-length", "authorization", "connection", "accept-encoding", "cookie"})
SHOWN_HEADERS = ("content-type", "x-ratelimit-limit", "x-ratelimit-remaining", "retry-after", "allow")
COLUMN = 58


class ReplayError(Exception):
    """The replay can't be done; the message says why and what to do."""


@dataclass(frozen=True)
class Recorded:
    replay_id: str
    operation: str
    check: str
    title: str
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    had_auth: bool
    status: int
    response_headers: list[tuple[str, str]]
    response_body: bytes
    target: str
    embedded: bool


def _content(holder: dict[str, Any], key: str) -> bytes:
    text = str(holder.get(key, "") or "")
    return base64.b64decode(text) if holder.get("encoding") == "base64" else text.encode("utf-8")


def load_failure(report_dir: Path, replay_id: str) -> Recorded:
    cassette = report_dir / CASSETTE
    if not cassette.is_file():
        raise ReplayError(f"{cassette} does not exist: run the conformance suite first (or pass --report-dir)")
    # One guard for the whole reading: a cassette edited, truncated or from another tool can break at any field.
    try:
        return _recorded(json.loads(cassette.read_text(encoding="utf-8"))["log"], replay_id, cassette)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ReplayError(f"{cassette} is not a cassette written by the suite ({type(exc).__name__})") from None


def _recorded(log: dict[str, Any], replay_id: str, cassette: Path) -> Recorded:
    entries = log["entries"]
    entry = next((item for item in entries if item.get("_replayId") == replay_id), None)
    if entry is None:
        known = ", ".join(str(item.get("_replayId")) for item in entries) or "none (the run had no failure)"
        raise ReplayError(f"no failure {replay_id!r} in {cassette}; recorded: {known}")
    request, response = entry["request"], entry["response"]
    headers = [(h["name"], h["value"]) for h in request["headers"]]
    return Recorded(
        replay_id=replay_id,
        operation=str(entry.get("_operation", "?")),
        check=str(entry.get("_check", "?")),
        title=str(entry.get("_title", "")),
        method=request["method"],
        url=request["url"],
        headers=[(name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS],
        body=_content(request.get("postData") or {}, "text"),
        had_auth=any(name.lower() == "authorization" for name, _ in headers),
        status=int(response["status"]),
        response_headers=[(h["name"], h["value"]) for h in response["headers"]],
        response_body=_content(response.get("content") or {}, "text"),
        target=str(log.get("_target", "")),
        embedded=bool(log.get("_embedded", False)),
    )


def resend(recorded: Recorded, base_url: str, token: str | None, timeout: float = 30.0) -> httpx.Response:
    parts = urlsplit(recorded.url)
    url = base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    headers = list(recorded.headers)
    if recorded.had_auth:
        if token is None:
            raise ReplayError("the recorded request carried a token (scrubbed): set ATTENTIVE_API_TOKEN to replay it")
        headers.append(("Authorization", f"Bearer {token}"))
    try:
        with httpx.Client(timeout=timeout) as client:
            return client.request(recorded.method, url, headers=headers, content=recorded.body or None)
    except httpx.HTTPError as exc:
        redacted = Redactor([token]).redact(str(exc))
        raise ReplayError(f"{recorded.method} {url} could not be sent: {type(exc).__name__}: {redacted}") from None


def _pretty(body: bytes) -> list[str]:
    if not body:
        return ["(empty body)"]
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body.decode("utf-8", errors="replace")
    lines: list[str] = []
    for line in text.splitlines():
        lines += textwrap.wrap(line, COLUMN, subsequent_indent="  ", drop_whitespace=False) or [""]
    return lines


def _header_rows(recorded: list[tuple[str, str]], now: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The headers worth comparing, one row per name on both sides (``(absent)`` where one side lacks it)."""
    left = {name.lower(): value for name, value in recorded}
    right = {name.lower(): value for name, value in now}
    names = [name for name in SHOWN_HEADERS if name in left or name in right]
    return (
        [f"{name}: {left.get(name, '(absent)')}" for name in names],
        [f"{name}: {right.get(name, '(absent)')}" for name in names],
    )


def _parsed(body: bytes) -> object:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def render(recorded: Recorded, answer: httpx.Response, rules: SpecRules | None, redactor: Redactor) -> str:
    # The recording was redacted when it was kept: the answer now is compared redacted alike, or a server that
    # echoes the token would always look changed.
    now_headers = redact_header_items(answer.headers.multi_items(), redactor, keep_scheme=True)
    now_body = redactor.redact_bytes(answer.content)
    left_headers, right_headers = _header_rows(recorded.response_headers, now_headers)
    left = [f"HTTP {recorded.status}", *left_headers, "", *_pretty(recorded.response_body)]
    right = [f"HTTP {answer.status_code}", *right_headers, "", *_pretty(now_body)]
    lines = [
        f"failure {recorded.replay_id}: [{recorded.check}] {recorded.operation}: {recorded.title}",
        f"request {recorded.method} {answer.request.url}" + (f" (token: {REDACTED})" if recorded.had_auth else ""),
        "",
        f"{'recorded':<{COLUMN}} | now",
        f"{'-' * COLUMN}-+-{'-' * COLUMN}",
    ]
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else ""
        b = right[index] if index < len(right) else ""
        mark = "|" if a == b else "*"
        lines.append(f"{a[:COLUMN]:<{COLUMN}} {mark} {b[:COLUMN]}")
    lines.append("")
    same = recorded.status == answer.status_code and _parsed(recorded.response_body) == _parsed(now_body)
    lines.append("verdict: the answer is unchanged" if same else "verdict: the answer CHANGED (rows marked *)")
    if rules is not None:
        lines += spec_verdict(recorded, answer, rules)
    return redactor.redact("\n".join(lines)) + "\n"


def spec_verdict(recorded: Recorded, answer: httpx.Response, rules: SpecRules) -> list[str]:
    method, path = recorded.method, urlsplit(recorded.url).path
    matched = rules.match(method, path)
    if matched is None:
        return [f"spec: {method} {path} is no operation of the spec (a probe of an undeclared method or path)"]
    status = answer.status_code
    violations: list[FieldError] = rules.response_violations(matched.operation_id, status, _parsed(answer.content))
    if not violations:
        return [f"spec: the new answer matches {matched.operation_id}'s documented {answer.status_code} response"]
    return [f"spec: the new answer breaks {len(violations)} rule(s) of {matched.operation_id}:"] + [
        f"  {violation.path or '(body)'} {violation.rule}: {violation.message}" for violation in violations
    ]

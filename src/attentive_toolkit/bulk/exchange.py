"""The bulk endpoints, one attempt at a time, through the runtime's single-attempt send.

The importer runs its own attempts because every one must be paced across tasks and journalled; the runtime sends
each (``send_once_async``: the body was checked record by record as it was read and carries its encoding, so it
is neither checked nor encoded again) and says *when* to try again (``RetryPolicy``). Each answer's body is parsed
once, here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from attentive_client import AuthenticatedClient, errors
from attentive_client.runtime import RetryPolicy
from attentive_client.runtime.bulk_jobs import (
    STATUS_OPERATION,
    SUBMIT_OPERATION,
    job_status_parameters,
    results_location,
)
from attentive_client.runtime.calls import EncodedJson

from ..json_exact import NOT_PARSED, fast_loads

MESSAGE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer: its status, its headers, and its body parsed once (the text's start when not JSON)."""

    status: int
    headers: httpx.Headers
    body: Any
    response: httpx.Response

    @property
    def message(self) -> str:
        """The body's message for people."""
        if isinstance(self.body, Mapping):
            text = str(self.body.get("message") or self.body.get("error") or "")
            details = self.body.get("errors")
            if isinstance(details, list) and details:
                text += " (" + "; ".join(str(item) for item in details[:5]) + ")"
            if text:
                return text[:MESSAGE_LIMIT]
        return f"HTTP {self.status}"


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """No HTTP answer. ``maybe_sent`` is False only when the request certainly never reached the server."""

    maybe_sent: bool
    reason: str


@dataclass(frozen=True, slots=True)
class TooLarge:
    """The body is too large for the server (or for the spec's cap): nothing was applied; send it in parts."""

    reason: str


def users_body(records: list[dict[str, Any]], encoded: list[bytes]) -> EncodedJson:
    """The bulk body of ``records``, made of their compact JSON encodings (``encoded``, made once as they were
    read) joined once, not encoded again."""
    return EncodedJson({"users": records}, b'{"users":[' + b",".join(encoded) + b"]}")


def read_reply(response: httpx.Response) -> Reply:
    """The answer with its body parsed once: JSON (exactly: no number rounded), else the start of its text."""
    content = response.content
    body = fast_loads(content)
    if body is NOT_PARSED:  # orjson declined (a long number, say): the standard parser, else the text's start
        try:
            body = json.loads(content)
        except ValueError:
            body = content[:MESSAGE_LIMIT].decode("utf-8", errors="replace")
    return Reply(response.status_code, response.headers, body, response)


def _no_answer(error: errors.APIConnectionError, policy: RetryPolicy) -> NoAnswer:
    cause = error.__cause__
    # The runtime's policy knows which failures happen before a request leaves: only those are certainly unsent.
    never_sent = cause is not None and policy.never_sent(cause)
    return NoAnswer(maybe_sent=not never_sent, reason=str(error))


async def submit(
    client: AuthenticatedClient, body: EncodedJson, policy: RetryPolicy, body_bytes: int
) -> Reply | NoAnswer | TooLarge:
    """One attempt; ``body_bytes`` is the body's size as the importer measured it."""
    try:
        sent = await client.send_once_async(SUBMIT_OPERATION, body=body)
    except errors.RequestTooLargeError as error:
        return TooLarge(f"{error.size} bytes, over the spec's x-max-body-bytes of {error.limit}")
    except errors.APIConnectionError as error:
        if policy.refused_for_size(error.__cause__, body_bytes):
            return TooLarge(f"the connection was dropped while a body of {body_bytes} bytes was being sent ({error})")
        return _no_answer(error, policy)
    reply = read_reply(sent.response)
    if reply.status == 413:
        return TooLarge(f"HTTP 413 for a body of {body_bytes} bytes: {reply.message}")
    return reply


async def job_status(client: AuthenticatedClient, job_id: str, policy: RetryPolicy) -> Reply | NoAnswer:
    try:
        sent = await client.send_once_async(STATUS_OPERATION, path_params=job_status_parameters(client.spec(), job_id))
    except errors.APIConnectionError as error:
        return _no_answer(error, policy)
    return read_reply(sent.response)


async def download(
    client: AuthenticatedClient, url: str, plain: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
) -> httpx.Response:
    """Fetch a results file; the token goes along only to the API's own origin (the runtime's rule). ``plain``, for
    any other origin, may be given as what makes it on first use."""
    absolute, same_origin = results_location(client.base_url, url)
    if same_origin:
        http = client.get_async_httpx_client()
    else:
        http = plain if isinstance(plain, httpx.AsyncClient) else plain()
    return await http.get(absolute)

"""The bulk endpoints through ``attentive_client``, one attempt at a time.

The importer runs its own retry loop (calls are made with ``max_retries=0``) because every attempt must be
paced across tasks and journalled; *when* to retry and how long to wait are the client's ``RetryPolicy``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.bulk_user_operations import post_bulk_user_attributes
from attentive_client.models.user_attributes import UserAttributes
from attentive_client.runtime import RetryPolicy
from attentive_client.runtime.calls import EncodedJson

MESSAGE_LIMIT = 500


class ValidatedUsers(UserAttributes):
    """A bulk body whose records were each validated against the effective spec already: sent as they are,
    without the round trip through the generated models (which costs more than the rest of the import)."""

    def __init__(self, records: list[dict[str, Any]], encoded: list[bytes] | None = None) -> None:
        super().__init__(users=[])
        self._records = records
        self._encoded = encoded

    def to_dict(self) -> dict[str, Any]:
        body = {"users": self._records}
        if self._encoded and len(self._encoded) == len(self._records):
            # Each record was encoded once when read: the body is those bytes joined, not a second encoding.
            return EncodedJson(body, b'{"users":[' + b",".join(self._encoded) + b"]}")
        return body


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers, and the body's message for people."""

    status: int
    headers: httpx.Headers
    body: Any

    @property
    def message(self) -> str:
        if isinstance(self.body, Mapping):
            text = str(self.body.get("message") or self.body.get("error") or "")
            details = self.body.get("errors")
            if isinstance(details, list) and details:
                text += " (" + "; ".join(str(item) for item in details[:5]) + ")"
            if text:
                return text[:MESSAGE_LIMIT]
        return f"HTTP {self.status}"


@dataclass(frozen=True)
class NoAnswer:
    """No HTTP answer. ``maybe_sent`` is False only when the request certainly never reached the server."""

    maybe_sent: bool
    reason: str


@dataclass(frozen=True)
class TooLarge:
    """The body is too large for the server (or for the spec's cap): nothing was applied; send it in parts."""

    reason: str


def _no_answer(error: errors.APIConnectionError, policy: RetryPolicy) -> NoAnswer:
    cause = error.__cause__
    # The runtime's policy knows which failures happen before a request leaves: only those are certainly unsent.
    never_sent = cause is not None and policy.never_sent(cause)
    return NoAnswer(maybe_sent=not never_sent, reason=str(error))


async def submit(
    client: AuthenticatedClient,
    records: list[dict[str, Any]],
    policy: RetryPolicy,
    body_bytes: int,
    encoded: list[bytes] | None = None,
) -> Answer | NoAnswer | TooLarge:
    """One attempt; ``body_bytes`` is the body's size as the importer measured it, ``encoded`` each record as
    compact JSON when the importer has it."""
    try:
        response = await post_bulk_user_attributes.asyncio_detailed(
            client=client, body=ValidatedUsers(records, encoded), max_retries=0
        )
    except errors.RequestTooLargeError as error:
        return TooLarge(f"{error.size} bytes, over the spec's x-max-body-bytes of {error.limit}")
    except errors.APIConnectionError as error:
        if policy.refused_for_size(error.__cause__, body_bytes):
            return TooLarge(f"the connection was dropped while a body of {body_bytes} bytes was being sent ({error})")
        return _no_answer(error, policy)
    answer = Answer(int(response.status_code), httpx.Headers(response.headers), _json(response.content))
    if answer.status == 413:
        return TooLarge(f"HTTP 413 for a body of {body_bytes} bytes: {answer.message}")
    return answer


async def job_status(client: AuthenticatedClient, job_id: str, policy: RetryPolicy) -> Answer | NoAnswer:
    try:
        response = await get_bulk_job_status.asyncio_detailed(job_id, client=client, max_retries=0)
    except errors.APIConnectionError as error:
        return _no_answer(error, policy)
    return Answer(int(response.status_code), httpx.Headers(response.headers), _json(response.content))


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content[:MESSAGE_LIMIT].decode("utf-8", errors="replace")


def same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


async def download(client: AuthenticatedClient, base_url: str, url: str, plain: httpx.AsyncClient) -> httpx.Response:
    """Fetch a results file. The token goes only to the API's own origin: a results URL elsewhere (a signed
    storage link, say) is fetched without it."""
    absolute = urljoin(base_url.rstrip("/") + "/", url)
    http = client.get_async_httpx_client() if same_origin(absolute, base_url) else plain
    return await http.get(absolute)

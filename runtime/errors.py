"""Every way a call can fail, as one hierarchy under ``AttentiveError``.

``AttentiveError``
    ``RequestValidationError``   the request breaks the spec; nothing was sent
    ``APIConnectionError``       no HTTP answer (after the retries allowed)
        ``APITimeoutError``      a timeout, or the call's total deadline, ran out
    ``APIStatusError``           a non-2xx answer (after the retries allowed)
        ``BadRequestError`` 400, ``UnauthorizedError`` 401, ``ForbiddenError`` 403, ``NotFoundError`` 404,
        ``RateLimitError`` 429, ``ServerError`` 5xx, ``UnexpectedStatus`` any other status the spec does not document
    ``MalformedResponseError``   a 2xx answer whose body is not what the spec documents
    ``ResponseTooLargeError``    an answer larger than the client's ``max_response_bytes``
    ``ClientClosedError``        a call through a client whose ``with`` block has ended
    ``MissingTokenError``        no token given and ``ATTENTIVE_API_TOKEN`` unset

Nothing a caller can see or keep carries the client's token, even when the server echoed it back: the message,
``str``, ``repr``, the answer's ``headers``, ``body`` and ``json``, and a pickle of the error are redacted before
they are stored (see ``redaction``).
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

import httpx
from attrs import frozen

from .redaction import REDACTED, Redactor, redact_header_items, redact_headers, scrub

_BODY_PREVIEW_CHARS = 500


class AttentiveError(Exception):
    """Base of every error this client raises."""

    operation_id: str

    def __init__(self, message: str, *, operation_id: str) -> None:
        super().__init__(message)
        self.operation_id = operation_id

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls ``cls(*args)``, which keyword-only constructors refuse: rebuild without
        # calling __init__, from the message and the attributes, all of them redacted already.
        return (_restore, (type(self), self.args), dict(vars(self)))


def _restore(error_class: type[AttentiveError], args: tuple[Any, ...]) -> AttentiveError:
    return error_class.__new__(error_class, *args)


def _redacted_answer(headers: httpx.Headers, body: bytes, redactor: Redactor) -> tuple[httpx.Headers, bytes]:
    """An answer's headers and body as they may be kept: a server may echo the token in any of them."""
    return httpx.Headers(redact_header_items(headers.multi_items(), redactor)), redactor.redact_bytes(body)


@frozen
class FieldError:
    """One broken rule: where (a JSON pointer into the request body), which rule, and what it says."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.rule}: {self.message}"


class RequestValidationError(AttentiveError, ValueError):
    """The request breaks the effective spec. Raised before anything is sent."""

    errors: tuple[FieldError, ...]

    def __init__(self, *, operation_id: str, errors: Sequence[FieldError], secrets: Iterable[str] = ()) -> None:
        self.errors = tuple(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        count = len(self.errors)
        fields = "1 field breaks" if count == 1 else f"{count} fields break"
        message = f"{operation_id}: request not sent, {fields} the spec:\n{lines}"
        super().__init__(scrub(message, secrets), operation_id=operation_id)


class APIConnectionError(AttentiveError):
    """No HTTP answer arrived: the connection failed or was cut."""

    attempts: int
    method: str
    url: str

    def __init__(
        self,
        *,
        operation_id: str,
        method: str,
        url: str,
        attempts: int,
        cause: BaseException,
        secrets: Iterable[str] = (),
    ) -> None:
        redactor = Redactor(secrets)
        self.attempts = attempts
        self.method = method.upper()
        self.url = redactor.redact(url)
        reason = redactor.redact(str(cause) or type(cause).__name__)
        message = f"{operation_id}: {self.method} {self.url}: {self._what()} after {attempts} attempt(s): {reason}"
        super().__init__(message, operation_id=operation_id)

    def _what(self) -> str:
        return "connection failed"


class APITimeoutError(APIConnectionError):
    """The connection, a read, a write or the wait for a pooled connection timed out."""

    def _what(self) -> str:
        return "timed out"


class APIStatusError(AttentiveError):
    """The API answered with a status outside 2xx.

    Attributes:
        status_code: the HTTP status of the last answer.
        headers: its headers.
        body: its raw bytes.
        json: the body parsed, when it is JSON; otherwise None.
        attempts: how many requests were made, retries included.
    """

    status_code: int
    headers: httpx.Headers
    body: bytes
    json: object | None
    attempts: int
    method: str
    url: str

    def __init__(
        self,
        *,
        operation_id: str,
        status_code: int,
        headers: httpx.Headers,
        body: bytes,
        method: str = "",
        url: str = "",
        attempts: int = 1,
        secrets: Iterable[str] = (),
    ) -> None:
        redactor = Redactor(secrets)
        headers, body = _redacted_answer(headers, body, redactor)
        self.status_code = status_code
        self.headers = headers
        self.body = body
        self.json = _parse_json(headers, body)
        self.attempts = attempts
        self.method = method.upper()
        self.url = redactor.redact(url)
        try:
            reason = HTTPStatus(status_code).phrase
        except ValueError:
            reason = "unknown status"
        message = f"{operation_id}: HTTP {status_code} {reason} after {attempts} attempt(s)"
        if self.url:
            message += f" ({self.method} {self.url})"
        preview = body[:_BODY_PREVIEW_CHARS].decode("utf-8", errors="replace").strip()
        if preview:
            message += f": {preview}"
        super().__init__(redactor.redact(message), operation_id=operation_id)


class BadRequestError(APIStatusError):
    """400: the API refused the request as invalid."""


class UnauthorizedError(APIStatusError):
    """401: the token is missing, wrong or expired."""


class ForbiddenError(APIStatusError):
    """403: the token lacks a scope this operation needs."""


class NotFoundError(APIStatusError):
    """404: no such resource (an unknown or expired bulk job id, say)."""


class RateLimitError(APIStatusError):
    """429: over the vendor's rate limit, still so after the retries allowed."""


class ServerError(APIStatusError):
    """5xx: the API failed."""


class UnexpectedStatus(APIStatusError):
    """A status the spec does not document for this operation."""

    def __init__(
        self,
        status_code: int,
        content: bytes,
        *,
        operation_id: str = "",
        headers: httpx.Headers | None = None,
        method: str = "",
        url: str = "",
        attempts: int = 1,
        secrets: Iterable[str] = (),
    ) -> None:
        # Positional (status_code, content) as in the generator's own class, so older callers keep working.
        super().__init__(
            operation_id=operation_id,
            status_code=status_code,
            headers=headers if headers is not None else httpx.Headers(),
            body=content,
            method=method,
            url=url,
            attempts=attempts,
            secrets=secrets,
        )

    @property
    def content(self) -> bytes:
        return self.body


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    429: RateLimitError,
}


class MalformedResponseError(AttentiveError):
    """A 2xx answer whose body is not what the spec documents (not JSON, or a required field missing).

    The request was accepted, so it may well have taken effect; only its answer can't be read. Not a subclass of
    ``APIStatusError``: the status was a success.

    Attributes:
        status_code, headers, body, attempts: as on ``APIStatusError``.
        reason: what did not match.
    """

    status_code: int
    headers: httpx.Headers
    body: bytes
    attempts: int
    reason: str

    def __init__(
        self,
        *,
        operation_id: str,
        status_code: int,
        headers: httpx.Headers,
        body: bytes,
        reason: str,
        attempts: int = 1,
        secrets: Iterable[str] = (),
    ) -> None:
        redactor = Redactor(secrets)
        headers, body = _redacted_answer(headers, body, redactor)
        self.status_code = status_code
        self.headers = headers
        self.body = body
        self.attempts = attempts
        self.reason = redactor.redact(reason)
        message = f"{operation_id}: the HTTP {status_code} answer does not match the spec: {self.reason}"
        preview = body[:_BODY_PREVIEW_CHARS].decode("utf-8", errors="replace").strip()
        if preview:
            message += f"; body: {preview}"
        super().__init__(redactor.redact(message), operation_id=operation_id)


class ResponseTooLargeError(AttentiveError):
    """The answer's body grew past the client's ``max_response_bytes``; the connection was closed unread.

    Attributes:
        status_code, headers: of the answer whose body was cut off.
        limit: the cap, in bytes.
    """

    status_code: int
    headers: httpx.Headers
    limit: int

    def __init__(
        self,
        *,
        operation_id: str,
        status_code: int,
        headers: httpx.Headers,
        limit: int,
        secrets: Iterable[str] = (),
    ) -> None:
        self.status_code = status_code
        self.headers = _redacted_answer(headers, b"", Redactor(secrets))[0]
        self.limit = limit
        message = f"{operation_id}: the HTTP {status_code} answer is larger than max_response_bytes ({limit} bytes)"
        super().__init__(message, operation_id=operation_id)


class ClientClosedError(AttentiveError):
    """The client was closed (its ``with`` block ended, or ``close`` was called): nothing was sent.

    A closed client can't be reopened; make a new one, or keep one ``with`` block around every call.
    """

    def __init__(self, *, operation_id: str) -> None:
        message = (
            f"{operation_id}: request not sent, the client is closed (its `with` block has ended): "
            "make a new client, or keep the calls inside one `with client:` block"
        )
        super().__init__(message, operation_id=operation_id)


class MissingTokenError(AttentiveError, ValueError):
    """An ``AuthenticatedClient`` was made without a usable token: none given and ``ATTENTIVE_API_TOKEN`` unset or
    empty, or one that no request header can carry (``problem`` says which; the token itself is never shown)."""

    def __init__(self, variable: str, problem: str = "") -> None:
        message = problem or (
            f"no token: pass token=... to AuthenticatedClient, or set the {variable} environment variable"
        )
        super().__init__(message, operation_id="")


class RequestTooLargeError(AttentiveError, ValueError):
    """The request body is larger than the operation's ``x-max-body-bytes``; nothing was sent.

    Attributes:
        size: the body's size in bytes.
        limit: the cap the effective spec sets, in bytes.
    """

    size: int
    limit: int

    def __init__(self, *, operation_id: str, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        message = f"{operation_id}: the request body is {size} bytes, over the {limit} bytes the spec allows"
        super().__init__(message + " (x-max-body-bytes); nothing was sent", operation_id=operation_id)


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The class for a non-2xx status: one per status the spec documents, ``UnexpectedStatus`` for the rest."""
    if 500 <= status_code <= 599:
        return ServerError
    return _STATUS_ERRORS.get(status_code, UnexpectedStatus)


def _parse_json(headers: httpx.Headers, body: bytes) -> object | None:
    if "json" not in headers.get("content-type", "") or not body:
        return None
    try:
        parsed: object = _json.loads(body)
    except ValueError:
        return None
    return parsed


__all__ = [
    "REDACTED",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AttentiveError",
    "BadRequestError",
    "ClientClosedError",
    "FieldError",
    "ForbiddenError",
    "MalformedResponseError",
    "MissingTokenError",
    "NotFoundError",
    "RateLimitError",
    "RequestTooLargeError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ServerError",
    "UnauthorizedError",
    "UnexpectedStatus",
    "redact_headers",
    "scrub",
    "status_error_class",
]

"""One call of an operation across its attempts: the deadline, the retry decisions, reading a bounded body.

Kept apart from the clients so that the sync and async loops share every decision and differ only in how they
wait and read.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import ModuleType
from typing import Any, Protocol

import httpx
from attrs import frozen

from . import errors
from .pacing import Pacer
from .redaction import Redactor, mask_personal_data, redact_headers
from .retry import RetryPolicy
from .spec import Operation
from .validation import not_json_reason

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - the toolkit installs it; a bare generated client may not have it
    _orjson = None

__all__ = ["PATH_PARAMETERS", "Call", "EncodedJson", "Sent", "read_body", "read_body_async"]

_TIMEOUT_PARTS = ("connect", "read", "write", "pool")
# The key of a request that holds its path parameters' values by their names in the spec: the runtime puts them
# into the operation's path, and httpx never sees the key.
PATH_PARAMETERS = "path_params"
_REPLACED_BY_CONTENT = frozenset({"json", "headers", PATH_PARAMETERS})


@frozen
class Sent:
    """The last answer to a call, and how many requests it took to get it."""

    operation: Operation
    response: httpx.Response
    attempts: int


class EncodedJson(dict[str, Any]):
    """A JSON object body that carries its own compact UTF-8 encoding, made once by the caller (the bulk importer
    encodes each record as it reads it): sent as those bytes, not encoded again."""

    def __init__(self, value: dict[str, Any], encoded: bytes) -> None:
        super().__init__(value)
        self.encoded = encoded


def fast_json(body: object) -> bytes | None:
    """``body`` as compact UTF-8 JSON by orjson, several times faster than the standard library; None where it is
    not installed (the generated client does not require it) or might encode differently from httpx's own
    ``json=`` (an integer beyond 64 bits, a non-string key, a subclass, and anything holding ``null``, which is
    how orjson writes a NaN that httpx refuses): httpx encodes those."""
    if isinstance(body, EncodedJson):
        return body.encoded
    if _orjson is None:
        return None
    try:
        content: bytes = _orjson.dumps(body, option=_orjson.OPT_PASSTHROUGH_SUBCLASS | _orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
    return None if b"null" in content else content


def url_on_base(base: httpx.URL, path: str) -> httpx.URL:
    """``path`` put on a client's ``base`` URL exactly as httpx puts a relative URL there (appended to the base's
    path, which httpx ends with ``/``); an absolute URL as it is."""
    url = httpx.URL(path)
    if not url.is_relative_url:
        return url
    return base.copy_with(raw_path=base.raw_path + url.raw_path.lstrip(b"/"))


def longest_timeout(timeout: httpx.Timeout) -> float | None:
    """The longest of a timeout's parts; None when one of them is unbounded."""
    parts = [getattr(timeout, name) for name in _TIMEOUT_PARTS]
    return None if None in parts else max(parts)


class CallOwner(Protocol):
    """What a call needs from the client that makes it, asked for only when needed (most calls need little)."""

    max_response_bytes: int | None

    def request_url(self, client: httpx.Client | httpx.AsyncClient, operation: Operation, path: str) -> httpx.URL: ...

    @property
    def base_url(self) -> str: ...

    def redactor(self) -> Redactor: ...

    def retry_policy(self) -> RetryPolicy: ...

    def call_logger(self) -> logging.Logger: ...

    def sensitive_headers(self) -> tuple[str, ...]: ...

    def timeout_bounds(self) -> tuple[httpx.Timeout, float | None]: ...


class Call:
    """The state of one call: what to send, how many retries remain, and when its deadline runs out."""

    __slots__ = (
        "_body_size",
        "_encoded_request",
        "_longest",
        "_policy",
        "attempt",
        "body",
        "clock",
        "deadline",
        "deadline_seconds",
        "operation",
        "owner",
        "request",
        "retries",
        "timeout",
        "url",
    )

    def __init__(
        self,
        owner: CallOwner,
        operation: Operation,
        request: dict[str, Any],
        retries: int,
        timeout: httpx.Timeout | None,
        deadline_seconds: float | None,
        clock: Callable[[], float],
    ) -> None:
        self.owner = owner
        self.operation = operation
        self.request = request
        self.url = operation.request_path(request.get(PATH_PARAMETERS))
        self.body = request["json"] if "json" in request else request.get("data")
        self._encoded_request: dict[str, Any] | None = None
        # The encoded body's length where the runtime encoded it: known without asking the request's headers.
        self._body_size: int | None = None
        self.retries = retries
        self._policy: RetryPolicy | None = None
        # None: the httpx client's own timeout applies (the common case, which costs nothing extra per attempt).
        self.timeout = timeout
        self._longest = owner.timeout_bounds()[1] if timeout is None else longest_timeout(timeout)
        self.clock = clock
        self.deadline = None if deadline_seconds is None else clock() + deadline_seconds
        self.deadline_seconds = deadline_seconds
        self.attempt = 0

    @property
    def policy(self) -> RetryPolicy:
        # Only a call that meets a failure needs one: built then, not on the common path.
        if self._policy is None:
            self._policy = self.owner.retry_policy()
        return self._policy

    # --- before an attempt -------------------------------------------------------------------------------------

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def pacing_wait(self, pacer: Pacer | None) -> float:
        """0 when a slot is taken; otherwise how long to wait before asking again (raises past the deadline)."""
        if pacer is None:
            return 0.0
        wait = pacer.poll()
        if wait > 0:
            self.ensure_time_for(wait, "waiting for a rate-limit slot")
        return wait

    def build(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """The next attempt's request, its timeouts cut to what is left of the deadline."""
        self.attempt += 1
        timeout = self._attempt_timeout()
        encoded = self._encoded()
        try:
            method = self.operation.http_method
            url = self.owner.request_url(client, self.operation, self.url)
            if timeout is None:
                request = client.build_request(method, url, **encoded)
            else:
                request = client.build_request(method, url, **encoded, timeout=timeout)
        except (ValueError, UnicodeEncodeError, httpx.InvalidURL) as exc:
            if isinstance(exc, httpx.InvalidURL):  # a path parameter too long for a URL (httpx caps it at 64 KiB)
                problem = errors.FieldError("", "url", f"the URL with its path parameters is unusable: {exc}")
            else:
                problem = not_json_reason(self.body) or errors.FieldError("", "json", f"cannot be encoded: {exc}")
            raise errors.RequestValidationError(
                operation_id=self.operation.operation_id, errors=[problem], secrets=self.owner.redactor().secrets
            ) from None
        limit = self.operation.max_body_bytes
        if limit is not None:
            # The declared length: known without reading a streamed body. A server would refuse a larger one
            # (413, or a dropped connection while the body is still being sent), so it is never sent.
            size = self._body_size if self._body_size is not None else int(request.headers.get("content-length") or 0)
            if size > limit:
                raise errors.RequestTooLargeError(operation_id=self.operation.operation_id, size=size, limit=limit)
        return request

    def _encoded(self) -> dict[str, Any]:
        """The request with its JSON body encoded, once for every attempt of the call (orjson where installed)."""
        if self._encoded_request is None:
            content = fast_json(self.body) if "json" in self.request else None
            if content is None:
                self._encoded_request = {key: value for key, value in self.request.items() if key != PATH_PARAMETERS}
            else:
                # A plain dict, not httpx.Headers: httpx merges it into the client's headers once either way, and
                # building Headers first doubled that work on every call.
                headers = dict(self.request.get("headers") or {})
                if not (headers and any(name.lower() == "content-type" for name in headers)):
                    headers["Content-Type"] = "application/json"
                encoded = {key: value for key, value in self.request.items() if key not in _REPLACED_BY_CONTENT}
                encoded["content"] = content
                encoded["headers"] = headers
                self._encoded_request = encoded
                self._body_size = len(content)
        return self._encoded_request

    def _attempt_timeout(self) -> httpx.Timeout | None:
        remaining = self.remaining()
        if remaining is None or (self._longest is not None and self._longest <= remaining):
            return self.timeout
        left = max(remaining, 0.001)
        parts = {name: getattr(self.timeout or self.owner.timeout_bounds()[0], name) for name in _TIMEOUT_PARTS}
        return httpx.Timeout(**{name: left if value is None else min(value, left) for name, value in parts.items()})

    # --- after an attempt --------------------------------------------------------------------------------------

    def delay_after_error(self, error: httpx.TransportError) -> float:
        """The wait before the next attempt; raises the typed error when there is to be none."""
        delay = None
        if self.attempt <= self.retries:
            delay = self.policy.delay_after_error(error, self._resendable, self.attempt)
        if delay is None or not self._time_for(delay):
            raise self._connection_error(error) from error
        self._log_retry(type(error).__name__, delay)
        return delay

    def delay_after_response(self, response: httpx.Response) -> float | None:
        """The wait before retrying after ``response``; None when it is the call's answer."""
        if self.owner.call_logger().isEnabledFor(logging.DEBUG):
            self._log_exchange(response)
        if response.status_code < 400 or self.attempt > self.retries:
            return None
        delay = self.policy.delay_after_response(response, self._resendable, self.attempt)
        if delay is None or not self._time_for(delay):
            return None
        self._log_retry(f"HTTP {response.status_code}", delay)
        return delay

    def sent(self, response: httpx.Response) -> Sent:
        return Sent(operation=self.operation, response=response, attempts=self.attempt)

    def deadline_error(self, what: str) -> errors.APIConnectionError:
        cause = TimeoutError(f"the call's deadline of {self.deadline_seconds:g} s ran out while {what}")
        return self._connection_error(cause)

    def ensure_time_for(self, seconds: float, what: str) -> None:
        if not self._time_for(seconds):
            raise self.deadline_error(what)

    def check_deadline(self, what: str) -> None:
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise self.deadline_error(what)

    def too_large(self, response: httpx.Response) -> errors.ResponseTooLargeError:
        limit = self.owner.max_response_bytes
        assert limit is not None
        return errors.ResponseTooLargeError(
            operation_id=self.operation.operation_id,
            status_code=response.status_code,
            headers=response.headers,
            limit=limit,
            secrets=self.owner.redactor().secrets,
        )

    def _time_for(self, seconds: float) -> bool:
        remaining = self.remaining()
        return remaining is None or seconds < remaining

    def _resendable(self) -> bool:
        return self.operation.is_resendable(self.body)

    def _connection_error(self, cause: BaseException) -> errors.APIConnectionError:
        self.owner.redactor().redact_exception(cause)  # chained to the typed error, and it may quote the request
        timed_out = isinstance(cause, httpx.TimeoutException | TimeoutError)
        error_class = errors.APITimeoutError if timed_out else errors.APIConnectionError
        return error_class(
            operation_id=self.operation.operation_id,
            method=self.operation.method,
            url=self.owner.base_url.rstrip("/") + self.operation.path,
            attempts=max(self.attempt, 1),
            cause=cause,
            secrets=self.owner.redactor().secrets,
        )

    def _log_retry(self, reason: str, delay: float) -> None:
        self.owner.call_logger().info(
            "%s: retry %d of %d in %.2f s after %s",
            self.operation.operation_id,
            self.attempt,
            self.retries,
            delay,
            reason,
        )

    def _log_exchange(self, response: httpx.Response) -> None:
        request = response.request
        redactor = self.owner.redactor()
        body = redactor.redact(mask_personal_data(request.content[:2000].decode("utf-8", errors="replace")))
        self.owner.call_logger().debug(
            "%s: %s %s -> HTTP %d (attempt %d), request headers %s, body %s",
            self.operation.operation_id,
            request.method,
            redactor.redact(str(request.url)),
            response.status_code,
            self.attempt,
            redact_headers(request.headers, self.owner.sensitive_headers()),
            body,
        )


def _checked_chunks(call: Call, response: httpx.Response, chunk: bytes, size: int) -> int:
    size += len(chunk)
    if call.owner.max_response_bytes is not None and size > call.owner.max_response_bytes:
        raise call.too_large(response)
    call.check_deadline("reading the answer")
    return size


def _complete(response: httpx.Response, chunks: list[bytes]) -> httpx.Response:
    # A plain, fully read response: the raw bytes with the original headers, decoded on access as httpx does.
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=b"".join(chunks),
        request=response.request,
        extensions=response.extensions,
    )


def _already_read(call: Call, response: httpx.Response) -> bool:
    # An in-process transport (httpx.MockTransport, ASGITransport) hands over a body that is already in memory.
    if not response.is_stream_consumed:
        return False
    if call.owner.max_response_bytes is not None and len(response.content) > call.owner.max_response_bytes:
        raise call.too_large(response)
    return True


def read_body(call: Call, response: httpx.Response) -> httpx.Response:
    """Read a streamed answer within the call's deadline and size cap, chunk by chunk."""
    if _already_read(call, response):
        return response
    chunks: list[bytes] = []
    size = 0
    try:
        stream: Iterator[bytes] = response.iter_raw()
        for chunk in stream:
            size = _checked_chunks(call, response, chunk, size)
            chunks.append(chunk)
    finally:
        response.close()
    return _complete(response, chunks)


async def read_body_async(call: Call, response: httpx.Response) -> httpx.Response:
    if _already_read(call, response):
        return response
    chunks: list[bytes] = []
    size = 0
    try:
        stream: AsyncIterator[bytes] = response.aiter_raw()
        async for chunk in stream:
            size = _checked_chunks(call, response, chunk, size)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return _complete(response, chunks)


def merged_headers(request: Mapping[str, Any], extra: Mapping[str, str] | None) -> dict[str, Any]:
    """The request's own headers with the caller's per-call ``extra_headers`` on top."""
    headers = dict(request.get("headers") or {})
    if extra:
        headers.update(extra)
    return headers

"""The clients, and the machinery every generated call goes through.

Each call is checked against the effective spec before it is sent, optionally paced to the operation's
documented rate limit, retried when that is safe, and turned into a typed error (``errors``) when it fails.
The token is kept out of every ``repr``, log line and error message.
"""

import asyncio
import datetime
import email.utils
import json
import logging
import random
import re
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from pathlib import Path
from typing import Any, Self

import httpx
import jsonschema_rs
from attrs import define, evolve, field, frozen

from . import errors
from ._provenance import EFFECTIVE_SPEC_SHA256

PACKAGE_NAME = "attentive-client"
PACKAGE_VERSION = "0.1.0"
DEFAULT_BASE_URL = "https://api.attentivemobile.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=10.0)
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"{PACKAGE_NAME}/{PACKAGE_VERSION} (spec-sha256 {EFFECTIVE_SPEC_SHA256[:12]}; httpx/{httpx.__version__})"

logger = logging.getLogger("attentive_client")

# --- What the effective spec says about each operation: its id, its rate limit, the schema of its body. -------------
# The spec travels with the package (openapi.json beside this module), so the checks are the spec's own rules.

_SPEC_PATH = Path(__file__).with_name("openapi.json")
_PATH_PARAMETER = re.compile(r"\{[^}/]*\}")
_SAFE_METHODS = frozenset({"get", "head", "options"})
# Operations that create-or-update: sending one twice leaves the same state, unless it carries subscriptions.
_UPSERT_OPERATIONS = frozenset({"postUserAttributes", "postBulkUserAttributes"})


@frozen
class Operation:
    """One operation of the effective spec, as the runtime needs it."""

    operation_id: str
    method: str
    path: str
    rate_limit_per_second: float | None
    body_validator: jsonschema_rs.Validator | None

    def check_body(self, body: object, secrets: tuple[str, ...]) -> None:
        """Raise ``errors.RequestValidationError`` naming every broken rule; nothing has been sent yet."""
        if self.body_validator is None or self.body_validator.is_valid(body):
            return
        field_errors = [_field_error(error) for error in self.body_validator.iter_errors(body)]
        raise errors.RequestValidationError(operation_id=self.operation_id, errors=field_errors, secrets=secrets)

    def is_repeatable(self, body: object) -> bool:
        """Whether sending this request again is harmless when we cannot tell if the first one took effect.

        Reads are. Upserts are, unless they carry subscriptions: the vendor records a repeated subscription
        again, and for TEXT that can text the person again. Anything else is not.
        """
        if self.method in _SAFE_METHODS:
            return True
        return self.operation_id in _UPSERT_OPERATIONS and not _carries_subscriptions(body)


def _carries_subscriptions(node: object) -> bool:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "subscriptions" and isinstance(value, list) and value:
                return True
            if isinstance(value, dict | list) and _carries_subscriptions(value):
                return True
    elif isinstance(node, list):
        return any(_carries_subscriptions(item) for item in node)
    return False


def _field_error(error: jsonschema_rs.ValidationError) -> errors.FieldError:
    path = list(error.instance_path)
    rule = str(error.schema_path[-1]) if error.schema_path else "schema"
    message = error.message
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        path.append(kind.property)
        message = "is required"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf):
        message = _any_of_message(kind.context)
    pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return errors.FieldError(path=pointer, rule=rule, message=message)


def _any_of_message(branches: list[list[jsonschema_rs.ValidationError]]) -> str:
    missing: list[str] = []
    for branch in branches:
        if len(branch) != 1 or not isinstance(branch[0].kind, jsonschema_rs.ValidationErrorKind.Required):
            return "matches none of the allowed forms: " + "; ".join(
                ", ".join(error.message for error in branch) for branch in branches
            )
        missing.append(str(branch[0].kind.property))
    return "needs at least one of: " + ", ".join(missing)


class _OperationRegistry:
    """Reads the spec once, on first use, and builds each operation's validator once; safe across threads."""

    def __init__(self, spec_path: Path) -> None:
        self._spec_path = spec_path
        self._lock = threading.Lock()
        self._spec: dict[str, Any] | None = None
        self._operations: dict[tuple[str, str], Operation] = {}

    def get(self, method: str, path: str) -> Operation:
        operation = self._operations.get((method, path))
        if operation is None:
            with self._lock:
                operation = self._operations.get((method, path)) or self._build(method, path)
                self._operations[(method, path)] = operation
        return operation

    def spec(self) -> dict[str, Any]:
        if self._spec is None:
            self._spec = json.loads(self._spec_path.read_text(encoding="utf-8"))
        return self._spec

    def _build(self, method: str, path: str) -> Operation:
        spec = self.spec()
        # The generator renames path parameters (bulkJobId becomes bulk_job_id): match on the path's shape.
        shape = _PATH_PARAMETER.sub("{}", path)
        spec_path, definition = next(
            (
                (candidate, item.get(method))
                for candidate, item in spec.get("paths", {}).items()
                if _PATH_PARAMETER.sub("{}", candidate) == shape and isinstance(item.get(method), dict)
            ),
            (path, None),
        )
        if not isinstance(definition, dict):
            raise LookupError(f"{method.upper()} {path} is not in {self._spec_path}: regenerate the client")
        rate = definition.get("x-rate-limit-per-second")
        return Operation(
            operation_id=str(definition.get("operationId", f"{method.upper()} {spec_path}")),
            method=method,
            path=spec_path,
            rate_limit_per_second=float(rate) if isinstance(rate, int | float) and rate > 0 else None,
            body_validator=self._body_validator(spec, definition),
        )

    @staticmethod
    def _body_validator(spec: dict[str, Any], definition: dict[str, Any]) -> jsonschema_rs.Validator | None:
        request_body = definition.get("requestBody")
        if isinstance(request_body, dict) and "$ref" in request_body:
            name = str(request_body["$ref"]).rsplit("/", 1)[-1]
            request_body = spec.get("components", {}).get("requestBodies", {}).get(name)
        if not isinstance(request_body, dict):
            return None
        schema = request_body.get("content", {}).get("application/json", {}).get("schema")
        if not isinstance(schema, dict):
            return None
        # The body schema's local references (#/components/...) resolve against this root.
        root = {**schema, "components": spec.get("components", {})}
        return jsonschema_rs.Draft7Validator(root, validate_formats=True)


_OPERATIONS = _OperationRegistry(_SPEC_PATH)


def operation_for(method: str, path: str) -> Operation:
    """The spec's view of the operation at ``method`` ``path`` (as written in the spec, before path parameters)."""
    return _OPERATIONS.get(method, path)


# --- When to try again, and how long to wait first. ----------------------------------------------------------------

# Failures where the request never left this process: always safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have reached the server: only a repeatable request is sent again.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


@frozen
class RetryPolicy:
    """Exponential backoff with jitter, ``Retry-After`` (seconds or HTTP date) honoured up to a cap."""

    initial_delay: float
    max_delay: float
    max_retry_after: float
    random: Callable[[], float]
    wall_clock: Callable[[], float]

    def backoff(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1-based): doubling from ``initial_delay``, capped, minus up to 25%."""
        delay = min(self.initial_delay * 2.0 ** (retry_number - 1), self.max_delay)
        return delay * (1.0 - 0.25 * self.random())

    def delay_after_response(
        self, response: httpx.Response, repeatable: Callable[[], bool], retry_number: int
    ) -> float | None:
        """How long to wait before retrying after ``response``, or None when it must not be retried."""
        status = response.status_code
        if status != 429 and not (500 <= status <= 599 and repeatable()):
            return None
        retry_after = self.retry_after(response.headers)
        if retry_after is not None:
            return retry_after
        delay = self.backoff(retry_number)
        if status == 429 and response.headers.get("x-ratelimit-remaining", "").strip() == "0":
            # The vendor's limits are per second: nothing is accepted before the window turns over.
            delay = max(delay, 1.0)
        return delay

    def delay_after_error(
        self, error: httpx.TransportError, repeatable: Callable[[], bool], retry_number: int
    ) -> float | None:
        if isinstance(error, _NOT_SENT) or (isinstance(error, _MAYBE_SENT) and repeatable()):
            return self.backoff(retry_number)
        return None

    def retry_after(self, headers: httpx.Headers) -> float | None:
        """``Retry-After`` in seconds, capped at ``max_retry_after``; None when absent, unreadable, negative or past."""
        value = headers.get("retry-after")
        if value is None:
            return None
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                # The asctime form and "-0000" carry no zone; every HTTP date is GMT (RFC 9110), not local time.
                when = when.replace(tzinfo=datetime.UTC)
            seconds = when.timestamp() - self.wall_clock()
        # A negative count is malformed and a past date means the clocks disagree: neither says how long to wait,
        # so the backoff decides rather than an immediate retry into the same limit.
        if seconds != seconds or seconds < 0:  # NaN, or nothing to honour
            return None
        return min(seconds, self.max_retry_after)


# --- Client-side rate limiting. ------------------------------------------------------------------------------------


class RateLimiter:
    """Spaces each operation's requests at most ``rate`` per second, across every thread and task that shares it.

    Each caller reserves the next free slot under a lock and then waits outside it, so threads and asyncio tasks
    (which sleep with ``asyncio.sleep``) queue fairly without holding the lock while they wait. A lower limit
    reported by the server (``x-ratelimit-limit``) replaces the spec's for that operation, and an answer with
    ``x-ratelimit-remaining: 0`` pushes the next slot back by one interval.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._server_limits: dict[str, float] = {}

    def reserve(self, key: str, rate: float, now: float) -> float:
        """Reserve a slot for one request; returns how long to wait before sending it."""
        with self._lock:
            rate = min(rate, self._server_limits.get(key, rate))
            slot = max(now, self._next_slot.get(key, now))
            self._next_slot[key] = slot + 1.0 / rate
            return slot - now

    def observe(self, key: str, headers: httpx.Headers, now: float) -> None:
        limit = _header_number(headers, "x-ratelimit-limit")
        remaining = _header_number(headers, "x-ratelimit-remaining")
        if limit is None and remaining is None:
            return
        with self._lock:
            if limit is not None and limit > 0:
                self._server_limits[key] = limit
            if remaining == 0:
                rate = self._server_limits.get(key)
                interval = 1.0 / rate if rate else 0.0
                self._next_slot[key] = max(self._next_slot.get(key, now), now + interval)

    def __repr__(self) -> str:
        return f"RateLimiter(server_limits={self._server_limits!r})"


def _header_number(headers: httpx.Headers, name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


# --- The clients. ----------------------------------------------------------------------------------------------------


@frozen
class Sent:
    """The last answer to a call, and how many requests it took to get it."""

    operation: Operation
    response: httpx.Response
    attempts: int


class _TokenAuth(httpx.Auth):
    """Adds the credential as each request goes out, so it sits in no header dict that anyone prints."""

    def __init__(self, header_name: str, value: str) -> None:
        self._header_name = header_name
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header_name] = self._value
        try:
            yield request
        finally:
            # Sent, or failed: the request lives on as ``response.request`` and on httpx's exceptions (chained to
            # ours), where no one dumping it should find the credential. Each attempt builds a fresh request.
            request.headers[self._header_name] = errors.REDACTED

    def __repr__(self) -> str:
        return f"_TokenAuth({self._header_name!r}, {errors.REDACTED!r})"


def _redacted_headers_repr(headers: Mapping[str, str]) -> str:
    return repr(errors.redact_headers(headers))


def _keys_only_repr(values: Mapping[str, Any]) -> str:
    # httpx_args may hold anything (an auth object, headers, a transport); show which, not their contents.
    return "{" + ", ".join(f"{key!r}: ..." for key in values) + "}"


@define
class _BaseClient:
    """What both clients share: connection settings, retries, rate limiting, validation.

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: the API's base URL; the vendor's production URL unless given.

        ``cookies``, ``headers``: sent with every request (a ``User-Agent`` naming this package, its version and
        the spec's digest is added unless ``headers`` sets one).

        ``timeout``: an ``httpx.Timeout``; by default 5 s to connect, 30 s to read or write, 10 s for a pooled
        connection.

        ``verify_ssl``, ``follow_redirects``, ``httpx_args``: passed on to ``httpx.Client`` / ``httpx.AsyncClient``.

    Attributes:
        max_retries: retries after the first request (default 2); each call can pass its own ``max_retries``.
        initial_retry_delay, max_retry_delay: the backoff starts at the first and doubles up to the second (seconds),
            with up to 25% jitter.
        max_retry_after: the longest ``Retry-After`` honoured (seconds); longer ones are cut to it.
        validate_requests: check each request body against the effective spec before sending (default True).
        rate_limit: pace each operation to its documented ``x-rate-limit-per-second`` (default False). All threads
            and tasks using this client (or copies made with ``with_headers`` and the like) share one pace.
        rate_limits: per-operation-id rates (requests per second) that replace the documented ones.
        sleep, async_sleep, random_source, monotonic_clock, wall_clock: injectable for tests.
        raise_on_unexpected_status: kept for compatibility; the ``sync``/``asyncio`` functions always raise.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(default=DEFAULT_BASE_URL, alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=_redacted_headers_repr)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=_redacted_headers_repr)
    _timeout: httpx.Timeout | None = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=_keys_only_repr)
    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    initial_retry_delay: float = field(default=0.5, kw_only=True)
    max_retry_delay: float = field(default=8.0, kw_only=True)
    max_retry_after: float = field(default=60.0, kw_only=True)
    validate_requests: bool = field(default=True, kw_only=True)
    rate_limit: bool = field(default=False, kw_only=True)
    rate_limits: Mapping[str, float] = field(factory=dict, kw_only=True)
    rate_limiter: RateLimiter = field(factory=RateLimiter, kw_only=True, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, kw_only=True, repr=False)
    random_source: Callable[[], float] = field(default=random.random, kw_only=True, repr=False)
    monotonic_clock: Callable[[], float] = field(default=time.monotonic, kw_only=True, repr=False)
    wall_clock: Callable[[], float] = field(default=time.time, kw_only=True, repr=False)
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    # -- settings ------------------------------------------------------------------------------------------------

    def with_headers(self, headers: dict[str, str]) -> Self:
        """Get a new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """Get a new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """Get a new client matching this one with a new timeout configuration"""
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def _auth(self) -> httpx.Auth | None:
        return None

    def _secrets(self) -> tuple[str, ...]:
        return ()

    def _sensitive_headers(self) -> tuple[str, ...]:
        return ()

    def _httpx_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": {"User-Agent": USER_AGENT, **self._headers},
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
        }
        auth = self._auth()
        if auth is not None:
            kwargs["auth"] = auth
        kwargs.update(self._httpx_args)
        return kwargs

    # -- httpx clients -------------------------------------------------------------------------------------------

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, timeout and
        the token.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(**self._httpx_kwargs())
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, timeout and
        the token.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._httpx_kwargs())
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)

    # -- sending -------------------------------------------------------------------------------------------------

    def send(self, method: str, path: str, request: dict[str, Any], *, max_retries: int | None = None) -> Sent:
        """Check, pace, send and retry one call of the operation at ``method`` ``path``; return its last answer.

        Raises ``errors.RequestValidationError`` before sending and ``errors.APIConnectionError`` (or
        ``errors.APITimeoutError``) when no answer arrives. A non-2xx answer is returned, not raised: see
        ``error_for``.
        """
        operation, body, retries = self._prepare(method, path, request, max_retries)
        client = self.get_httpx_client()
        attempt = 0
        while True:
            attempt += 1
            if self.rate_limit:
                wait = self._reserve_slot(operation)
                if wait > 0:
                    self.sleep(wait)
            try:
                response = client.request(**request)
            except httpx.TransportError as error:
                delay = self._delay_after_error(operation, body, error, attempt, retries)
                self.sleep(delay)
                continue
            delay_or_none = self._delay_after_response(operation, body, response, attempt, retries)
            if delay_or_none is None:
                return Sent(operation=operation, response=response, attempts=attempt)
            self.sleep(delay_or_none)

    async def send_async(
        self, method: str, path: str, request: dict[str, Any], *, max_retries: int | None = None
    ) -> Sent:
        """``send`` for asyncio: the same checks, pacing and retries, waiting with ``async_sleep``."""
        operation, body, retries = self._prepare(method, path, request, max_retries)
        client = self.get_async_httpx_client()
        attempt = 0
        while True:
            attempt += 1
            if self.rate_limit:
                wait = self._reserve_slot(operation)
                if wait > 0:
                    await self.async_sleep(wait)
            try:
                response = await client.request(**request)
            except httpx.TransportError as error:
                delay = self._delay_after_error(operation, body, error, attempt, retries)
                await self.async_sleep(delay)
                continue
            delay_or_none = self._delay_after_response(operation, body, response, attempt, retries)
            if delay_or_none is None:
                return Sent(operation=operation, response=response, attempts=attempt)
            await self.async_sleep(delay_or_none)

    def malformed_response(self, sent: Sent, error: Exception) -> errors.MalformedResponseError:
        """The typed error for a 2xx answer whose body the generated model cannot read."""
        response = sent.response
        return errors.MalformedResponseError(
            operation_id=sent.operation.operation_id,
            status_code=response.status_code,
            headers=response.headers,
            body=response.content,
            reason=f"{type(error).__name__}: {error}",
            attempts=sent.attempts,
            secrets=self._secrets(),
        )

    def error_for(self, sent: Sent) -> errors.APIStatusError:
        """The typed error for an answer the caller cannot use: a non-2xx status, or a 2xx the spec doesn't name."""
        response = sent.response
        error_class = errors.status_error_class(response.status_code)
        if 200 <= response.status_code <= 299:
            error_class = errors.UnexpectedStatus
        details: dict[str, Any] = {
            "operation_id": sent.operation.operation_id,
            "headers": response.headers,
            "method": sent.operation.method,
            "url": str(response.request.url),
            "attempts": sent.attempts,
            "secrets": self._secrets(),
        }
        if error_class is errors.UnexpectedStatus:
            return errors.UnexpectedStatus(response.status_code, response.content, **details)
        return error_class(status_code=response.status_code, body=response.content, **details)

    def _prepare(
        self, method: str, path: str, request: dict[str, Any], max_retries: int | None
    ) -> tuple[Operation, object, int]:
        operation = operation_for(method, path)
        body = request.get("json")
        if self.validate_requests:
            operation.check_body(body, self._secrets())
        retries = self.max_retries if max_retries is None else max_retries
        return operation, body, retries

    def retry_policy(self) -> RetryPolicy:
        """When this client retries and how long it waits, for callers that run their own attempts (a bulk
        importer that paces and journals every attempt, say)."""
        return RetryPolicy(
            initial_delay=self.initial_retry_delay,
            max_delay=self.max_retry_delay,
            max_retry_after=self.max_retry_after,
            random=self.random_source,
            wall_clock=self.wall_clock,
        )

    def _reserve_slot(self, operation: Operation) -> float:
        rate = self.rate_limits.get(operation.operation_id, operation.rate_limit_per_second)
        if rate is None or rate <= 0:
            return 0.0
        return self.rate_limiter.reserve(operation.operation_id, rate, self.monotonic_clock())

    def _delay_after_error(
        self,
        operation: Operation,
        body: object,
        error: httpx.TransportError,
        attempt: int,
        retries: int,
    ) -> float:
        """The wait before the next attempt; raises the typed error when there is to be none."""
        delay = None
        if attempt <= retries:
            delay = self.retry_policy().delay_after_error(error, lambda: operation.is_repeatable(body), attempt)
        if delay is None:
            error_class = (
                errors.APITimeoutError if isinstance(error, httpx.TimeoutException) else errors.APIConnectionError
            )
            raise error_class(
                operation_id=operation.operation_id,
                method=operation.method,
                url=self._base_url.rstrip("/") + operation.path,
                attempts=attempt,
                cause=error,
                secrets=self._secrets(),
            ) from error
        self._log_retry(operation, type(error).__name__, delay, attempt, retries)
        return delay

    def _delay_after_response(
        self,
        operation: Operation,
        body: object,
        response: httpx.Response,
        attempt: int,
        retries: int,
    ) -> float | None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s: %s %s -> HTTP %d (attempt %d), request headers %s",
                operation.operation_id,
                response.request.method,
                response.request.url,
                response.status_code,
                attempt,
                errors.redact_headers(response.request.headers, self._sensitive_headers()),
            )
        if self.rate_limit:
            self.rate_limiter.observe(operation.operation_id, response.headers, self.monotonic_clock())
        if response.status_code < 400 or attempt > retries:
            return None
        delay = self.retry_policy().delay_after_response(response, lambda: operation.is_repeatable(body), attempt)
        if delay is not None:
            self._log_retry(operation, f"HTTP {response.status_code}", delay, attempt, retries)
        return delay

    @staticmethod
    def _log_retry(operation: Operation, reason: str, delay: float, attempt: int, retries: int) -> None:
        logger.info("%s: retry %d of %d in %.2f s after %s", operation.operation_id, attempt, retries, delay, reason)


@define
class Client(_BaseClient):
    """A client for the operations that need no credentials. See ``_BaseClient`` for every setting."""


@define
class AuthenticatedClient(_BaseClient):
    """A client that sends a token with every request. See ``_BaseClient`` for every other setting.

    Attributes:
        token: The token to use for authentication (never shown in ``repr``, logs or errors)
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
    """

    token: str = field(kw_only=True, repr=False)
    prefix: str = field(default="Bearer", kw_only=True)
    auth_header_name: str = field(default="Authorization", kw_only=True)

    def _auth(self) -> httpx.Auth | None:
        return _TokenAuth(self.auth_header_name, f"{self.prefix} {self.token}" if self.prefix else self.token)

    def _secrets(self) -> tuple[str, ...]:
        return (self.token,)

    def _sensitive_headers(self) -> tuple[str, ...]:
        return (self.auth_header_name,)

"""The clients every generated call goes through.

Each call is checked against the effective spec before it is sent, optionally paced to the operation's
documented rate limit, retried when that is safe, bounded by a total deadline and an optional size cap, and
turned into a typed error (``errors``) when it fails. The token is kept out of every ``repr``, log line and error.

The generated ``client.py`` subclasses ``BaseClient`` and ``BaseAuthenticatedClient``, naming the spec file the
package carries (``spec_path``) and its ``User-Agent``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

import httpx
from attrs import define, evolve, field

from . import errors
from .calls import (
    PATH_PARAMETERS,
    Call,
    EncodedJson,
    Sent,
    longest_timeout,
    merged_headers,
    read_body,
    read_body_async,
    url_on_base,
)
from .logs import redact_logs
from .pacing import Pacer
from .redaction import REDACTED, Redactor, redact_headers
from .retry import DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MAX_RETRY_AFTER, RetryPolicy
from .spec import ApiSpec, Operation

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "BaseAuthenticatedClient",
    "BaseClient",
    "PacerRegistry",
    "Sent",
]

DEFAULT_BASE_URL = "https://api.attentivemobile.com"
# Read when the caller doesn't pass base_url / token, the way openai-python reads OPENAI_BASE_URL: a script run
# with ATTENTIVE_BASE_URL=http://127.0.0.1:8080 talks to `attentive serve`, never to production by accident.
BASE_URL_ENVIRONMENT_VARIABLE = "ATTENTIVE_BASE_URL"
TOKEN_ENVIRONMENT_VARIABLE = "ATTENTIVE_API_TOKEN"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=10.0)
DEFAULT_MAX_RETRIES = 2
# A call, retries and waits included, never outlives this: a server trickling one byte at a time can't hold it.
DEFAULT_DEADLINE_SECONDS = 120.0

_SPECS: dict[Path, ApiSpec] = {}
_LOGGERS: dict[str, logging.Logger] = {}
_SPECS_LOCK = threading.Lock()


def _spec_at(path: Path) -> ApiSpec:
    """Each spec file is read once per process, on first use, and shared by every client made from it."""
    spec = _SPECS.get(path)
    if spec is None:
        with _SPECS_LOCK:
            spec = _SPECS.get(path) or ApiSpec.load(path)
            _SPECS[path] = spec
    return spec


def _base_url_from_environment() -> str:
    return os.environ.get(BASE_URL_ENVIRONMENT_VARIABLE, "").strip() or DEFAULT_BASE_URL


def token_problem(token: str) -> str | None:
    """Why no request header can carry ``token`` (without quoting it), or None when one can."""
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in token):
        return "the token holds a control character (a line break, a tab...), which no request header can carry"
    return None


def _sendable_token(_client: object, _attribute: object, token: str) -> None:
    """Refuse at once a token no header can carry: each request would fail as if nothing answered."""
    problem = token_problem(token)
    if problem is not None:
        raise errors.MissingTokenError(TOKEN_ENVIRONMENT_VARIABLE, problem)


def _token_from_environment() -> str:
    token = os.environ.get(TOKEN_ENVIRONMENT_VARIABLE, "").strip()
    if not token:
        raise errors.MissingTokenError(TOKEN_ENVIRONMENT_VARIABLE)
    return token


def _logger(name: str) -> logging.Logger:
    logger = _LOGGERS.get(name)
    if logger is None:
        logger = _LOGGERS[name] = logging.getLogger(name)
    return logger


class PacerRegistry:
    """One ``Pacer`` per operation, shared by a client, its copies and anyone handed the registry."""

    def __init__(self) -> None:
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()

    def get(self, operation_id: str, rate: float, clock: Callable[[], float]) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(operation_id)
            if pacer is None:
                pacer = self._pacers[operation_id] = Pacer(rate, clock)
            return pacer

    def __repr__(self) -> str:
        return f"PacerRegistry({sorted(self._pacers)!r})"


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
            request.headers[self._header_name] = REDACTED

    def __repr__(self) -> str:
        return f"_TokenAuth({self._header_name!r}, {REDACTED!r})"


def _redacted_headers_repr(headers: Mapping[str, str]) -> str:
    return repr(redact_headers(headers))


def _keys_only_repr(values: Mapping[str, Any]) -> str:
    # httpx_args may hold anything (an auth object, headers, a transport); show which, not their contents.
    return "{" + ", ".join(f"{key!r}: ..." for key in values) + "}"


@define
class BaseClient:
    """What both clients share: connection settings, retries, rate limiting, validation, deadlines.

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: the API's base URL; unless given, ``ATTENTIVE_BASE_URL`` when set, else the vendor's
        production URL.

        ``cookies``, ``headers``: sent with every request (a ``User-Agent`` naming this package, its version and
        the spec's digest is added unless ``headers`` sets one).

        ``timeout``: an ``httpx.Timeout`` for each attempt; by default 5 s to connect, 30 s to read or write, 10 s
        for a pooled connection.

        ``verify_ssl``, ``follow_redirects``, ``httpx_args``: passed on to ``httpx.Client`` / ``httpx.AsyncClient``.

    Attributes:
        max_retries: retries after the first request (default 2); each call can pass its own ``max_retries``.
        deadline: the most seconds one call may take, retries, waits and slow answers included (default 120;
            None: no limit). Past it the call raises ``errors.APITimeoutError``.
        max_response_bytes: refuse answers larger than this (``errors.ResponseTooLargeError``); None: no cap.
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

    # Set by the generated client: the effective spec the package carries, and how the client introduces itself.
    spec_path: ClassVar[Path | None] = None
    user_agent: ClassVar[str] = f"attentive-runtime (httpx/{httpx.__version__})"
    logger_name: ClassVar[str] = __name__.split(".")[0]

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(factory=_base_url_from_environment, alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=_redacted_headers_repr)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=_redacted_headers_repr)
    _timeout: httpx.Timeout | None = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=_keys_only_repr)
    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    deadline: float | None = field(default=DEFAULT_DEADLINE_SECONDS, kw_only=True)
    max_response_bytes: int | None = field(default=None, kw_only=True)
    initial_retry_delay: float = field(default=DEFAULT_INITIAL_DELAY, kw_only=True)
    max_retry_delay: float = field(default=DEFAULT_MAX_DELAY, kw_only=True)
    max_retry_after: float = field(default=DEFAULT_MAX_RETRY_AFTER, kw_only=True)
    validate_requests: bool = field(default=True, kw_only=True)
    rate_limit: bool = field(default=False, kw_only=True)
    rate_limits: Mapping[str, float] = field(factory=dict, kw_only=True)
    pacers: PacerRegistry = field(factory=PacerRegistry, kw_only=True, repr=False)
    api: ApiSpec | None = field(default=None, kw_only=True, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, kw_only=True, repr=False)
    random_source: Callable[[], float] = field(default=random.random, kw_only=True, repr=False)
    monotonic_clock: Callable[[], float] = field(default=time.monotonic, kw_only=True, repr=False)
    wall_clock: Callable[[], float] = field(default=time.time, kw_only=True, repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)
    # The event loop the async client last sent on, and whether this client made it (``set_async_httpx_client``
    # gives one the caller owns): see ``_async_client_for_this_loop``.
    _async_loop: asyncio.AbstractEventLoop | None = field(default=None, init=False, repr=False)
    _async_client_made_here: bool = field(default=False, init=False, repr=False)
    # Built on first use and kept: compiling the redaction pattern per call would be a tenth of a call's cost.
    _redactor: Redactor | None = field(default=None, init=False, repr=False)
    _longest: tuple[httpx.Timeout, float | None] | None = field(default=None, init=False, repr=False)
    # The shared spec of ``spec_path``, kept at hand: every call asks for it.
    _spec: ApiSpec | None = field(default=None, init=False, repr=False)
    # The full URL of each operation without path parameters, on the base URL it was made for: parsing a URL is
    # among the largest costs of an httpx request, and this one never changes. One tuple, swapped whole, so that a
    # thread never pairs one base with another base's URLs.
    _urls: tuple[httpx.URL | None, dict[str, httpx.URL]] = field(factory=lambda: (None, {}), init=False, repr=False)

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

    @property
    def base_url(self) -> str:
        return self._base_url

    def spec(self) -> ApiSpec:
        """The effective spec this client checks requests against (the one its package carries)."""
        if self.api is not None:
            return self.api
        if self._spec is None:
            if self.spec_path is None:
                raise LookupError(f"{type(self).__name__} has no spec: pass api=ApiSpec(...)")
            self._spec = _spec_at(self.spec_path)
        return self._spec

    def redactor(self) -> Redactor:
        if self._redactor is None:
            self._redactor = Redactor(self._secrets())
        return self._redactor

    def _redact_logs(self) -> None:
        # Before the first request: httpcore logs each answer's headers as they come, a token echoed in them too.
        redact_logs(self.redactor(), self.logger_name)

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
            "headers": {"User-Agent": self.user_agent, **self._headers},
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
        self._redact_logs()
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(**self._httpx_kwargs())
            self._redact_logs()
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
        self._async_client_made_here = False
        self._redact_logs()
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._httpx_kwargs())
            self._async_client_made_here = True
            self._redact_logs()
        return self._async_client

    def _async_client_for_this_loop(self) -> httpx.AsyncClient:
        """The async httpx client to send on from the running event loop. Its connections belong to the loop they
        were opened on; once that loop is closed (each ``asyncio.run`` has its own) they can only fail with "Event
        loop is closed". A client this object made is then made anew (the dead connections have nothing left to
        release); one the caller gave or entered with ``async with`` is the caller's to replace."""
        loop = asyncio.get_running_loop()
        if loop is not self._async_loop:
            earlier, self._async_loop = self._async_loop, loop
            stale = self._async_client
            dead = earlier is not None and earlier.is_closed()
            if dead and stale is not None and not stale.is_closed and self._async_client_made_here:
                self._async_client = None
        return self.get_async_httpx_client()

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)

    # -- sending -------------------------------------------------------------------------------------------------

    def send(
        self,
        operation_id: str,
        request: dict[str, Any],
        *,
        max_retries: int | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Sent:
        """Check, pace, send and retry one call of the operation ``operation_id``; return its last answer.

        ``request`` holds httpx's ``build_request`` arguments but the method and URL, which the spec gives, plus
        ``path_params``: each path parameter's value by its name in the spec.

        Raises ``errors.RequestValidationError`` before sending, ``errors.APIConnectionError`` (or
        ``errors.APITimeoutError``) when no answer arrives in time, ``errors.ResponseTooLargeError`` past
        ``max_response_bytes``. A non-2xx answer is returned, not raised: see ``error_for``.
        """
        call = self._start(operation_id, request, max_retries, timeout, extra_headers)
        client = self.get_httpx_client()
        if client.is_closed:
            raise errors.ClientClosedError(operation_id=call.operation.operation_id)
        pacer = self.pacer_for(call.operation)
        while True:
            while (wait := call.pacing_wait(pacer)) > 0:
                self.sleep(wait)
            outgoing = call.build(client)
            try:
                response = read_body(call, client.send(outgoing, stream=True))
            except httpx.TransportError as error:
                self.sleep(call.delay_after_error(error))
                continue
            self._observe(pacer, response)
            delay = call.delay_after_response(response)
            if delay is None:
                return call.sent(response)
            self.sleep(delay)

    async def send_async(
        self,
        operation_id: str,
        request: dict[str, Any],
        *,
        max_retries: int | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Sent:
        """``send`` for asyncio: the same checks, pacing, retries and deadline, waiting with ``async_sleep``."""
        call = self._start(operation_id, request, max_retries, timeout, extra_headers)
        client = self._async_client_for_this_loop()
        if client.is_closed:
            raise errors.ClientClosedError(operation_id=call.operation.operation_id)
        pacer = self.pacer_for(call.operation)
        while True:
            while (wait := call.pacing_wait(pacer)) > 0:
                await self.async_sleep(wait)
            outgoing = call.build(client)
            try:
                response = await read_body_async(call, await client.send(outgoing, stream=True))
            except httpx.TransportError as error:
                await self.async_sleep(call.delay_after_error(error))
                continue
            self._observe(pacer, response)
            delay = call.delay_after_response(response)
            if delay is None:
                return call.sent(response)
            await self.async_sleep(delay)

    async def send_once_async(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, object] | None = None,
        body: EncodedJson | None = None,
    ) -> Sent:
        """One attempt of ``operation_id``, for callers that run their own attempts (a bulk importer that paces
        and journals each one): no pacing, no retry, the answer returned unparsed whatever its status.

        ``body`` was checked against the spec by the caller and carries its encoding, so it is neither checked nor
        encoded again; its size is still held to the spec's body cap (``errors.RequestTooLargeError``).
        ``path_params`` holds each path parameter's value by its name in the spec. Raises
        ``errors.APIConnectionError`` (its ``__cause__`` the transport error) when no answer arrives.
        """
        operation = self.spec().operation(operation_id)
        request: dict[str, Any] = {PATH_PARAMETERS: path_params} if path_params else {}
        if body is not None:
            request["json"] = body
        call = Call(self, operation, request, 0, None, self.deadline, self.monotonic_clock)
        client = self.get_async_httpx_client()
        if client.is_closed:
            raise errors.ClientClosedError(operation_id=operation_id)
        outgoing = call.build(client)
        try:
            response = await read_body_async(call, await client.send(outgoing, stream=True))
        except httpx.TransportError as error:
            call.delay_after_error(error)  # no retries in this call: it raises the typed error
            raise
        call.delay_after_response(response)  # logs the exchange at DEBUG; with no retries it decides nothing
        return call.sent(response)

    def _start(
        self,
        operation_id: str,
        request: dict[str, Any],
        max_retries: int | None,
        timeout: float | httpx.Timeout | None,
        extra_headers: Mapping[str, str] | None,
    ) -> Call:
        operation = self.spec().operation(operation_id)
        if self.validate_requests:
            # A JSON body or a form's fields: either is checked against the operation's schema.
            operation.check_body(request["json"] if "json" in request else request.get("data"), self._secrets())
        if extra_headers:
            request = {**request, "headers": merged_headers(request, extra_headers)}
        attempt_timeout = None
        if timeout is not None:
            attempt_timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        return Call(
            self,
            operation,
            request,
            self.max_retries if max_retries is None else max_retries,
            attempt_timeout,
            self.deadline,
            self.monotonic_clock,
        )

    def request_url(self, client: httpx.Client | httpx.AsyncClient, operation: Operation, path: str) -> httpx.URL:
        """``path`` on ``client``'s base URL, as httpx would put it there; kept for an operation whose path has no
        parameters (there are as many of those as operations, while parameter values are unbounded)."""
        base = client.base_url
        if operation.path_parameter_names:
            return url_on_base(base, path)
        urls = self._urls
        # Identity first: comparing URLs renders both, so it is left for a base that was swapped, or for the async
        # httpx client's equal base when calls alternate between the two.
        if urls[0] is not base and urls[0] != base:
            urls = self._urls = (base, {})
        url = urls[1].get(path)
        if url is None:
            url = urls[1][path] = url_on_base(base, path)
        return url

    def timeout_bounds(self) -> tuple[httpx.Timeout, float | None]:
        """The per-attempt timeout and its longest part, computed once per timeout object, not per call."""
        timeout = self._timeout or DEFAULT_TIMEOUT
        if self._longest is None or self._longest[0] is not timeout:
            self._longest = (timeout, longest_timeout(timeout))
        return self._longest

    def call_logger(self) -> logging.Logger:
        return _logger(self.logger_name)

    def sensitive_headers(self) -> tuple[str, ...]:
        return self._sensitive_headers()

    def pacer_for(self, operation: Operation) -> Pacer | None:
        """The pace shared by every call of ``operation`` through this client; None when pacing is off or no
        rate is known. A bulk importer that runs its own attempts asks for the same one."""
        if not self.rate_limit:
            return None
        rate = self.rate_limits.get(operation.operation_id, operation.rate_limit_per_second)
        if rate is None or rate <= 0:
            return None
        return self.pacers.get(operation.operation_id, rate, self.monotonic_clock)

    def _observe(self, pacer: Pacer | None, response: httpx.Response) -> None:
        if pacer is not None:
            retry_after = self.retry_policy().retry_after(response.headers) if response.status_code == 429 else None
            pacer.observe(response.status_code, response.headers, retry_after)

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

    def malformed_response(self, sent: Sent, error: Exception) -> errors.MalformedResponseError:
        """The typed error for a 2xx answer whose body the generated model cannot read; ``error``, which the caller
        chains to it, is redacted in place (it may quote the answer)."""
        response = sent.response
        self.redactor().redact_exception(error)
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


@define
class BaseAuthenticatedClient(BaseClient):
    """A client that sends a token with every request. See ``BaseClient`` for every other setting.

    Attributes:
        token: The token to use for authentication (never shown in ``repr``, logs or errors); unless given,
            ``ATTENTIVE_API_TOKEN`` (``errors.MissingTokenError`` when that is unset too)
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
    """

    token: str = field(factory=_token_from_environment, kw_only=True, repr=False, validator=_sendable_token)
    prefix: str = field(default="Bearer", kw_only=True)
    auth_header_name: str = field(default="Authorization", kw_only=True)

    def _auth(self) -> httpx.Auth | None:
        return _TokenAuth(self.auth_header_name, f"{self.prefix} {self.token}" if self.prefix else self.token)

    def _secrets(self) -> tuple[str, ...]:
        return (self.token,)

    def _sensitive_headers(self) -> tuple[str, ...]:
        return (self.auth_header_name,)

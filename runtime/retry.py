"""When to try a request again, and how long to wait first: exponential backoff with jitter, ``Retry-After``."""

from __future__ import annotations

import datetime
import email.utils
import random
import time
from collections.abc import Callable, Mapping

import httpx
from attrs import field, frozen

__all__ = [
    "DEFAULT_INITIAL_DELAY",
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MAX_RETRY_AFTER",
    "LIKELY_SIZE_REFUSAL_BYTES",
    "RetryPolicy",
]

DEFAULT_INITIAL_DELAY = 0.5
DEFAULT_MAX_DELAY = 8.0
DEFAULT_MAX_RETRY_AFTER = 60.0

# Failures where the request never left this process: always safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have reached the server: only a repeatable request is sent again.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
# A server (or a proxy before it) refusing a body as too large answers 413 before reading it and closes the
# connection; a client still sending the body sees the connection drop instead of the 413 (httpx's async client
# raises ReadError). Past this size a dropped connection is taken for that refusal: it is nginx's default
# client_max_body_size, the smallest cap commonly met.
LIKELY_SIZE_REFUSAL_BYTES = 1 << 20
_DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


@frozen
class RetryPolicy:
    """Exponential backoff with jitter, ``Retry-After`` (seconds or HTTP date) honoured up to a cap."""

    initial_delay: float = DEFAULT_INITIAL_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    random: Callable[[], float] = field(default=random.random, repr=False)
    wall_clock: Callable[[], float] = field(default=time.time, repr=False)

    def backoff(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1-based): doubling from ``initial_delay``, capped, less 0-25%."""
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
        if self.never_sent(error) or (isinstance(error, _MAYBE_SENT) and repeatable()):
            return self.backoff(retry_number)
        return None

    @staticmethod
    def never_sent(error: BaseException) -> bool:
        """Whether the failed request certainly never left this process (so sending it again is always safe)."""
        return isinstance(error, _NOT_SENT)

    @staticmethod
    def refused_for_size(error: BaseException | None, body_bytes: int) -> bool:
        """Whether a failed request was most likely refused for its size: the connection dropped (not timed out)
        while a body of at least ``LIKELY_SIZE_REFUSAL_BYTES`` was being sent. Such a request was not applied:
        sent again in smaller parts, it is not a repeat."""
        return isinstance(error, _DROPPED) and body_bytes >= LIKELY_SIZE_REFUSAL_BYTES

    def retry_after(self, headers: httpx.Headers | Mapping[str, str]) -> float | None:
        """``Retry-After`` in seconds, capped at ``max_retry_after``; None when absent, unreadable, negative or past."""
        value = httpx.Headers(headers).get("retry-after")
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

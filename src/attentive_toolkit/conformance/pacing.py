"""A run against a loopback target other than the embedded server is paced to the spec's per-operation limits.

Such a target is usually a separate `attentive serve`, which enforces the spec's `x-rate-limit-per-second` as the
vendor does: unpaced, most cases of the busy operations would come back 429 and test only the rate limiter. The
runtime's ``Pacer`` (the one owner of pacing) spaces each operation's requests; the rate is the spec's, a little
under it, because the target's one-second window opens at the first request it *receives*, and a request
delayed on its way in can share a window with ones sent on time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from attentive_client.runtime import ApiSpec, PacerRegistry

from ..spec.effective import load_effective_spec

# The share of the documented limit the run uses: the rest absorbs the delays between client and server.
SPEC_RATE_SHARE = 0.9


class SpecPacing:
    """Waits, before each request, for the next send slot of its operation."""

    def __init__(
        self,
        share: float = SPEC_RATE_SHARE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api = ApiSpec.from_document(load_effective_spec())
        self._pacers = PacerRegistry()
        self._share = share
        self._clock = clock
        self._sleep = sleep

    def wait(self, method: str, path: str) -> None:
        """Block until ``method path`` may be sent; at once for an operation the spec gives no limit."""
        try:
            operation = self._api.find(method, path)
        except LookupError:
            return  # not an operation of the spec (a probe of an undeclared method): nothing to pace
        rate = operation.rate_limit_per_second
        if rate is not None:
            self._pacers.get(operation.operation_id, rate * self._share, self._clock).acquire(self._sleep)

"""A run against a loopback target other than the embedded server is paced to the target's per-operation limits.

Such a target is usually a separate `attentive serve`, which enforces the spec's `x-rate-limit-per-second` as the
vendor does: unpaced, most cases of the busy operations would come back 429 and test only the rate limiter. Each
operation starts at the spec's rate; once the target answers, the `x-ratelimit-limit` it advertises for the
operation is the rate (a target that allows more is not held to the spec's pace, one that allows less is obeyed).
The runtime's ``PacerRegistry`` (the one owner of pacing, as the client's) keeps one ``Pacer`` per operation and
spaces the requests at a little under the rate, because the target's one-second window opens at the first request
it *receives*, and a request delayed on its way in can share a window with ones sent on time. A 429 holds the
operation back as the client would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from attentive_client.runtime import ApiSpec, Operation, Pacer, PacerRegistry
from attentive_client.runtime.pacing import header_number

from ..spec.effective import load_effective_spec

# The share of the limit the run uses: the rest absorbs the delays between client and server.
SPEC_RATE_SHARE = 0.9


class SpecPacing:
    """Waits, before each request, for the next send slot of its operation; learns from each answer."""

    def __init__(
        self,
        share: float = SPEC_RATE_SHARE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        pacers: PacerRegistry | None = None,
    ) -> None:
        self._api = ApiSpec.from_document(load_effective_spec())
        self.pacers = pacers if pacers is not None else PacerRegistry()
        self._share = share
        self._clock = clock
        self._sleep = sleep

    def _operation(self, method: str, path: str) -> Operation | None:
        try:
            return self._api.find(method, path)
        except LookupError:
            return None  # not an operation of the spec (a probe of an undeclared method): nothing to pace

    def _pacer(self, operation: Operation, limit: float | None = None) -> Pacer | None:
        """The operation's pacer, at ``share`` of the limit the target advertised, else of the spec's."""
        advertised = limit is not None and limit > 0
        rate = limit if advertised else operation.rate_limit_per_second
        if rate is None:
            return None
        pacer = self.pacers.get(operation.operation_id, rate * self._share, self._clock)
        if advertised and pacer.rate != rate * self._share:
            pacer.set_rate(rate * self._share)
        return pacer

    def wait(self, method: str, path: str) -> None:
        """Block until ``method path`` may be sent; at once for an operation with no known limit."""
        operation = self._operation(method, path)
        pacer = self._pacer(operation) if operation is not None else None
        if pacer is not None:
            pacer.acquire(self._sleep)

    def observe(self, method: str, path: str, status: int, headers: Mapping[str, str]) -> None:
        """The target's answer: its advertised limit becomes the operation's rate; a 429 holds the operation."""
        operation = self._operation(method, path)
        if operation is None:
            return
        pacer = self._pacer(operation, header_number(headers, "x-ratelimit-limit"))
        if pacer is not None:
            pacer.observe(status, headers)

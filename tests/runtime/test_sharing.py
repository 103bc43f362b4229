"""Sharing one token's limit, simulated on a virtual clock: the server's fixed one-second windows, 50 ms of latency,
importers pacing themselves with ``ShareController`` from what each answer says is left."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from attentive_toolkit.runtime.sharing import ShareController

LIMIT = 100
LATENCY = 0.05


@dataclass
class SimPacer:
    rate: float
    next_at: float = 0.0
    held_until: float = 0.0

    def hold(self, seconds: float) -> None:
        self.held_until = max(self.held_until, CLOCK.now + seconds)


@dataclass
class Clock:
    now: float = 0.0


CLOCK = Clock()


class Blind:
    """An integration that ignores the rate-limit headers."""

    def observe(self, status: int, headers: dict[str, str], sent_at: float | None = None) -> None:
        pass

    def sent(self, at: float) -> None:
        pass


@dataclass
class Server:
    """The reference server's limiter: a window opens at the first request after the last one expired."""

    start: float = -10.0
    used: int = 0
    answered: list[int] = field(default_factory=list)

    def spend(self, at: float) -> tuple[int, int]:
        if at - self.start >= 1.0:
            self.start, self.used = at, 0
        if self.used >= LIMIT:
            return 429, 0
        self.used += 1
        return 202, LIMIT - self.used


def simulate(
    importers: int, seconds: float, start_rate: float = LIMIT, steady: float = 0.0, latency: float = LATENCY
) -> tuple[float, float]:
    """Combined requests accepted per second over the run, and the share answered 429. ``steady``: another
    integration on the same token sending that many requests a second whatever the answers say."""
    CLOCK.now = 0.0
    server = Server()
    pacers = [SimPacer(rate=start_rate) for _ in range(importers)]
    controllers: list[ShareController | Blind] = [ShareController(p, LIMIT, clock=lambda: CLOCK.now) for p in pacers]
    if steady:
        pacers.append(SimPacer(rate=steady / 0.98))
        controllers.append(Blind())
    events: list[tuple[float, int, int, str, float]] = []  # (time, seq, importer, kind, sent_at)
    seq = 0
    for index in range(importers):
        heapq.heappush(events, (index * 0.003, seq, index, "send", 0.0))
        seq += 1
    accepted = throttled = 0
    answers: dict[int, tuple[int, int]] = {}
    while events:
        at, _, index, kind, sent_at = heapq.heappop(events)
        CLOCK.now = at
        pacer = pacers[index]
        if kind == "send":
            if at >= seconds:
                continue
            if at < pacer.held_until:
                heapq.heappush(events, (pacer.held_until, seq, index, "send", 0.0))
                seq += 1
                continue
            controllers[index].sent(at)
            status, remaining = server.spend(at)
            answers[seq] = (status, remaining)
            heapq.heappush(events, (at + latency, seq, index, "answer", at))
            seq += 1
            heapq.heappush(events, (at + 1.0 / (pacer.rate * 0.98), seq, index, "send", 0.0))
            seq += 1
        else:
            status, remaining = answers.pop(_)
            accepted += status == 202
            throttled += status == 429
            headers = {"x-ratelimit-limit": str(LIMIT), "x-ratelimit-remaining": str(remaining)}
            controllers[index].observe(status, headers, sent_at)
    return accepted / seconds, throttled / max(accepted + throttled, 1)


def test_one_importer_uses_the_whole_limit() -> None:
    rate, throttled = simulate(1, 20.0)
    assert rate >= 0.95 * LIMIT and throttled == 0


def test_two_importers_share_the_limit_without_429s() -> None:
    rate, throttled = simulate(2, 20.0)
    assert rate >= 0.90 * LIMIT, rate
    assert throttled <= 0.01, throttled


def test_three_importers_share_the_limit_too() -> None:
    rate, throttled = simulate(3, 20.0)
    assert rate >= 0.90 * LIMIT and throttled <= 0.01, (rate, throttled)


def test_an_importer_takes_what_another_integration_leaves() -> None:
    rate, throttled = simulate(1, 20.0, steady=30.0)
    assert rate >= 0.90 * LIMIT and throttled <= 0.01, (rate, throttled)


def test_a_slow_server_does_not_make_two_importers_overrun() -> None:
    # Answers half a second late: each controller counts what was sent since the answer's request.
    rate, throttled = simulate(2, 30.0, latency=0.5)
    assert rate >= 0.85 * LIMIT and throttled <= 0.03, (rate, throttled)

"""Sharing one token's limit, simulated on a virtual clock: the server's fixed one-second windows (opened by the first
request after the last one expired), 50 ms of latency, importers pacing themselves with the runtime's ``Pacer`` and
``ShareController`` from what each answer says is left.

Each importer has a fixed amount of work, as a real import has: one that gets less than its share of the budget
finishes later, so an uneven split shows in the run's length as well as in the windows. Each importer's event loop
wakes late by a seeded random amount, with now and then a stall of tens of milliseconds (a busy or descheduled
process), as a real importer's loop does while it reads and encodes the next batches."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

from attentive_client.runtime import Pacer
from attentive_client.runtime.sharing import ShareController

LIMIT = 100
LATENCY = 0.05
# A run's first requests reach the server late, each opening a connection (the first one also builds the client):
# windows must not be dated from when they left, nor counted from the fastest of them.
FIRST_REQUEST_DELAY = 0.15
CONNECTIONS = 4


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


class Blind:
    """An integration that ignores the rate-limit headers."""

    def observe(self, status: int, headers: dict[str, str], sent_at: float | None = None) -> None:
        pass

    def sent(self, at: float) -> None:
        pass


@dataclass
class Server:
    """The reference server's limiter (``attentive_toolkit.server.windows``): a window opens at the first request
    after the last one expired and lasts one second."""

    start: float = -10.0
    used: int = 0
    # requests taken per window, per sender
    windows: list[dict[int, int]] = field(default_factory=list)

    def spend(self, at: float, sender: int) -> tuple[int, int]:
        if at - self.start >= 1.0:
            self.start, self.used = at, 0
            self.windows.append({})
        if self.used >= LIMIT:
            return 429, 0
        self.used += 1
        self.windows[-1][sender] = self.windows[-1].get(sender, 0) + 1
        return 202, LIMIT - self.used


@dataclass
class Run:
    seconds: float  # until the last importer finished its work
    accepted: int
    throttled: int
    windows: list[dict[int, int]]
    finished: list[float]

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds

    @property
    def throttled_share(self) -> float:
        return self.throttled / max(self.accepted + self.throttled, 1)

    def shares(self, first: int, last: int) -> list[float]:
        """The smaller share of the two importers in each window from ``first`` to ``last`` (exclusive)."""
        return [min(w.get(0, 0), w.get(1, 0)) / (w.get(0, 0) + w.get(1, 0)) for w in self.windows[first:last]]


def lateness(rng: random.Random, stalls: float) -> float:
    """How late an event loop wakes: mostly a millisecond or two; with probability ``stalls`` 20-60 ms."""
    if rng.random() < stalls:
        return rng.uniform(0.02, 0.06)
    return rng.expovariate(1 / 0.0015)


def simulate(
    importers: int,
    work: int | tuple[int, ...],
    starts: tuple[float, ...] = (),
    steady: float = 0.0,
    latency: float = LATENCY,
    seconds: float = 60.0,
    stalls: float = 0.01,
    seed: int = 19,
) -> Run:
    """Each importer sends ``work`` requests (or ``work[i]``), starting at ``starts[i]``. ``steady``: another
    integration on the same token sending that many requests a second whatever the answers say, for ``seconds``."""
    clock = Clock()
    rng = random.Random(seed)
    server = Server()
    pacers = [Pacer(LIMIT, clock) for _ in range(importers)]
    controllers: list[ShareController | Blind] = [ShareController(p, LIMIT, clock=clock) for p in pacers]
    if steady:
        pacers.append(Pacer(steady / Pacer.HEADROOM, clock))
        controllers.append(Blind())
    left = [*(work if isinstance(work, tuple) else (work,) * importers), 10**9]
    connecting = [CONNECTIONS] * len(pacers)
    events: list[tuple[float, int, int, str, float]] = []  # (time, seq, sender, kind, sent_at)
    seq = 0

    def push(at: float, index: int, kind: str, stamp: float = 0.0) -> None:
        nonlocal seq
        heapq.heappush(events, (at, seq, index, kind, stamp))
        seq += 1

    for index in range(len(pacers)):
        push(starts[index] if index < len(starts) else index * 0.003, index, "wake")
    accepted = throttled = 0
    finished = [0.0] * importers
    answers: dict[int, tuple[int, int]] = {}
    while events:
        at, key, index, kind, stamp = heapq.heappop(events)
        clock.now = at
        if kind == "wake":
            # The importer's sender loop: poll the pacer; sleep until its slot (waking a little late) or send.
            if left[index] <= 0 or (index >= importers and at >= seconds):
                continue
            wait = pacers[index].poll()
            if wait > 0:
                push(at + wait + lateness(rng, stalls), index, "wake")
                continue
            left[index] -= 1
            controllers[index].sent(at)
            delay = FIRST_REQUEST_DELAY * connecting[index] / CONNECTIONS if connecting[index] else 0.0
            connecting[index] = max(connecting[index] - 1, 0)
            push(at + delay, index, "arrive", at)
            push(at + lateness(rng, stalls), index, "wake")
        elif kind == "arrive":
            answers[key] = server.spend(at, index)
            heapq.heappush(events, (at + latency, key, index, "answer", stamp))
        else:
            status, remaining = answers.pop(key)
            if index < importers:
                accepted += status == 202
                throttled += status == 429
                if status == 429:
                    left[index] += 1  # sent again
                    push(at, index, "wake")
                elif left[index] == 0:
                    finished[index] = at
            headers = {"x-ratelimit-limit": str(LIMIT), "x-ratelimit-remaining": str(remaining)}
            pacers[index].observe(status, headers)
            controllers[index].observe(status, headers, stamp)
    return Run(max(finished), accepted, throttled, server.windows, finished)


def test_one_importer_uses_the_whole_limit_though_its_loop_wakes_late() -> None:
    for seed in range(3):
        run = simulate(1, work=2000, stalls=0.01, seed=seed)
        assert run.rate >= 0.97 * LIMIT and run.throttled == 0, (seed, run.rate, run.throttled)


def test_two_importers_starting_together_split_every_window_evenly_without_429s() -> None:
    for seed in range(3):
        run = simulate(2, work=1000, seed=seed)
        assert run.rate >= 0.95 * LIMIT, (seed, run.rate)
        assert run.throttled_share <= 0.01, (seed, run.throttled_share)
        # Every full window after the first second, up to the one where the first importer runs out of work.
        last_shared = int(min(run.finished)) - 1
        assert min(run.shares(1, last_shared)) >= 0.45, (seed, run.windows[:last_shared])
        assert abs(run.finished[0] - run.finished[1]) <= 0.5, (seed, run.finished)


def test_a_second_importer_gets_its_half_whoever_started_first() -> None:
    for starts in ((0.0, 2.5), (2.5, 0.0), (0.0, 0.4), (0.0, 3.7)):
        run = simulate(2, work=1000, starts=starts)
        both_from = int(max(starts)) + 2  # the first full window after the second importer's first second
        last_shared = int(min(run.finished)) - 1
        assert min(run.shares(both_from, last_shared)) >= 0.45, (starts, run.windows[both_from:last_shared])
        assert run.throttled_share <= 0.01, (starts, run.throttled_share)


def test_the_importer_left_alone_takes_the_whole_limit_back() -> None:
    run = simulate(2, work=(300, 1500))
    alone = [sum(window.values()) for window in run.windows[int(min(run.finished)) + 2 : -1]]
    assert len(alone) >= 8 and min(alone) >= 95, alone
    assert run.throttled_share <= 0.01, run.throttled_share


def test_three_importers_share_the_limit_too() -> None:
    run = simulate(3, work=700)
    assert run.rate >= 0.90 * LIMIT and run.throttled_share <= 0.01, (run.rate, run.throttled_share)


def test_an_importer_takes_what_another_integration_leaves() -> None:
    run = simulate(1, work=1400, steady=30.0)
    assert run.accepted / run.seconds >= 0.90 * (LIMIT - 30), run.accepted / run.seconds
    assert run.throttled_share <= 0.01, run.throttled_share


def test_a_slow_server_does_not_make_two_importers_overrun() -> None:
    # Answers half a second late: each controller counts what was sent since the answer's request.
    run = simulate(2, work=1200, latency=0.5)
    assert run.rate >= 0.85 * LIMIT and run.throttled_share <= 0.03, (run.rate, run.throttled_share)

"""The runtime's pacer (client and bulk importer alike): the documented rate, kept over a whole run, never more than
the limit in a second, and bounded when the server advertises nonsense."""

from __future__ import annotations

import asyncio
import itertools
import random

from attentive_client.runtime.pacing import MAX_HOLD_SECONDS, MIN_SERVER_RATE, Pacer


class FakeTime:
    """A clock that moves only when the pacer sleeps or the test says the loop was busy."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def send_times(pacer: Pacer, time: FakeTime, requests: int, busy: list[float]) -> list[float]:
    async def run() -> list[float]:
        sent = []
        for index in range(requests):
            # Every sender was busy (a request in flight, the next batch being read) until now.
            time.now += busy[index]
            await pacer.acquire_async(time.sleep)
            sent.append(time.now)
        return sent

    return asyncio.run(run())


def test_slots_follow_the_rate() -> None:
    time = FakeTime()
    pacer = Pacer(100, clock=time.clock)
    sent = send_times(pacer, time, 5, [0.0] * 5)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(sent)]
    assert gaps == [round(pacer.interval, 6)] * 4
    assert 0.0102 < pacer.interval < 0.0103  # 100/s with 2% headroom


def test_lateness_from_a_busy_loop_does_not_add_up_over_a_run() -> None:
    time = FakeTime()
    pacer = Pacer(100, clock=time.clock)
    sent = send_times(pacer, time, 1000, [0.015, 0.0] * 500)  # every other slot is asked for 5 ms after it was due
    # 1000 slots at 98/s take 10.2 s; a pacer that dropped the late time would take 12.6 s.
    assert sent[-1] < 1000 * pacer.interval + 0.02


def test_no_one_second_window_holds_more_requests_than_the_limit() -> None:
    time = FakeTime()
    pacer = Pacer(100, clock=time.clock)
    busy = random.Random(20261128).choices([0.0, 0.001, 0.004, 0.009, 0.02], k=3000)
    sent = send_times(pacer, time, 3000, busy)
    # The server opens a window at the first request after the previous one closed and counts 100 in it.
    start, count = sent[0], 0
    for moment in sent:
        if moment - start >= 1.0:
            start, count = moment, 0
        count += 1
        assert count <= 100, f"{count} requests in the window opened at {start:.3f} s"


def test_a_429_holds_the_next_slot() -> None:
    time = FakeTime()
    pacer = Pacer(100, clock=time.clock)
    send_times(pacer, time, 1, [0.0])
    pacer.observe(429, {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0"}, retry_after=0.5)
    [after] = send_times(pacer, time, 1, [0.0])
    assert after >= 0.5
    assert pacer.throttled == 1


def test_a_lower_limit_from_the_server_replaces_the_documented_rate() -> None:
    pacer = Pacer(100)
    pacer.observe(202, {"x-ratelimit-limit": "50", "x-ratelimit-remaining": "49"})
    assert pacer.rate == 50


def test_an_absurdly_low_advertised_limit_does_not_park_the_caller() -> None:
    pacer = Pacer(100)
    pacer.observe(202, {"x-ratelimit-limit": "0.001", "x-ratelimit-remaining": "5"})
    assert pacer.rate == 100
    pacer.observe(202, {"x-ratelimit-limit": "nan", "x-ratelimit-remaining": "5"})
    assert pacer.rate == 100
    pacer.observe(202, {"x-ratelimit-limit": "0.5", "x-ratelimit-remaining": "5"})
    assert pacer.rate >= MIN_SERVER_RATE


def test_a_huge_retry_after_holds_at_most_the_cap() -> None:
    time = FakeTime()
    pacer = Pacer(100, clock=time.clock)
    pacer.observe(429, {}, retry_after=1_000_000.0)
    [after] = send_times(pacer, time, 1, [0.0])
    assert after <= MAX_HOLD_SECONDS + pacer.interval


def test_threads_share_one_pace() -> None:
    import threading

    lock = threading.Lock()
    now = [0.0]

    def clock() -> float:
        with lock:
            return now[0]

    def sleep(seconds: float) -> None:
        with lock:
            now[0] += seconds

    pacer = Pacer(50, clock=clock)
    taken: list[float] = []

    def worker() -> None:
        for _ in range(10):
            pacer.acquire(sleep)
            with lock:
                taken.append(now[0])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 40
    # 40 slots at 49/s cannot fit in less than 39 intervals.
    assert max(taken) >= 39 * pacer.interval - 1e-9


def test_a_rate_set_by_the_caller_moves_the_next_slot_up_or_down() -> None:
    time = FakeTime()
    pacer = Pacer(10, time.clock)
    pacer.set_rate(1000)  # a target that allows more than the spec says: not held to the spec's pace
    fast = send_times(pacer, time, 11, [0.0] * 11)
    assert fast[-1] - fast[0] < 0.02
    pacer.set_rate(2)
    slow = send_times(pacer, time, 3, [0.0] * 3)
    assert slow[-1] - slow[0] >= 2 * 1 / (2 * Pacer.HEADROOM) - 1e-9
    try:
        pacer.set_rate(0)
    except ValueError:
        pass
    else:
        raise AssertionError("a rate of 0 would park every sender for ever")

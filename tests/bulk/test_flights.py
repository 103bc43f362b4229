"""Requests in flight: as many as the pace needs (its rate times the answers' round trip), up to --concurrency; a
stopped run's waits end at once without ending the task that waited."""

from __future__ import annotations

import asyncio

import pytest

from attentive_toolkit.bulk.flights import FIRST_LIMIT, SPARE, Flights
from attentive_toolkit.bulk.ordering import OrderGate
from attentive_toolkit.bulk.stopping import StopSwitch


async def _taken(flights: Flights, tries: int) -> int:
    """How many of ``tries`` senders get a place without anyone giving one back."""
    tasks = [asyncio.ensure_future(flights.take()) for _ in range(tries)]
    await asyncio.sleep(0)
    done = sum(task.done() for task in tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return done


def test_before_any_answer_a_few_requests_go() -> None:
    assert asyncio.run(_taken(Flights(16, lambda: 100.0), 16)) == FIRST_LIMIT
    assert asyncio.run(_taken(Flights(2, lambda: 100.0), 16)) == 2


@pytest.mark.parametrize(
    ("rate", "round_trip", "most", "expected"),
    [
        (100.0, 0.05, 16, 5 + SPARE),  # 100 requests a second answered in 50 ms: five out at once, and the spare
        (100.0, 0.5, 16, 16),  # a slow server: as many as --concurrency allows
        (50.0, 0.05, 16, 3 + SPARE),  # a pace shared with another importer needs fewer
        (100.0, 0.001, 16, 1 + SPARE),
    ],
)
def test_requests_in_flight_follow_the_pace_and_the_round_trip(
    rate: float, round_trip: float, most: int, expected: int
) -> None:
    async def run() -> int:
        flights = Flights(most, lambda: rate)
        for _ in range(100):  # steady answers: the smoothed deviation dies away
            await flights.take()
            flights.give_back(round_trip)
        assert flights.busy == 0
        return await _taken(flights, most + 4)

    assert asyncio.run(run()) == expected


def test_a_waiter_cancelled_as_it_was_handed_a_place_hands_it_on() -> None:
    async def run() -> tuple[int, bool]:
        flights = Flights(1, lambda: 100.0)
        await flights.take()
        first = asyncio.ensure_future(flights.take())
        second = asyncio.ensure_future(flights.take())
        await asyncio.sleep(0)
        flights.give_back(0.01)  # the place goes to ``first``...
        first.cancel()  # ...which is cancelled before it runs
        await asyncio.gather(first, return_exceptions=True)
        await asyncio.sleep(0)
        return flights.busy, second.done()

    assert asyncio.run(run()) == (1, True)


def test_a_stop_ends_a_wait_and_the_waiting_task_carries_on() -> None:
    async def run() -> tuple[bool, bool, bool]:
        stop = StopSwitch(OrderGate())
        waiting = asyncio.ensure_future(stop.wait_unless_stopped(asyncio.sleep(3600)))
        await asyncio.sleep(0)
        stop.stop(reason="test")
        ended = await waiting
        # The task that waited is not left cancelled: its next wait runs.
        again = await asyncio.ensure_future(_then_sleep())
        return ended, again, await stop.wait_unless_stopped(asyncio.sleep(0))

    assert asyncio.run(run()) == (False, True, False)


async def _then_sleep() -> bool:
    await asyncio.sleep(0)
    return True


def test_a_wait_not_stopped_ends_normally_and_a_cancel_from_elsewhere_still_cancels() -> None:
    async def run() -> tuple[bool, bool]:
        stop = StopSwitch(OrderGate())
        finished = await stop.wait_unless_stopped(asyncio.sleep(0))
        waiting = asyncio.ensure_future(stop.wait_unless_stopped(asyncio.sleep(3600)))
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        return finished, waiting.cancelled()

    assert asyncio.run(run()) == (True, True)

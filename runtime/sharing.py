"""Sharing a rate limit with whoever else spends the same token: pace from what the server says is left.

The vendor's limit is per account, counted in one-second windows, and every answer carries
``x-ratelimit-remaining``. A pacer alone only knows its own sends; the remaining count also shows everyone else's.
``ShareController`` watches it and sets the pacer's rate so that the whole window (ours and theirs) lands on the
budget instead of overrunning it into 429s:

- a window is recognised by the remaining count jumping back up. The vendor documents no reset header, so a window
  is dated from its first answer: the moment its request reached the server is the answer's arrival less the
  shortest round trip seen, not when that request left (a run's first request waits for a connection and reaches
  the server well after it left; dating the window from its departure overruns the window's end);
- ``t`` seconds into a window with ``used`` requests spent by everyone, the rest of the window can take
  ``(budget - used) / (1 - t)`` requests a second, everyone together; our rate is our share of that;
- our share is our part of what was spent so far, moved towards an even split: a sender that took more than half
  yields part of the difference and one that took less claims it, window after window, so two importers converge
  on half each whoever started first (a proportional share alone keeps whatever split the first answers made).
  Beside an integration that ignores the headers, what we yield goes unspent and the room left in the window
  grows: our rate follows it back up;
- an answer describes the moment its request arrived: what was spent since (our own requests, counted; the
  others', at their pace so far) is taken off the room, so a slow server does not make us overrun;
- the change per answer is bounded, so that one late answer does not swing the rate;
- a 429 means the window is spent: no request until the window's estimated end.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Protocol

from .pacing import header_number

__all__ = ["RatePacer", "ShareController"]

# Early in a window the pace is a guess from a handful of requests: do not steer on it.
MIN_ELAPSED = 0.15
START_SHARE = 0.5
# The most one answer may change the rate by: a late or reordered answer cannot swing it.
MAX_STEP = (0.6, 1.5)
# A window longer than this without a jump in the remaining count means we missed its turn: start anew.
WINDOW_SECONDS = 1.0
# How much of the way to an even split between two senders each share moves.
EVENING = 0.75
# Others spending at most this part of a window (a request or two answered out of order) is no one else.
ALONE_SLACK = 0.03


class RatePacer(Protocol):
    rate: float
    headroom: float

    def hold(self, seconds: float) -> None: ...


class ShareController:
    def __init__(
        self, pacer: RatePacer, limit: float, headroom: float = 0.99, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.pacer = pacer
        self.limit = limit
        self.headroom = headroom
        self._clock = clock
        self._window_start: float | None = None
        # The first answer of the window: when its request left, and when the answer came.
        self._window_sent = 0.0
        self._window_answered = 0.0
        self._window_before = 0.0
        self._round_trip: float | None = None  # the shortest seen
        self._last_remaining: float | None = None
        self._mine = 0  # our answered requests sent in the current window
        self._sends: deque[float] = deque()
        # Until answers say who else is spending, start at half the budget: two importers starting together then
        # fill the first window instead of overrunning it.
        pacer.rate = min(pacer.rate, self.budget * START_SHARE)
        # The budget is what keeps each window under the limit, counted from the server's answers: the pacer's own
        # margin on top of it (for a pacer that cannot see the windows) would only leave part of the limit unused.
        pacer.headroom = 1.0
        self.windows = 0

    @property
    def budget(self) -> float:
        return self.limit * self.headroom

    def sent(self, at: float) -> None:
        """A request of ours left at ``at`` (monotonic seconds)."""
        sends = self._sends
        sends.append(at)
        while sends and sends[0] < at - 2 * WINDOW_SECONDS:
            sends.popleft()

    def observe(self, status: int, headers: Mapping[str, str], sent_at: float | None = None) -> None:
        """Learn from one answer. ``sent_at`` is when its request left: the server spent its budget then, not when
        the answer (slowed by the server's latency) came back, so time within a window is measured from sends."""
        now = self._clock()
        if status == 429:
            start = self._window_start
            rest = start + WINDOW_SECONDS - now if start is not None else 0.1
            self.pacer.hold(min(max(rest, 0.02), WINDOW_SECONDS))
            self._set(self.pacer.rate * MAX_STEP[0])
            return
        answered_at, now = now, sent_at if sent_at is not None else now
        if answered_at > now and (self._round_trip is None or answered_at - now < self._round_trip):
            self._round_trip = answered_at - now
        limit = header_number(headers, "x-ratelimit-limit")
        if limit is not None and limit >= 1:
            self.limit = limit
        remaining = header_number(headers, "x-ratelimit-remaining")
        if remaining is None:
            return
        last = self._last_remaining
        start = self._window_start
        if start is not None and self.windows > 1 and now < self._window_sent - self._window_before:
            return  # sent before the window we are in (the one before has ended): it tells nothing about this one
        if start is None or last is None or remaining > last + self.limit / 4 or now - start > 1.5 * WINDOW_SECONDS:
            if last is not None and self._mine:
                # A new window: start it at our share of the last one (all of it when nobody else spent any).
                spent = max(self.limit - last, self._mine)
                self.pacer.rate = min(max(self.budget * self._evened(self._mine, spent), 1.0), self.budget)
            self._window_sent, self._window_answered = now, answered_at
            # Requests of others the window took before ours: it opened at least that many slots of the full
            # rate earlier (earlier still if they came slower, which only makes us more careful).
            self._window_before = max(self.limit - remaining - 1, 0.0) / self.limit
            self._mine = 0
            self.windows += 1
        # Re-dated as shorter round trips show how late the window's first request reached the server.
        arrived = max(self._window_sent, self._window_answered - (self._round_trip or 0.0))
        start = self._window_start = arrived - self._window_before
        self._last_remaining = remaining
        self._mine += 1
        elapsed = now - start
        used = self.limit - remaining
        if elapsed < MIN_ELAPSED or elapsed >= WINDOW_SECONDS or used <= 0:
            return
        # What the rest of the window can take per second, everyone together, and our part of it. Computed afresh
        # from the window each time (not compounded answer after answer). The answer is ``late`` seconds old: our
        # own requests sent since are counted, the others' guessed at their pace so far.
        share = self._evened(self._mine, used)
        late = max(answered_at - now, 0.0)
        if elapsed + late >= WINDOW_SECONDS:
            self._set(share * self.budget)
            return
        ours_since = sum(1 for at in self._sends if now < at <= answered_at)
        theirs_since = max(used - self._mine, 0) / elapsed * late
        spent = used + ours_since + theirs_since
        room = max(self.budget - spent, 0.0) / (WINDOW_SECONDS - elapsed - late)
        self._set(share * room)

    @staticmethod
    def _evened(mine: float, spent: float) -> float:
        """Our share of what was spent, moved towards half when one of two senders took more than half: the
        larger yields part of the difference, the smaller claims it. Senders each under half keep their shares."""
        if spent - mine <= max(ALONE_SLACK * spent, 1.0):
            return 1.0  # nobody else, but for a request counted on the server and not yet by us
        share = mine / spent
        if share > 0.5 or share < 0.5 <= 1.0 - share:
            return share + EVENING * (0.5 - share)
        return share

    def _set(self, target: float) -> None:
        rate = self.pacer.rate
        target = min(max(target, rate * MAX_STEP[0]), rate * MAX_STEP[1])
        self.pacer.rate = min(max(target, 1.0), self.budget)

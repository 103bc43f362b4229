"""Sharing a rate limit with whoever else spends the same token: pace from what the server says is left.

The vendor's limit is per account, counted in fixed one-second windows, and every answer carries
``x-ratelimit-remaining``. A pacer alone only knows its own sends; the remaining count also shows everyone else's.
``ShareController`` watches it and gives itself a quota of each window, then paces what is left of the quota over
what is left of the window:

- a window is recognised by the remaining count jumping back up. The vendor documents no reset header, so a window
  is dated from its first answer: the moment its request reached the server is the answer's arrival less the
  shortest round trip seen, less the time the requests of others the window took before ours needed at their pace
  in the last window (a run's first request waits for a connection and reaches the server well after it left:
  dating the window from its departure would overrun the window's end);
- the quota: the whole budget while nobody else spends the token. Once someone else does, exactly half of it is
  claimed, plus what the others leave of their half (their pace in this window and in the last, whichever is
  higher, so that a sender still speeding up is not taken from). Two importers on one token each hold half of every
  window from the first answers that show the other, whoever started first, and one that stops hands its half back
  within a window. A sender that arrives in a window someone else already spends takes only what is left of it. A
  window that overflows (a 429, nothing remaining) means someone wanted more: in the next one nobody takes more than
  its claim, and a sender that kept to its claim while the window still overflowed counts one more sender (a third
  each, then a quarter...). Beside an integration that ignores the headers and takes less than half, the rest is ours;
- within a window the pace is what is left of the quota over what is left of the window, counted from our own sends:
  a sender that fell behind (its event loop busy, descheduled) catches up within the window instead of losing the
  slots, and the request that spends the quota holds the next one until the window's end. The window's count, not
  the spacing of slots, is what the server limits;
- an answer describes the moment its request arrived: the others' requests are counted up to it, and their pace
  projects the rest;
- a 429 means the window is spent: no request until the window's estimated end.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Mapping
from typing import Protocol

from .pacing import header_number

__all__ = ["RatePacer", "ShareController"]

# Early in a window the others' pace is a guess from a handful of requests: do not hand their share back on it.
MIN_ELAPSED = 0.15
# Until the first answers say whether anyone else spends the token: two importers starting together then fill the
# first window without overrunning it, and a lone one catches up within the window once its answers show it alone.
START_SHARE = 0.5
# A window longer than this without a jump in the remaining count means we missed its turn: start anew.
WINDOW_SECONDS = 1.0
# Others spending at most this part of a window (a request or two answered out of order) is no one else.
ALONE_SLACK = 0.03
# The fastest catching up may go, as a multiple of the budget: slots lost to a stall are made up within the window,
# without a burst that would show the other sender an uneven pace.
MAX_CATCH_UP = 2.0
# The slowest pace asked for, as a part of the budget: a sender that yields most of a window still sends now and
# then, so that its answers show the next window (and date it) as soon as it opens.
MIN_PACE = 0.1


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
        # The first answer of the window: when its request left, when the answer came, and how long before it the
        # window opened (the others' requests it took first, at their pace).
        self._window_sent = 0.0
        self._window_answered = 0.0
        self._window_before = 0.0
        self._round_trip: float | None = None  # the shortest seen
        self._last_remaining: float | None = None
        self._others = 0.0  # the others' requests in this window, up to the latest answer
        self._others_first: float | None = None  # when this window's first request of someone else was counted
        self._others_before: float | None = None  # the others' requests in the last window (None: not seen)
        self._ours_used: list[float] = []  # the server's count at each of our requests of this window
        # A window the server filled (a 429, or nothing remaining): someone wanted more than the limit, so nobody
        # takes more than its claim in the next one.
        self._overflowed = False
        self._overflowed_before = False
        # Other senders, as far as the windows tell: one until a window overflows while we keep to our claim and
        # the others still take more than that many would.
        self.peers = 1
        self._sends: list[float] = []  # when our requests left, in order; the last two windows' worth
        self.quota = self.budget
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
        insort(sends, at)
        if sends[0] < at - 4 * WINDOW_SECONDS:
            del sends[: bisect_left(sends, at - 2 * WINDOW_SECONDS)]
        end = self._window_end()
        if end is not None and at < end and self._ours_in_window(at) >= self.quota - 0.5:
            # That was our last request of this window: the next one waits for the window's end.
            self.pacer.hold(end - at)

    def _window_end(self) -> float | None:
        return None if self._window_start is None else self._window_start + WINDOW_SECONDS

    def _ours_in_window(self, until: float) -> int:
        """Our requests sent in the current window up to ``until``; counted from its first answer's request at the
        latest (that request is in the window, whatever the estimate of its start)."""
        assert self._window_start is not None
        since = min(self._window_start, self._window_sent)
        if self.windows <= 1 and self._sends:
            # The run's first requests wait for connections and reach the server after the window they open has
            # been dated from a faster one: every request sent before the first window's first answer counts in it.
            since = min(since, self._sends[0])
        return bisect_right(self._sends, until) - bisect_left(self._sends, since)

    def observe(self, status: int, headers: Mapping[str, str], sent_at: float | None = None) -> None:
        """Learn from one answer. ``sent_at`` is when its request left: the server spent its budget then, not when
        the answer (slowed by the server's latency) came back, so time within a window is measured from sends."""
        now = self._clock()
        if status == 429:
            self._overflowed = True
            start = self._window_start
            rest = start + WINDOW_SECONDS - now if start is not None else 0.1
            self.pacer.hold(min(max(rest, 0.02), WINDOW_SECONDS))
            return
        answered_at, sent = now, sent_at if sent_at is not None else now
        if answered_at > sent and (self._round_trip is None or answered_at - sent < self._round_trip):
            self._round_trip = answered_at - sent
        limit = header_number(headers, "x-ratelimit-limit")
        if limit is not None and limit >= 1:
            self.limit = limit
        remaining = header_number(headers, "x-ratelimit-remaining")
        if remaining is None:
            return
        if not self._place(sent, answered_at, remaining):
            return
        start = self._window_start
        assert start is not None
        used = self.limit - remaining
        if remaining <= 0:
            self._overflowed = True
        # The others' requests up to this one: the server's count at its arrival less ours that arrived before it
        # (those answered so far: an answer describes its own request's moment).
        ours = self._ours_used
        ours.append(used)
        others = max(used - sum(1 for counted in ours if counted <= used), 0.0)
        if others > max(ALONE_SLACK * used, 1.0) and self._others_first is None:
            self._others_first = sent
        self._others = max(self._others, others)
        self.quota = self._quota(start, sent)
        left = start + WINDOW_SECONDS - answered_at
        if left <= 0:
            self._set(self.quota)  # past the window's end, before an answer shows the next one: its pace
            return
        due = self.quota - self._ours_in_window(answered_at)
        if due < 1:
            # Our part of this window is spent: nothing more before its end, then the next window's pace.
            self.pacer.hold(left)
            self._set(self.quota)
            return
        self._set(due / left)

    def _place(self, sent: float, answered_at: float, remaining: float) -> bool:
        """Find the window an answer belongs to, opening a new one on a jump of the remaining count; False for an
        answer to a request sent before the window we are in (it tells nothing about this one)."""
        last, start = self._last_remaining, self._window_start
        if start is not None and self.windows > 1 and sent < self._window_sent - self._window_before:
            return False
        if start is None or last is None or remaining > last + self.limit / 4 or sent - start > 1.5 * WINDOW_SECONDS:
            if start is not None:
                self._close_window()
            self._window_sent, self._window_answered = sent, answered_at
            # Requests of others the window took before ours: it opened that many slots of their pace earlier (the
            # full rate when their pace is not known yet).
            pace = self._others_before if self._others_before else self.limit
            self._window_before = min(max(self.limit - remaining - 1, 0.0) / pace, WINDOW_SECONDS)
            self._others = 0.0
            self._others_first = None
            self._ours_used = []
            self._overflowed = False
            self.windows += 1
        # Re-dated as shorter round trips show how late the window's first request reached the server.
        arrived = max(self._window_sent, self._window_answered - (self._round_trip or 0.0))
        self._window_start = arrived - self._window_before
        self._last_remaining = remaining
        return True

    def _close_window(self) -> None:
        """What the window that just ended says about the others: how much they took, and how many they are."""
        others = self._others if self._others_first is not None else 0.0
        self._others_before = others
        self._overflowed_before = self._overflowed
        claim = self.budget / (self.peers + 1)
        if self.windows <= 1:
            return  # we arrived during that window: it says nothing about how many share the rest
        if self._overflowed and len(self._ours_used) <= claim + 1 and others > 1.1 * self.peers * claim:
            self.peers += 1  # we kept to our claim and the window still overflowed: more of them than we thought
        elif self.peers > 1 and not self._overflowed and others <= 1.1 * self.budget * (self.peers - 1) / self.peers:
            self.peers -= 1

    def _quota(self, start: float, sent: float) -> float:
        """How many requests of this window are ours: all of the budget alone; half of it, and what the others
        leave of theirs, once someone else spends the token."""
        before = self._others_before
        if self._others_first is None and not before:
            return self.budget
        claim = self.budget / (self.peers + 1)
        if self._overflowed or self._overflowed_before:
            return claim
        first = self._others_first
        left = start + WINDOW_SECONDS - sent
        if self.windows <= 1:
            # Our first window, which others may have been spending since it opened: at most what is left of it at
            # their pace so far, not a claim on what is gone.
            pace = self._others / max(sent - start, MIN_ELAPSED)
            return min(claim, self.budget - self._others - pace * left)
        if first is None or sent - start < MIN_ELAPSED:
            expected = before if before is not None else self.budget - claim
        else:
            # Their pace since they were first seen in this window, projected to its end; never below the last
            # window's count, so that a sender still speeding up is not taken from.
            pace = self._others / max(sent - first, MIN_ELAPSED)
            expected = max(self._others + pace * left, before or 0.0)
        return max(claim, self.budget - expected)

    def _set(self, rate: float) -> None:
        # No catching up in the first window: whoever else starts now has not reached the server yet, and a sender
        # racing to fill the window alone would leave them only its end.
        fastest = self.budget * (MAX_CATCH_UP if self.windows > 1 else 1.0)
        self.pacer.rate = min(max(rate, self.budget * MIN_PACE, 1.0), fastest)

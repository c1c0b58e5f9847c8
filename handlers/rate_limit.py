"""A per-user sliding-window limit on questions, so one flood cannot slow everyone else down."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

# The limit is counted over one minute because that is how villagers and the setting talk about it.
WINDOW_SECONDS = 60.0
# Forget idle users once this many are tracked, so memory stays flat under a long run.
PRUNE_AT_USERS = 10_000


class Verdict(Enum):
    """What to do with one incoming question."""

    ALLOW = "allow"
    NOTIFY = "notify"  # over the limit: answer once with a polite notice
    DROP = "drop"  # still over the limit and told within the window: stay silent


class SlidingWindowLimiter:
    """At most `limit` questions per user within `window` seconds. A refusal is announced at most once a
    window: a steady flooder gets one notice a minute, not one each time the window lets a question by."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}
        self._notified: dict[int, float] = {}  # user -> when last told

    def check(self, user_id: int) -> Verdict:
        """Count one question from `user_id` and say whether to answer it."""
        now = self._clock()
        if len(self._recent) > PRUNE_AT_USERS:
            self._prune(now)
        recent = self._recent.setdefault(user_id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) < self.limit:
            recent.append(now)
            return Verdict.ALLOW
        told = self._notified.get(user_id)
        if told is not None and now - told < self.window:
            return Verdict.DROP
        self._notified[user_id] = now
        return Verdict.NOTIFY

    def _prune(self, now: float) -> None:
        idle = [uid for uid, times in self._recent.items() if not times or now - times[-1] >= self.window]
        for uid in idle:
            del self._recent[uid]
            self._notified.pop(uid, None)

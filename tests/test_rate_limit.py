"""The per-user flood limit, on a controlled clock."""

from __future__ import annotations

from handlers.rate_limit import SlidingWindowLimiter, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_steady_flooder_is_told_once_a_window_and_others_are_served() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=20, window=60.0, clock=clock)
    verdicts = []
    for second in range(180):  # one message a second for three minutes: three times the limit
        clock.now = float(second)
        verdicts.append(limiter.check(1))
        assert limiter.check(2 + second) is Verdict.ALLOW  # everyone else is served meanwhile
    assert verdicts.count(Verdict.ALLOW) == 60  # 20 a minute
    assert verdicts.count(Verdict.NOTIFY) == 3  # one notice a minute, not one per refusal
    assert verdicts[:20] == [Verdict.ALLOW] * 20 and verdicts[20] is Verdict.NOTIFY


def test_a_quiet_user_is_forgotten_and_starts_afresh() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=2, window=60.0, clock=clock)
    assert [limiter.check(7) for _ in range(4)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTIFY, Verdict.DROP]
    clock.now = 61.0
    assert limiter.check(7) is Verdict.ALLOW

"""Per-user and per-group limits, on a clock the test controls."""

from __future__ import annotations

from bot.fairness import Limits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_flight_limit_refuses_and_tells_once_a_minute():
    clock = Clock()
    limits = Limits(in_flight=2, per_minute=100, group_per_minute=100, clock=clock)
    assert limits.admit(1, 1).admitted and limits.admit(1, 1).admitted
    refused = [limits.admit(1, 1) for _ in range(5)]
    assert not any(v.admitted for v in refused)
    assert [v.tell for v in refused] == [True, False, False, False, False]
    assert limits.admit(2, 2).admitted  # someone else is not held up
    limits.release(1, 1)
    assert limits.admit(1, 1).admitted
    clock.now += 61
    assert limits.admit(1, 1).tell  # a minute later the asker is told again


def test_per_minute_limits_for_a_user_and_a_group():
    clock = Clock()
    limits = Limits(in_flight=10, per_minute=3, group_per_minute=4, clock=clock)
    for _ in range(3):
        assert limits.admit(1, 1).admitted
        limits.release(1, 1)
    assert not limits.admit(1, 1).admitted
    clock.now += 60
    assert limits.admit(1, 1).admitted
    limits.release(1, 1)
    group = [limits.admit(user, -100) for user in (5, 6, 7, 8, 9)]
    assert [v.admitted for v in group] == [True, True, True, True, False]
    assert limits.admit(9, 9).admitted  # the same person in a private chat


def test_askers_quiet_for_a_minute_are_forgotten():
    clock = Clock()
    limits = Limits(in_flight=5, per_minute=5, group_per_minute=5, clock=clock)
    for user in range(1500):
        assert limits.admit(user, user).admitted
        limits.release(user, user)
        clock.now += 0.1
    assert len(limits) < 1500  # the sweep after the 1,000th dropped the first minute's askers

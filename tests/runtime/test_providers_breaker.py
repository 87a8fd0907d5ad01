"""The per-provider circuit breaker: closed, open for a cool-down, half-open trial."""

from __future__ import annotations

import threading

import pytest

from runtime.providers.breaker import BreakerState, CircuitBreaker


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def state(cb: CircuitBreaker) -> BreakerState:
    """The breaker's state, read afresh (a property whose value changes under the test)."""
    return cb.state


def breaker(clock: Clock, opened: list[str] | None = None, **kwargs: float) -> CircuitBreaker:
    return CircuitBreaker(
        "lex",
        failure_threshold=int(kwargs.get("failures", 3)),
        cooldown_s=kwargs.get("cooldown_s", 10.0),
        clock=clock,
        on_open=None if opened is None else opened.append,
    )


def test_a_closed_breaker_lets_every_call_through_until_failures_reach_the_threshold() -> None:
    # GIVEN a breaker that opens after three consecutive failures
    clock, opened = Clock(), list[str]()
    cb = breaker(clock, opened)

    # WHEN two calls fail
    for _ in range(2):
        assert cb.allow()
        cb.record(False)

    # THEN it is still closed; the third failure opens it and reports the opening once
    assert state(cb) is BreakerState.CLOSED
    assert cb.allow()
    cb.record(False)
    assert state(cb) is BreakerState.OPEN
    assert opened == ["lex"]
    assert not cb.allow()


def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    # GIVEN two failures, then a success
    cb = breaker(Clock())
    cb.record(False)
    cb.record(False)
    cb.record(True)

    # WHEN two more calls fail
    cb.record(False)
    cb.record(False)

    # THEN the breaker is still closed: only consecutive failures count
    assert state(cb) is BreakerState.CLOSED


def test_after_the_cool_down_one_trial_call_is_allowed_and_its_success_closes_the_breaker() -> None:
    # GIVEN an open breaker
    clock = Clock()
    cb = breaker(clock, failures=1, cooldown_s=10.0)
    cb.record(False)

    # WHEN the cool-down has passed
    clock.now += 10.0

    # THEN exactly one trial is allowed, and its success closes the breaker
    assert state(cb) is BreakerState.HALF_OPEN
    assert cb.allow()
    assert not cb.allow()
    cb.record(True)
    assert state(cb) is BreakerState.CLOSED
    assert cb.allow()


def test_a_failed_trial_opens_the_breaker_for_another_cool_down() -> None:
    # GIVEN a half-open breaker whose trial call fails
    clock, opened = Clock(), list[str]()
    cb = breaker(clock, opened, failures=1, cooldown_s=5.0)
    cb.record(False)
    clock.now += 5.0
    assert cb.allow()

    # WHEN the trial fails
    cb.record(False)

    # THEN the breaker is open again, for a full cool-down from now
    assert state(cb) is BreakerState.OPEN
    clock.now += 4.9
    assert not cb.allow()
    clock.now += 0.1
    assert cb.allow()
    assert opened == ["lex", "lex"]


def test_a_trial_permit_that_was_not_used_can_be_given_back() -> None:
    # GIVEN a half-open breaker whose trial permit was taken
    clock = Clock()
    cb = breaker(clock, failures=1, cooldown_s=1.0)
    cb.record(False)
    clock.now += 1.0
    assert cb.allow()

    # WHEN the caller did not make the call after all
    cb.cancel()

    # THEN another caller may make the trial
    assert cb.allow()


def test_only_one_of_many_concurrent_callers_gets_the_half_open_trial() -> None:
    # GIVEN a half-open breaker
    clock = Clock()
    cb = breaker(clock, failures=1, cooldown_s=1.0)
    cb.record(False)
    clock.now += 1.0
    allowed: list[bool] = []
    barrier = threading.Barrier(16)

    def call() -> None:
        barrier.wait()
        allowed.append(cb.allow())

    # WHEN sixteen threads ask at once
    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN exactly one is let through
    assert allowed.count(True) == 1


@pytest.mark.parametrize(("failures", "cooldown"), [(0, 1.0), (1, 0.0)])
def test_nonsensical_limits_are_refused(failures: int, cooldown: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        CircuitBreaker("x", failure_threshold=failures, cooldown_s=cooldown)

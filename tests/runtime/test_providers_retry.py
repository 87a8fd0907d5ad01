"""Bounded, deadline-aware retries with full jitter."""

from __future__ import annotations

import pytest

from runtime.errors import ProviderError
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy


class Script:
    """A call that fails with the given kinds, then answers "ok"."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = list(kinds)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.kinds:
            raise ProviderError("lex", "scripted", kind=self.kinds.pop(0))
        return "ok"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run(policy: RetryPolicy, script: Script, clock: Clock, budget_s: float = 5.0) -> str:
    return policy.run(script, budget_s=budget_s, clock=clock, sleep=clock.sleep, rand=lambda: 1.0)


def test_an_unavailable_provider_is_retried_once_after_a_short_pause() -> None:
    # GIVEN a call that fails once with a 5xx-like error
    clock, script = Clock(), Script("unavailable")

    # WHEN it runs under the default policy
    answer = run(provider_retry(), script, clock)

    # THEN the second attempt answers, after a pause of at most the base delay
    assert answer == "ok"
    assert script.calls == 2
    assert clock.sleeps == [pytest.approx(0.05)]


def test_attempts_are_bounded() -> None:
    clock, script = Clock(), Script("unavailable", "unavailable", "unavailable")
    with pytest.raises(ProviderError) as caught:
        run(provider_retry(2), script, clock)
    assert caught.value.kind == "unavailable"
    assert script.calls == 2


@pytest.mark.parametrize("kind", ["throttled", "timeout", "malformed", "error", "unconfigured"])
def test_only_unavailability_is_retried(kind: str) -> None:
    # GIVEN a failure that another attempt would not fix, or would make worse (throttling)
    clock, script = Clock(), Script(kind)

    # WHEN it runs
    with pytest.raises(ProviderError):
        run(provider_retry(), script, clock)

    # THEN there is no second attempt
    assert script.calls == 1


def test_no_retry_when_less_than_half_the_budget_would_be_left() -> None:
    # GIVEN a first attempt that failed after most of the budget was used
    clock = Clock()

    def slow_failure() -> str:
        clock.now += 0.3
        raise ProviderError("lex", "slow 503", kind="unavailable")

    # WHEN the budget is 0.5 s
    with pytest.raises(ProviderError):
        provider_retry().run(slow_failure, budget_s=0.5, clock=clock, sleep=clock.sleep)

    # THEN it gave up instead of overrunning the provider's time
    assert clock.sleeps == []


def test_pauses_are_jittered_and_grow_up_to_the_maximum() -> None:
    policy = provider_retry(5, base_delay_s=0.05, max_delay_s=0.15)
    assert policy.delay_s(1, rand=lambda: 1.0) == pytest.approx(0.05)
    assert policy.delay_s(2, rand=lambda: 1.0) == pytest.approx(0.10)
    assert policy.delay_s(3, rand=lambda: 1.0) == pytest.approx(0.15)
    assert policy.delay_s(3, rand=lambda: 0.5) == pytest.approx(0.075)
    assert policy.delay_s(1, rand=lambda: 0.0) == 0.0


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        provider_retry(0)

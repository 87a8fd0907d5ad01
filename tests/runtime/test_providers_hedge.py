"""The hedge delay: fixed, or a percentile of Lex's recent latencies between floor and ceiling."""

from __future__ import annotations

import pytest

from runtime.providers.hedge import HedgeDelay, LatencyHedgeDelay, percentile


def test_the_nearest_rank_percentile_picks_an_observed_value() -> None:
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 0.9) == 9.0
    assert percentile(values, 0.5) == 5.0
    assert percentile(values, 1.0) == 10.0
    assert percentile([3.0], 0.9) == 3.0


def test_a_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.9)


def test_without_enough_samples_the_initial_delay_is_used() -> None:
    # GIVEN an estimator that wants five samples
    hedge = LatencyHedgeDelay(initial_s=0.4, min_samples=5)

    # WHEN only four latencies were observed
    for _ in range(4):
        hedge.observe(0.05)

    # THEN the delay is still the initial one
    assert hedge.delay_s() == pytest.approx(0.4)


def test_the_delay_follows_the_p90_of_lex_latency_times_the_margin() -> None:
    # GIVEN Lex answering in 300 ms nine times out of ten and 500 ms once
    hedge = LatencyHedgeDelay(percentile=0.9, margin=1.1, floor_s=0.1, min_samples=5)
    for latency in [0.3] * 9 + [0.5]:
        hedge.observe(latency)

    # THEN the hedge fires a little after the usual answer, not after the outlier
    assert hedge.delay_s() == pytest.approx(0.33)


def test_a_fast_lex_cannot_push_the_delay_below_the_floor() -> None:
    hedge = LatencyHedgeDelay(floor_s=0.1, min_samples=1)
    hedge.observe(0.01)
    assert hedge.delay_s() == pytest.approx(0.1)


def test_a_slow_lex_cannot_push_the_delay_past_the_ceiling() -> None:
    hedge = LatencyHedgeDelay(ceiling_s=2.0, min_samples=1)
    hedge.observe(9.0)
    assert hedge.delay_s() == pytest.approx(2.0)


def test_old_samples_leave_the_window() -> None:
    # GIVEN a window of ten samples that were all slow
    hedge = LatencyHedgeDelay(window=10, min_samples=1, margin=1.0, floor_s=0.0)
    for _ in range(10):
        hedge.observe(1.0)

    # WHEN Lex becomes fast for ten calls
    for _ in range(10):
        hedge.observe(0.2)

    # THEN only the recent latency counts
    assert hedge.delay_s() == pytest.approx(0.2)


def test_a_fixed_delay_ignores_observations() -> None:
    hedge = HedgeDelay(0.25)
    hedge.observe(3.0)
    assert hedge.delay_s() == 0.25


@pytest.mark.parametrize(
    "kwargs", [{"percentile": 0.0}, {"percentile": 1.5}, {"floor_s": 3.0, "ceiling_s": 1.0}]
)
def test_nonsensical_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must be|need"):
        LatencyHedgeDelay(**kwargs)  # type: ignore[arg-type]

"""The patience: when every cloud is late, a confident embedded reading answers.

The estimator is tested on its own; the rule through the orchestrator, in virtual time
(:mod:`tests.runtime.virtual_time`): provider calls sleep in virtual seconds and the
orchestrator's clock and waiter are the virtual ones, so "answers at the patience" is an exact
statement about the clock, not a race against a slow machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from typing import Any

import pytest

from runtime.errors import ConfigError
from runtime.providers.factory import orchestrator_config
from runtime.providers.hedge import LatencyHedgeDelay
from runtime.providers.observability import InMemoryTelemetry
from runtime.providers.orchestrator import CloudUnderstander, OrchestratorConfig, Waiter
from runtime.providers.patience import MARGIN, Patience
from runtime.settings import Settings
from runtime.types import NluContext, NluResult, Sentiment, Understanding
from tests.runtime.virtual_time import HANGS, VirtualNlu, VirtualSentiment, VirtualTime

CONTEXT = NluContext(session_id="patience-test")
PATIENCE_S = 0.8


class Embedded:
    """The embedded models: a fixed reading and a neutral label, instantly."""

    name = "embedded"

    def __init__(self, intent: str = "CheckWeather", confidence: float = 0.9) -> None:
        self.intent, self.confidence = intent, confidence
        self.calls = 0

    def recognize(self, text: str, context: NluContext) -> NluResult:
        self.calls += 1
        return NluResult(
            intent=self.intent, confidence=self.confidence, slots={}, provider="embedded"
        )

    def analyze(self, text: str) -> Sentiment:
        return Sentiment(label="neutral", score=0.5, provider="embedded")


@pytest.fixture
def clock() -> Iterator[VirtualTime]:
    """Virtual time; at teardown every sleeping call wakes and ends."""
    virtual = VirtualTime()
    yield virtual
    virtual.stop()


_BUILT: list[CloudUnderstander] = []


@pytest.fixture(autouse=True)
def close_understanders() -> Iterator[None]:
    yield
    while _BUILT:
        _BUILT.pop().close()


def understander(
    clock: VirtualTime,
    *,
    lex: VirtualNlu | None = None,
    dialogflow: VirtualNlu | None = None,
    azure: VirtualSentiment | None = None,
    embedded: Embedded | None = None,
    waiter: Waiter | None = None,
    **config: float | None,
) -> CloudUnderstander:
    """The orchestrator on virtual time; a fixed patience of 0.8 s unless told otherwise."""
    settings = {
        "hedge_delay_s": 0.15,
        "lex_timeout_s": 5.0,
        "dialogflow_timeout_s": 5.0,
        "azure_timeout_s": 3.0,
        "patience_floor_s": PATIENCE_S,
        "patience_ceiling_s": PATIENCE_S,
        "warm_up_delay_s": None,
        **config,
    }
    models = embedded or Embedded()
    cloud = CloudUnderstander(
        embedded_nlu=models,
        embedded_sentiment=models,
        lex=lex,
        dialogflow=dialogflow,
        sentiment=azure,
        config=OrchestratorConfig(**settings),  # type: ignore[arg-type]
        telemetry=InMemoryTelemetry(),
        clock=clock.now,
        waiter=waiter or clock.wait,
    )
    clock.watch(cloud.lanes)
    _BUILT.append(cloud)
    return cloud


def turn(clock: VirtualTime, cloud: CloudUnderstander) -> tuple[float, Understanding]:
    """One message: the virtual seconds it took, and the understanding."""
    started = clock.now()
    result = cloud.understand("What's the weather in Lisbon?", CONTEXT, budget_s=10.0)
    return clock.now() - started, result


def metrics(cloud: CloudUnderstander) -> InMemoryTelemetry:
    assert isinstance(cloud.telemetry, InMemoryTelemetry)
    return cloud.telemetry


def all_hanging(
    clock: VirtualTime,
    embedded: Embedded | None = None,
    *,
    max_in_flight: int = 8,
    breaker_failures: int = 5,
) -> CloudUnderstander:
    """The orchestrator over a Lex, a Dialogflow and an Azure that all hang."""
    return understander(
        clock,
        lex=VirtualNlu(clock, "lex"),
        dialogflow=VirtualNlu(clock, "dialogflow"),
        azure=VirtualSentiment(clock, "azure"),
        embedded=embedded,
        max_in_flight=max_in_flight,
        breaker_failures=breaker_failures,
    )


# ------------------------------------------------------------------------------ the estimator


def test_with_no_samples_yet_the_patience_is_its_ceiling() -> None:
    # GIVEN a fresh patience (a cold start)
    patience = Patience(floor_s=0.5, ceiling_s=1.2)

    # THEN the clouds are trusted until they are known: both wait as long as allowed
    assert patience.nlu.delay_s() == pytest.approx(1.2)
    assert patience.sentiment.delay_s() == pytest.approx(1.2)


def test_the_patience_is_the_95th_percentile_of_recent_answers_with_a_margin() -> None:
    # GIVEN twenty answers: eighteen at 300 ms, two at 500 ms
    patience = Patience(floor_s=0.1, ceiling_s=2.0)
    for latency in [0.3] * 18 + [0.5] * 2:
        patience.nlu.observe(latency)

    # THEN the patience covers the slow tail (the 19th of 20 is 500 ms), with the margin
    assert patience.nlu.delay_s() == pytest.approx(0.5 * MARGIN)


def test_one_slow_answer_in_twenty_does_not_move_the_patience() -> None:
    patience = Patience(floor_s=0.1, ceiling_s=2.0)
    for latency in [0.3] * 19 + [1.5]:
        patience.nlu.observe(latency)
    assert patience.nlu.delay_s() == pytest.approx(0.3 * MARGIN)


def test_the_floor_keeps_a_fast_cloud_from_making_the_patience_a_hair_trigger() -> None:
    # GIVEN clouds answering in 50 ms
    patience = Patience(floor_s=0.5, ceiling_s=1.2)
    for _ in range(20):
        patience.nlu.observe(0.05)

    # THEN the patience is the floor, not 60 ms: a jitter does not hand the turn to the embedded
    assert patience.nlu.delay_s() == pytest.approx(0.5)


def test_the_ceiling_bounds_the_wait_however_slow_the_clouds_were() -> None:
    patience = Patience(floor_s=0.5, ceiling_s=1.2)
    for _ in range(20):
        patience.nlu.observe(3.0)
    assert patience.nlu.delay_s() == pytest.approx(1.2)


def test_the_nlu_and_the_sentiment_patience_are_learned_separately() -> None:
    # GIVEN a fast NLU and a slower sentiment service
    patience = Patience(floor_s=0.1, ceiling_s=2.0)
    for _ in range(10):
        patience.nlu.observe(0.2)
        patience.sentiment.observe(0.9)

    # THEN each waits for its own service
    assert patience.nlu.delay_s() == pytest.approx(0.2 * MARGIN)
    assert patience.sentiment.delay_s() == pytest.approx(0.9 * MARGIN)


@pytest.mark.parametrize(("floor_s", "ceiling_s"), [(1.5, 1.2), (-0.1, 1.0)])
def test_an_impossible_patience_is_refused(floor_s: float, ceiling_s: float) -> None:
    with pytest.raises(ValueError, match="floor_s <= ceiling_s"):
        Patience(floor_s=floor_s, ceiling_s=ceiling_s)


def test_the_floor_and_the_ceiling_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"TRAVELBOT_PATIENCE_FLOOR_MS": "300", "TRAVELBOT_PATIENCE_CEILING_MS": "2000"}
    )
    config = orchestrator_config(settings)
    assert (config.patience_floor_s, config.patience_ceiling_s) == (0.3, 2.0)


def test_without_settings_the_patience_is_between_half_a_second_and_1200_ms() -> None:
    config = orchestrator_config(Settings.from_env({}))
    assert (config.patience_floor_s, config.patience_ceiling_s) == (0.5, 1.2)


def test_a_floor_above_the_ceiling_in_the_environment_names_both_variables() -> None:
    with pytest.raises(ConfigError, match=r"TRAVELBOT_PATIENCE_FLOOR_MS.*CEILING_MS"):
        Settings.from_env(
            {"TRAVELBOT_PATIENCE_FLOOR_MS": "1500", "TRAVELBOT_PATIENCE_CEILING_MS": "1000"}
        )


# ----------------------------------------------------------------------------------- the rule


def test_when_every_cloud_is_late_a_confident_embedded_reading_answers_at_the_patience(
    clock: VirtualTime,
) -> None:
    # GIVEN Lex, Dialogflow and Azure all hanging, and a confident embedded NLU
    cloud = all_hanging(clock)

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN the embedded models answer at the patience, not at Lex's 5 s deadline, degraded
    assert elapsed == pytest.approx(PATIENCE_S)
    assert result.nlu.provider == "embedded"
    assert result.nlu.intent == "CheckWeather"
    assert result.sentiment.provider == "embedded"
    assert result.degraded
    # AND the turn is counted as answered by the patience
    telemetry = metrics(cloud)
    assert telemetry.count("AnsweredByPatience") == 1
    assert telemetry.count("NluFallback") == 1
    assert telemetry.count("DegradedTurns") == 1


@pytest.mark.parametrize(
    ("intent", "confidence"),
    [("FallbackIntent", 0.95), ("PlanTrip", 0.59)],
    ids=["no-intent", "below-threshold"],
)
def test_an_unsure_embedded_reading_waits_for_the_clouds_until_their_deadline(
    clock: VirtualTime, intent: str, confidence: float
) -> None:
    # GIVEN every cloud hanging and an embedded reading that is not confident (threshold 0.6)
    cloud = all_hanging(clock, Embedded(intent, confidence))

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN the turn waits as it always did, to the last deadline (Lex's and Dialogflow's 5 s),
    # and then falls back as it always did
    assert elapsed == pytest.approx(5.0)
    assert result.nlu.provider == "embedded"
    assert result.degraded
    assert metrics(cloud).count("AnsweredByPatience") == 0


def test_an_unsure_embedded_reading_takes_a_cloud_answer_that_comes_after_the_patience(
    clock: VirtualTime,
) -> None:
    # GIVEN Lex answering confidently at 2 s, long after the patience, and an unsure embedded
    lex = VirtualNlu(clock, "lex", after_s=2.0)
    cloud = understander(clock, lex=lex, embedded=Embedded("FallbackIntent", 0.7))

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN Lex's answer is used when it comes
    assert elapsed == pytest.approx(2.0)
    assert (result.nlu.provider, result.degraded) == ("lex", False)


def test_a_cloud_that_answers_within_the_patience_is_used_and_the_embedded_nlu_never_runs(
    clock: VirtualTime,
) -> None:
    embedded = Embedded()
    cloud = understander(
        clock,
        lex=VirtualNlu(clock, "lex", after_s=0.3),
        azure=VirtualSentiment(clock, "azure", after_s=0.2),
        embedded=embedded,
    )
    elapsed, result = turn(clock, cloud)
    assert elapsed == pytest.approx(0.3)
    assert (result.nlu.provider, result.sentiment.provider) == ("lex", "azure")
    assert embedded.calls == 0
    assert metrics(cloud).count("AnsweredByPatience") == 0


def test_the_hedge_still_answers_before_the_patience(clock: VirtualTime) -> None:
    # GIVEN Lex hanging and Dialogflow answering 0.4 s after the 0.15 s hedge delay
    cloud = understander(
        clock, lex=VirtualNlu(clock, "lex"), dialogflow=VirtualNlu(clock, "dialogflow", after_s=0.4)
    )

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN Dialogflow answers at 0.55 s, within the 0.8 s patience
    assert elapsed == pytest.approx(0.55)
    assert result.nlu.provider == "dialogflow"
    assert not result.degraded


@pytest.mark.parametrize("intent", ["Thanks", "Cancel", "SmallTalk", "OutOfScope"])
def test_the_patience_treats_every_intent_alike(clock: VirtualTime, intent: str) -> None:
    # GIVEN intents the orchestrator has never heard of, read confidently by the embedded NLU
    cloud = understander(clock, lex=VirtualNlu(clock, "lex"), embedded=Embedded(intent, 0.8))
    elapsed, result = turn(clock, cloud)
    assert elapsed == pytest.approx(PATIENCE_S)
    assert result.nlu.intent == intent


# --------------------------------------------------------------------------------- derivation


def test_the_patience_follows_the_clouds_observed_latency(clock: VirtualTime) -> None:
    # GIVEN a patience between 0.2 s and 2 s, and Lex answering in 0.9 s
    lex = VirtualNlu(clock, "lex", after_s=0.9)
    cloud = understander(clock, lex=lex, patience_floor_s=0.2, patience_ceiling_s=2.0)

    # WHEN ten messages are understood, then Lex starts hanging
    answered = [turn(clock, cloud)[1].nlu.provider for _ in range(10)]
    lex.after_s = HANGS
    elapsed, result = turn(clock, cloud)

    # THEN Lex answered all ten, and the hung turn waited p95 × margin of what Lex did: 1.08 s
    assert answered == ["lex"] * 10
    assert cloud.patience.nlu.delay_s() == pytest.approx(0.9 * MARGIN)
    assert elapsed == pytest.approx(0.9 * MARGIN)
    assert result.nlu.provider == "embedded"


def test_a_slow_but_healthy_day_raises_the_patience_so_the_clouds_keep_answering(
    clock: VirtualTime,
) -> None:
    # GIVEN a patience learned on a fast day (Lex in 100 ms: the 0.5 s floor)
    lex = VirtualNlu(clock, "lex", after_s=0.1)
    cloud = understander(clock, lex=lex, patience_floor_s=0.5, patience_ceiling_s=1.2)
    for _ in range(10):
        turn(clock, cloud)
    assert cloud.patience.nlu.delay_s() == pytest.approx(0.5)

    # WHEN Lex slows down to 900 ms, healthy, for ten messages
    lex.after_s = 0.9
    answered = [turn(clock, cloud)[1].nlu.provider for _ in range(10)]

    # THEN the first two are answered at the patience, while Lex's late answers still arrive and
    # raise it; from then on Lex answers again
    assert answered == ["embedded"] * 2 + ["lex"] * 8
    assert cloud.patience.nlu.delay_s() == pytest.approx(0.9 * MARGIN)


def test_a_hedged_answer_counts_from_the_start_of_the_turn(clock: VirtualTime) -> None:
    # GIVEN Lex hanging and Dialogflow answering 0.4 s after the 0.15 s hedge
    cloud = understander(
        clock,
        lex=VirtualNlu(clock, "lex"),
        dialogflow=VirtualNlu(clock, "dialogflow", after_s=0.4),
        patience_floor_s=0.1,
        patience_ceiling_s=2.0,
    )

    # WHEN five messages are understood
    for _ in range(5):
        turn(clock, cloud)

    # THEN the patience leaves room for the hedge and the answer: (0.15 + 0.4) × margin
    assert cloud.patience.nlu.delay_s() == pytest.approx(0.55 * MARGIN)


def test_calls_the_patience_stopped_waiting_for_still_count_when_they_end(
    clock: VirtualTime,
) -> None:
    # GIVEN Lex answering at 3 s and Azure timing out at its 3 s deadline, breakers opening at
    # the first failure
    lex = VirtualNlu(clock, "lex", after_s=3.0)
    azure = VirtualSentiment(clock, "azure", after_s=3.0, error="timeout")
    cloud = understander(
        clock, lex=lex, azure=azure, breaker_failures=1, patience_floor_s=0.5, hedge_delay_s=None
    )

    # WHEN a message is answered at the patience and the calls end afterwards
    _, result = turn(clock, cloud)
    assert result.nlu.provider == "embedded"
    clock.advance(3.0)

    # THEN Lex's answer fed the hedge, the patience and the telemetry, and Azure's timeout its
    # breaker
    telemetry = metrics(cloud)
    assert telemetry.values("ProviderLatencyMs", "lex") == [pytest.approx(3000)]
    assert cloud.patience.nlu.samples == 1
    assert isinstance(cloud.hedge, LatencyHedgeDelay)
    assert cloud.hedge.samples == 1
    assert telemetry.count("ProviderTimeout", "azure") == 1
    assert cloud.breaker("azure").state.value == "open"


# ----------------------------------------------------------------------------------- sentiment


def test_a_late_azure_is_replaced_by_the_embedded_lexicon_at_its_patience(
    clock: VirtualTime,
) -> None:
    # GIVEN a quick confident Lex and an Azure that hangs (its deadline is 3 s)
    cloud = understander(
        clock, lex=VirtualNlu(clock, "lex", after_s=0.1), azure=VirtualSentiment(clock, "azure")
    )

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN Lex's reading comes with the embedded label at the patience, degraded; the NLU was
    # not answered by the patience
    assert elapsed == pytest.approx(PATIENCE_S)
    assert (result.nlu.provider, result.sentiment.provider) == ("lex", "embedded")
    assert result.degraded
    assert metrics(cloud).count("AnsweredByPatience") == 0


def test_the_sentiment_patience_follows_azure_not_the_nlu(clock: VirtualTime) -> None:
    # GIVEN Lex answering in 100 ms and Azure, healthy but slow, in 900 ms
    cloud = understander(
        clock,
        lex=VirtualNlu(clock, "lex", after_s=0.1),
        azure=VirtualSentiment(clock, "azure", after_s=0.9),
        patience_floor_s=0.5,
        patience_ceiling_s=1.2,
    )

    # WHEN ten messages are understood
    labels = [turn(clock, cloud)[1].sentiment.provider for _ in range(10)]

    # THEN Azure labels every one: its own patience is its own latency with the margin, while
    # the NLU's stays at the floor
    assert labels == ["azure"] * 10
    assert cloud.patience.sentiment.delay_s() == pytest.approx(0.9 * MARGIN)
    assert cloud.patience.nlu.delay_s() == pytest.approx(0.5)


# ------------------------------------------------------------------------------------ threads


def test_turns_ended_by_the_patience_never_pile_up_calls_beyond_the_lane_limits(
    clock: VirtualTime,
) -> None:
    # GIVEN every cloud hanging for good, two calls per lane allowed, breakers that never open
    cloud = all_hanging(clock, max_in_flight=2, breaker_failures=1000)
    before = threading.active_count()

    # WHEN thirty messages are understood
    results = [turn(clock, cloud)[1] for _ in range(30)]

    # THEN every answer is the embedded one, the first two at the patience, the rest at once
    # (each lane full), and no lane ever held more than its two calls
    assert all(r.nlu.provider == "embedded" and r.degraded for r in results)
    assert metrics(cloud).count("AnsweredByPatience") == 2
    assert [lane.in_flight for lane in cloud.lanes if lane] == [2, 2, 2]
    assert threading.active_count() <= before + 3 * 2 + 1


def test_waiting_for_azure_after_an_unused_hedge_time_does_not_spin(clock: VirtualTime) -> None:
    # GIVEN Lex confident at 0.1 s (before the 0.15 s hedge delay, so Dialogflow is never
    # called) and Azure answering at 0.5 s; a waiter that counts how often the turn waits
    waits: list[float] = []

    def counting(futures: Sequence[Future[Any]], timeout_s: float) -> None:
        waits.append(timeout_s)
        if len(waits) > 50:
            raise AssertionError(f"the turn keeps waiting: {waits[-5:]}")
        clock.wait(futures, timeout_s)

    cloud = understander(
        clock,
        lex=VirtualNlu(clock, "lex", after_s=0.1),
        dialogflow=VirtualNlu(clock, "dialogflow"),
        azure=VirtualSentiment(clock, "azure", after_s=0.5),
        waiter=counting,
    )

    # WHEN a message is understood
    elapsed, result = turn(clock, cloud)

    # THEN the turn waited a few times, never for nothing (the passed hedge time is no event)
    assert elapsed == pytest.approx(0.5)
    assert (result.nlu.provider, result.sentiment.provider) == ("lex", "azure")
    assert len(waits) <= 4
    assert all(timeout > 0 for timeout in waits)

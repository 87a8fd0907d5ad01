"""The orchestrator's decisions, with in-process providers whose timing the test controls.

(The same orchestrator against the real SDKs and the wire-level fakes is in
``tests/integration/test_cloud_fault_matrix.py``.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from runtime.errors import ProviderError
from runtime.providers.observability import InMemoryTelemetry
from runtime.providers.orchestrator import CloudUnderstander, OrchestratorConfig
from runtime.types import NluContext, NluResult, Sentiment, Understanding

CONTEXT = NluContext(session_id="orchestrator-test")


class StubNlu:
    """An NLU provider that answers after ``delay_s``, fails with ``error``, or waits on a gate."""

    def __init__(
        self,
        name: str,
        intent: str = "CheckWeather",
        confidence: float = 0.9,
        *,
        delay_s: float = 0.0,
        error: str | None = None,
        ready: bool = True,
        gate: threading.Event | None = None,
    ) -> None:
        self.name = name
        self.intent, self.confidence = intent, confidence
        self.delay_s, self.error, self.gate = delay_s, error, gate
        self._ready = ready
        self.calls = 0
        self.warmed = threading.Event()

    @property
    def ready(self) -> bool:
        return self._ready

    def warm(self) -> None:
        if self.error == "unconfigured":
            raise ProviderError(self.name, "no key", kind="unconfigured")
        self._ready = True
        self.warmed.set()

    def recognize(self, text: str, context: NluContext) -> NluResult:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        time.sleep(self.delay_s)
        if self.error == "crash":
            raise RuntimeError("a bug in a provider")
        if self.error:
            raise ProviderError(self.name, "scripted failure", kind=self.error)
        self._ready = True
        return NluResult(
            intent=self.intent,
            confidence=self.confidence,
            slots={"destination": "Lisbon"},
            provider=self.name,
        )


class StubSentiment(StubNlu):
    """A sentiment provider with the same controls."""

    def analyze(self, text: str) -> Sentiment:
        self.recognize(text, CONTEXT)
        return Sentiment(label="positive", score=0.8, provider=self.name)


class EmbeddedSentimentStub:
    name = "embedded"

    def analyze(self, text: str) -> Sentiment:
        return Sentiment(label="neutral", score=0.5, provider="embedded")


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Released at teardown, so no stub thread outlives its test."""
    event = threading.Event()
    yield event
    event.set()


_BUILT: list[CloudUnderstander] = []


@pytest.fixture(autouse=True)
def close_understanders() -> Iterator[None]:
    """Stops every understander a test built (background warm-ups included)."""
    yield
    while _BUILT:
        _BUILT.pop().close()


def understander(
    *,
    lex: StubNlu | None = None,
    dialogflow: StubNlu | None = None,
    azure: StubSentiment | None = None,
    embedded: StubNlu | None = None,
    **config: float | None,
) -> CloudUnderstander:
    settings = {
        "hedge_delay_s": 0.15,
        "lex_timeout_s": 1.0,
        "dialogflow_timeout_s": 1.0,
        "azure_timeout_s": 1.0,
        "warm_up_delay_s": None,
        **config,
    }
    cloud = CloudUnderstander(
        embedded_nlu=embedded or StubNlu("embedded", "CheckWeather", 0.7),
        embedded_sentiment=EmbeddedSentimentStub(),
        lex=lex,
        dialogflow=dialogflow,
        sentiment=azure,
        config=OrchestratorConfig(**settings),  # type: ignore[arg-type]
        telemetry=InMemoryTelemetry(),
    )
    _BUILT.append(cloud)
    return cloud


def timed(cloud: CloudUnderstander, budget_s: float = 5.0) -> tuple[float, Understanding]:
    started = time.monotonic()
    result = cloud.understand("What's the weather in Lisbon?", CONTEXT, budget_s)
    return time.monotonic() - started, result


def metrics(cloud: CloudUnderstander) -> InMemoryTelemetry:
    assert isinstance(cloud.telemetry, InMemoryTelemetry)
    return cloud.telemetry


# --------------------------------------------------------------------------- priority & hedge


def test_a_confident_lex_answers_alone_and_dialogflow_is_never_paid_for() -> None:
    # GIVEN a confident Lex and a Dialogflow hedge
    lex, dialogflow = StubNlu("lex"), StubNlu("dialogflow")
    cloud = understander(lex=lex, dialogflow=dialogflow)

    # WHEN a message is understood
    elapsed, result = timed(cloud)

    # THEN Lex's answer is used, quickly, and Dialogflow was not called
    assert result.nlu.provider == "lex"
    assert not result.degraded
    assert dialogflow.calls == 0
    assert elapsed < 0.15
    assert metrics(cloud).count("HedgeFired") == 0


def test_the_embedded_nlu_runs_only_when_no_cloud_is_confident() -> None:
    # GIVEN an embedded NLU whose first call is expensive (it loads a large place list)
    embedded = StubNlu("embedded", "CheckWeather", 0.7)
    cloud = understander(lex=StubNlu("lex"), embedded=embedded)

    # WHEN Lex answers confidently, then is unsure
    timed(cloud)
    calls_while_confident = embedded.calls
    cloud_unsure = understander(lex=StubNlu("lex", "FallbackIntent", 0.0), embedded=embedded)
    _, result = timed(cloud_unsure)

    # THEN the embedded NLU was not run for the confident answer, only for the unsure one
    assert calls_while_confident == 0
    assert embedded.calls == 1
    assert result.nlu.provider == "embedded"


def test_an_unsure_lex_fires_the_hedge_at_once(gate: threading.Event) -> None:
    # GIVEN Lex answering the fallback intent
    lex = StubNlu("lex", "FallbackIntent", 0.0)
    dialogflow = StubNlu("dialogflow", "CheckWeather", 0.85)
    cloud = understander(lex=lex, dialogflow=dialogflow, hedge_delay_s=3.0)

    # WHEN a message is understood
    elapsed, result = timed(cloud)

    # THEN Dialogflow is asked without waiting for the hedge delay, and its answer wins
    assert result.nlu.provider == "dialogflow"
    assert elapsed < 1.0
    assert metrics(cloud).count("HedgeFired") == 1


def test_a_slow_lex_is_hedged_after_the_delay_and_the_first_confident_answer_wins(
    gate: threading.Event,
) -> None:
    # GIVEN Lex stuck and Dialogflow answering in 50 ms
    lex = StubNlu("lex", gate=gate)
    dialogflow = StubNlu("dialogflow", delay_s=0.05)
    cloud = understander(lex=lex, dialogflow=dialogflow, hedge_delay_s=0.2, lex_timeout_s=5.0)

    # WHEN a message is understood
    elapsed, result = timed(cloud)

    # THEN Dialogflow started after the hedge delay and answered without waiting for Lex
    assert result.nlu.provider == "dialogflow"
    assert not result.degraded
    assert 0.2 <= elapsed < 1.5


def test_a_failing_lex_is_replaced_by_dialogflow_without_degrading() -> None:
    lex = StubNlu("lex", error="unavailable")
    cloud = understander(lex=lex, dialogflow=StubNlu("dialogflow"), hedge_delay_s=3.0)
    elapsed, result = timed(cloud)
    assert result.nlu.provider == "dialogflow"
    assert not result.degraded
    assert elapsed < 1.0


def test_a_pending_lex_outranks_an_unsure_dialogflow() -> None:
    # GIVEN Lex slower than the hedge delay but confident, Dialogflow quick but unsure
    lex = StubNlu("lex", delay_s=0.4)
    dialogflow = StubNlu("dialogflow", "Help", 0.3)
    cloud = understander(lex=lex, dialogflow=dialogflow, hedge_delay_s=0.05)

    # WHEN a message is understood
    _, result = timed(cloud)

    # THEN the orchestrator waited for Lex, which could still (and did) answer better
    assert result.nlu.provider == "lex"
    assert dialogflow.calls == 1


def test_without_lex_dialogflow_is_asked_at_once_and_no_hedge_is_counted() -> None:
    cloud = understander(dialogflow=StubNlu("dialogflow"), hedge_delay_s=3.0)
    elapsed, result = timed(cloud)
    assert result.nlu.provider == "dialogflow"
    assert elapsed < 1.0
    assert metrics(cloud).count("HedgeFired") == 0


# ------------------------------------------------------------------------ fallbacks & degraded


def test_when_every_cloud_fails_the_embedded_models_answer_and_the_turn_is_degraded() -> None:
    # GIVEN every cloud failing in a different way
    cloud = understander(
        lex=StubNlu("lex", error="throttled"),
        dialogflow=StubNlu("dialogflow", error="malformed"),
        azure=StubSentiment("azure", error="unavailable"),
    )

    # WHEN a message is understood
    _, result = timed(cloud)

    # THEN the embedded NLU and sentiment answer, flagged as degraded and counted as fallback
    assert result.nlu.provider == "embedded"
    assert result.sentiment.provider == "embedded"
    assert result.degraded
    telemetry = metrics(cloud)
    assert telemetry.count("NluFallback") == 1
    assert telemetry.count("DegradedTurns") == 1
    assert telemetry.count("ProviderError") == 3


def test_clouds_that_answer_but_understand_nothing_are_not_a_degradation() -> None:
    # GIVEN both clouds answering the fallback intent and the embedded NLU unsure too
    cloud = understander(
        lex=StubNlu("lex", "FallbackIntent", 0.0),
        dialogflow=StubNlu("dialogflow", "FallbackIntent", 0.2),
        embedded=StubNlu("embedded", "FallbackIntent", 0.4),
    )

    # WHEN gibberish is understood
    _, result = timed(cloud)

    # THEN the answer is Lex's fallback, not a degraded turn
    assert result.nlu.intent == "FallbackIntent"
    assert result.nlu.provider == "lex"
    assert not result.degraded


def test_an_unsure_cloud_intent_is_not_acted_on() -> None:
    # GIVEN Lex's best guess below the threshold and no other reading
    cloud = understander(
        lex=StubNlu("lex", "PlanTrip", 0.4), embedded=StubNlu("embedded", "FallbackIntent", 0.3)
    )
    _, result = timed(cloud)
    assert result.nlu.intent == "FallbackIntent"
    assert result.nlu.slots == {}


def test_the_embedded_reading_beats_unsure_clouds_when_it_found_an_intent() -> None:
    cloud = understander(
        lex=StubNlu("lex", "FallbackIntent", 0.0),
        dialogflow=StubNlu("dialogflow", "Help", 0.2),
        embedded=StubNlu("embedded", "PlanTrip", 0.9),
    )
    _, result = timed(cloud)
    assert (result.nlu.provider, result.nlu.intent) == ("embedded", "PlanTrip")
    assert not result.degraded


def test_a_provider_bug_costs_nothing_but_its_answer() -> None:
    cloud = understander(lex=StubNlu("lex", error="crash"))
    _, result = timed(cloud)
    assert result.nlu.provider == "embedded"
    assert result.degraded


def test_a_provider_without_its_key_is_skipped_quietly() -> None:
    # GIVEN Dialogflow whose secret lacks credentials, and an unsure Lex
    dialogflow = StubNlu("dialogflow", error="unconfigured")
    cloud = understander(lex=StubNlu("lex", "FallbackIntent", 0.0), dialogflow=dialogflow)

    # WHEN turns are understood
    for _ in range(3):
        _, result = timed(cloud)

    # THEN it is neither a failure nor counted against its breaker
    assert not result.degraded
    assert metrics(cloud).count("ProviderError") == 0
    assert cloud.breaker("dialogflow").state.value == "closed"


# ------------------------------------------------------------------------------- deadlines


def test_the_turn_budget_caps_every_wait(gate: threading.Event) -> None:
    # GIVEN clouds that never answer and long provider timeouts
    cloud = understander(
        lex=StubNlu("lex", gate=gate),
        dialogflow=StubNlu("dialogflow", gate=gate),
        azure=StubSentiment("azure", gate=gate),
        lex_timeout_s=5.0,
        dialogflow_timeout_s=5.0,
        azure_timeout_s=5.0,
    )

    # WHEN only 0.3 s are left in the Lambda
    elapsed, result = timed(cloud, budget_s=0.3)

    # THEN the embedded answer comes at the budget
    assert result.nlu.provider == "embedded"
    assert result.degraded
    assert 0.3 <= elapsed < 0.8


def test_a_provider_timeout_ends_the_wait_for_that_provider(gate: threading.Event) -> None:
    # GIVEN Lex hanging with a 0.3 s timeout and no hedge
    cloud = understander(lex=StubNlu("lex", gate=gate), lex_timeout_s=0.3)

    # WHEN a message is understood with plenty of budget
    elapsed, result = timed(cloud, budget_s=5.0)

    # THEN the embedded NLU answers at Lex's deadline
    assert result.nlu.provider == "embedded"
    assert 0.3 <= elapsed < 0.8


def test_a_slow_azure_is_awaited_until_its_own_deadline_only(gate: threading.Event) -> None:
    # GIVEN a quick Lex and an Azure that hangs, with a 0.3 s Azure timeout
    cloud = understander(
        lex=StubNlu("lex"), azure=StubSentiment("azure", gate=gate), azure_timeout_s=0.3
    )

    # WHEN a message is understood
    elapsed, result = timed(cloud)

    # THEN Lex's answer comes with the embedded sentiment at Azure's deadline, degraded
    assert result.nlu.provider == "lex"
    assert result.sentiment.provider == "embedded"
    assert result.degraded
    assert 0.3 <= elapsed < 0.8


def test_azure_sentiment_is_used_when_it_answers_in_time() -> None:
    cloud = understander(lex=StubNlu("lex"), azure=StubSentiment("azure", delay_s=0.05))
    _, result = timed(cloud)
    assert result.sentiment.provider == "azure"
    assert metrics(cloud).count("SentimentAnswered", "azure") == 1


# --------------------------------------------------------------------- breakers & bulkheads


def test_a_provider_that_keeps_failing_is_skipped_until_its_cool_down_ends() -> None:
    # GIVEN Lex failing every call, with a breaker that opens after 3 failures
    lex = StubNlu("lex", error="unavailable")
    cloud = understander(
        lex=lex, dialogflow=StubNlu("dialogflow"), breaker_failures=3, breaker_cooldown_s=60
    )

    # WHEN ten messages are understood
    for _ in range(10):
        _, result = timed(cloud)

    # THEN Lex was called three times only, and Dialogflow answered every message
    assert lex.calls == 3
    assert result.nlu.provider == "dialogflow"
    assert metrics(cloud).count("CircuitOpened", "lex") == 1


def test_hung_calls_cannot_pile_up_threads(gate: threading.Event) -> None:
    # GIVEN Lex hanging forever, two calls allowed in flight, a breaker that never opens
    lex = StubNlu("lex", gate=gate)
    cloud = understander(
        lex=lex,
        dialogflow=StubNlu("dialogflow"),
        max_in_flight=2,
        breaker_failures=1000,
        hedge_delay_s=0.01,
    )
    before = threading.active_count()

    # WHEN thirty messages are understood
    for _ in range(30):
        _, result = timed(cloud)
        assert result.nlu.provider == "dialogflow"

    # THEN Lex was called only while it had a free slot, and the pool stayed bounded
    assert lex.calls == 2
    assert threading.active_count() <= before + 2 * 2 + 1


# ------------------------------------------------------------------------------ cold start


def test_a_cold_azure_is_not_waited_for_and_warms_up_in_the_background() -> None:
    # GIVEN Azure whose SDK is not loaded yet, and a short warm-up delay
    azure = StubSentiment("azure", ready=False)
    cloud = understander(lex=StubNlu("lex"), azure=azure, warm_up_delay_s=0.05)

    # WHEN the first message is understood
    _, first = timed(cloud)

    # THEN it is answered without Azure (and not degraded), and Azure warms up afterwards
    assert first.sentiment.provider == "embedded"
    assert not first.degraded
    assert azure.calls == 0
    assert azure.warmed.wait(5)
    _, second = timed(cloud)
    assert second.sentiment.provider == "azure"


def test_a_failed_warm_up_makes_the_turn_degraded() -> None:
    # GIVEN an Azure whose warm-up fails (its secret cannot be read)
    class Unwarmable(StubSentiment):
        def warm(self) -> None:
            raise ProviderError("secrets", "secret unavailable", kind="unavailable")

    cloud = understander(
        lex=StubNlu("lex"), azure=Unwarmable("azure", ready=False), warm_up_delay_s=60
    )

    # WHEN the warm-up ran and failed
    assert cloud.warm_up() is False
    _, result = timed(cloud)

    # THEN the embedded sentiment stands in, flagged as degraded
    assert result.sentiment.provider == "embedded"
    assert result.degraded


def test_a_slow_lex_is_hedged_late_while_dialogflow_is_cold(gate: threading.Event) -> None:
    # GIVEN Lex stuck and a Dialogflow whose SDK is not loaded yet
    dialogflow = StubNlu("dialogflow", ready=False)
    cloud = understander(
        lex=StubNlu("lex", gate=gate),
        dialogflow=dialogflow,
        hedge_delay_s=0.05,
        cold_hedge_delay_s=0.4,
        lex_timeout_s=5.0,
    )

    # WHEN a message is understood
    elapsed, result = timed(cloud)

    # THEN Dialogflow answered, but only after the cold hedge delay
    assert result.nlu.provider == "dialogflow"
    assert elapsed >= 0.4


def test_a_cold_dialogflow_is_still_called_when_lex_fails() -> None:
    cloud = understander(
        lex=StubNlu("lex", error="unavailable"),
        dialogflow=StubNlu("dialogflow", ready=False),
        cold_hedge_delay_s=3.0,
    )
    elapsed, result = timed(cloud)
    assert result.nlu.provider == "dialogflow"
    assert elapsed < 1.0

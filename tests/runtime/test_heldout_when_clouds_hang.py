"""Held-out accuracy through the cloud orchestrator with every cloud hanging.

When Lex, Dialogflow and Azure all hang, each held-out line is answered by the embedded NLU:
at the patience when its reading is confident, at the deadline otherwise. Either way the answer
must be exactly the embedded NLU's own, so the accuracy is the same. Virtual time
(:mod:`tests.runtime.virtual_time`) makes the 5 s waits free and the result exact.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.observability import InMemoryTelemetry
from runtime.providers.orchestrator import CloudUnderstander, OrchestratorConfig
from runtime.providers.turn import confident
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.types import NluContext, NluResult
from tests.runtime.virtual_time import VirtualNlu, VirtualSentiment, VirtualTime
from tests.support.accuracy import CONTEXT, evaluate, rows

BUDGET_S = 10.0


@pytest.fixture
def hanging_clouds() -> Iterator[tuple[CloudUnderstander, VirtualTime, EmbeddedNlu]]:
    """The orchestrator over three clouds that each hang until their SDK's read timeout."""
    clock = VirtualTime()
    config = OrchestratorConfig(warm_up_delay_s=None, breaker_failures=10_000)
    timeouts = {
        "lex": config.lex_timeout_s,
        "dialogflow": config.dialogflow_timeout_s,
        "azure": config.azure_timeout_s,
    }
    lex, dialogflow = (
        VirtualNlu(clock, name, after_s=timeouts[name], error="timeout")
        for name in ("lex", "dialogflow")
    )
    azure = VirtualSentiment(clock, "azure", after_s=timeouts["azure"], error="timeout")
    nlu = EmbeddedNlu(default_model())
    cloud = CloudUnderstander(
        embedded_nlu=nlu,
        embedded_sentiment=EmbeddedSentiment(),
        lex=lex,
        dialogflow=dialogflow,
        sentiment=azure,
        config=config,
        telemetry=InMemoryTelemetry(),
        clock=clock.now,
        waiter=clock.wait,
    )
    clock.watch(cloud.lanes)
    yield cloud, clock, nlu
    clock.stop()
    cloud.close()


def test_with_every_cloud_hanging_the_held_out_accuracy_is_the_embedded_nlus_own(
    hanging_clouds: tuple[CloudUnderstander, VirtualTime, EmbeddedNlu],
) -> None:
    cloud, clock, nlu = hanging_clouds

    def through_the_orchestrator(text: str, context: NluContext) -> NluResult:
        return cloud.understand(text, context, BUDGET_S).nlu

    # WHEN the held-out lines are read by the embedded NLU alone, then through the orchestrator
    started = clock.now()
    own = evaluate()
    orchestrated = evaluate(recognize=through_the_orchestrator)

    # THEN the scores and every error are the same
    assert orchestrated["examples"] == own["examples"] >= 150
    assert orchestrated["intent_accuracy"] == own["intent_accuracy"]
    assert orchestrated["slot_accuracy"] == own["slot_accuracy"]
    assert orchestrated["intent_errors"] == own["intent_errors"]
    assert orchestrated["slot_errors"] == own["slot_errors"]
    # AND each confident line was answered at the patience, the others only at the deadline
    threshold = cloud.config.confidence_threshold
    sure = sum(confident(nlu.recognize(row["text"], CONTEXT), threshold) for row in rows())
    telemetry = cloud.telemetry
    assert isinstance(telemetry, InMemoryTelemetry)
    assert telemetry.count("AnsweredByPatience") == sure > 0
    assert telemetry.count("Turns") == own["examples"]
    waited = clock.now() - started
    unsure = own["examples"] - sure
    assert waited == pytest.approx(sure * cloud.config.patience_ceiling_s + unsure * 5.0)

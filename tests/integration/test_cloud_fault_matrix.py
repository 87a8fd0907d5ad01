"""The whole bot, through the Lambda handler, with every cloud behind a wire-level fake.

The integration tests a production checklist asks for ("Lex fallback works", "Dialogflow
timeout handling", "Azure sentiment analysis") and the fault matrix: each provider alone, and
all at once, slower than its deadline / 5xx / 429 / connection reset / malformed body. Every
reply must be a 200 within its bound, from the right provider, flagged degraded when a fallback
stood in; a slow cloud is given up at the patience when the embedded NLU is confident, at its
deadline when it is not; threads must not pile up; no secret may reach a log line.
"""

from __future__ import annotations

import dataclasses
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.factory import (
    build_cloud_understander,
    build_secrets,
    build_weather,
    orchestrator_config,
)
from runtime.providers.observability import InMemoryTelemetry, session_ref
from runtime.providers.open_data import OpenData
from runtime.providers.orchestrator import CloudUnderstander
from runtime.providers.weather.service import WeatherService
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.types import NluContext
from tests.conftest import chat_event
from tests.support.cloud import CloudStack, service_account_info
from tests.support.logs import every_log_line
from tests.support.places import place

pytest_plugins = ["tests.integration.cloud_fixtures"]

# Room for a healthy provider on a cold, shared 2-core CI machine: an SDK call that misses the
# patience there hands the turn to the embedded models and the test fails for the wrong reason.
# The patience is fixed here (floor = ceiling), so what the warm-up taught it does not matter.
PATIENCE_S = 1.0
# Each cloud's own deadline, past the patience: a slow cloud shows which of the two ended the wait.
DEADLINE_S = 2.0
WEATHER_DEADLINE_S = 1.0
HEDGE_MS = 150
SLOW_S = DEADLINE_S + 2.0
WEATHER_QUESTION = "What's the weather in Lisbon?"
POOL_PREFIX = "travelbot-cloud"
OUR_MESSAGES = ("message understood", "provider call failed", "circuit opened", "chat turn")


@dataclass
class CloudChat:
    """The handler wired to the cloud providers, all pointed at the fakes."""

    stack: CloudStack
    understander: CloudUnderstander
    telemetry: InMemoryTelemetry
    services: Any
    invoke: Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]

    def chat(self, message: str, session_id: str | None = None) -> tuple[int, Any, float]:
        body: dict[str, str] = {"message": message}
        if session_id:
            body["sessionId"] = session_id
        started = time.monotonic()
        status, _, answer = self.invoke(chat_event(body))
        return status, answer, time.monotonic() - started

    def degraded(self, session_id: str) -> bool:
        return bool(self.services.store.export_session(session_id)[-1].degraded)

    def understood_in_s(self) -> float:
        """How long the last message took to understand (the weather lookup comes after)."""
        return self.telemetry.values("UnderstandMs")[-1] / 1000


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model())


def wire(
    stack: CloudStack,
    nlu: EmbeddedNlu,
    runtime_services: Callable[..., Any],
    invoke: Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]],
    **config: Any,
) -> CloudChat:
    settings = stack.settings(
        LEX_TIMEOUT_S=str(DEADLINE_S),
        DIALOGFLOW_TIMEOUT_S=str(DEADLINE_S),
        AZURE_TIMEOUT_S=str(DEADLINE_S),
        OPENWEATHER_TIMEOUT_S=str(WEATHER_DEADLINE_S),
        DIALOGFLOW_HEDGE_DELAY_MS=str(HEDGE_MS),
        TRAVELBOT_PATIENCE_FLOOR_MS=str(PATIENCE_S * 1000),
        TRAVELBOT_PATIENCE_CEILING_MS=str(PATIENCE_S * 1000),
    )
    secrets = build_secrets(settings)
    telemetry = InMemoryTelemetry()
    understander = build_cloud_understander(
        settings,
        nlu,
        EmbeddedSentiment(),
        secrets,
        telemetry=telemetry,
        config=dataclasses.replace(orchestrator_config(settings), warm_up_delay_s=None, **config),
    )
    assert understander is not None
    assert understander.warm_up(), "every provider should load against the fakes"
    # A first call pays for the SDKs' lazy loading and the connections; the tests measure
    # warm turns, so make one, then forget the requests and metrics it left behind.
    # Lex fails first (Dialogflow answers: the hedge is warm too), then succeeds, which leaves
    # its breaker with no failure counted.
    warm_up = NluContext(session_id="warm-up-session")
    stack.lex.faults.status = 503
    understander.understand(WEATHER_QUESTION, warm_up, budget_s=10)
    stack.lex.faults.clear()
    understander.understand(WEATHER_QUESTION, warm_up, budget_s=10)
    for fake in (stack.lex, stack.dialogflow, stack.azure, stack.openweather):
        fake.reset()
    telemetry.reset()
    # Weather from OpenWeather alone (its key is in the secret): the keyless sources have their
    # own tests (test_open_data_chat.py), and none of them may reach the internet from here.
    openweather = build_weather(settings, secrets)
    assert openweather is not None
    sources = OpenData(places=place, weather=WeatherService([openweather]))
    services = runtime_services(settings=settings, understander=understander, sources=sources)
    return CloudChat(stack, understander, telemetry, services, invoke)


@pytest.fixture
def cloud_chat(
    cloud: CloudStack,
    nlu: EmbeddedNlu,
    runtime_services: Callable[..., Any],
    invoke: Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]],
) -> Iterator[CloudChat]:
    chat = wire(cloud, nlu, runtime_services, invoke)
    yield chat
    chat.understander.close()


def weather_reply(template: str) -> str:
    return default_model().intent("CheckWeather").responses[template].format(destination="Lisbon")


# ------------------------------------------------------------------------- checklist tests


def test_with_every_cloud_healthy_lex_answers_and_the_weather_is_real(
    cloud_chat: CloudChat,
) -> None:
    status, body, _ = cloud_chat.chat(WEATHER_QUESTION)
    assert status == 200
    assert body["nlu"]["provider"] == "lex"
    assert body["intent"] == "CheckWeather"
    assert body["slots"] == {"destination": "Lisbon"}
    assert body["dialogState"] == "Fulfilled"
    assert "°C" in body["reply"]
    assert not cloud_chat.degraded(body["sessionId"])
    assert cloud_chat.stack.dialogflow.requests == []  # the hedge was not needed


def test_lex_fallback_works(cloud_chat: CloudChat) -> None:
    # GIVEN Lex failing with 503s
    cloud_chat.stack.lex.faults.status = 503

    # WHEN the user asks for the weather
    status, body, elapsed = cloud_chat.chat(WEATHER_QUESTION)

    # THEN Dialogflow answers the same question at once: a full reply, not a degraded one
    assert status == 200
    assert body["nlu"]["provider"] == "dialogflow"
    assert body["intent"] == "CheckWeather"
    assert "°C" in body["reply"]
    assert not cloud_chat.degraded(body["sessionId"])
    assert elapsed < 1.0


def test_dialogflow_timeout_handling(cloud_chat: CloudChat) -> None:
    # GIVEN Lex unsure of the message and Dialogflow slower than its deadline
    cloud_chat.stack.lex.respond("FallbackIntent", 0.2)
    cloud_chat.stack.dialogflow.faults.latency_s = SLOW_S

    # WHEN the user asks for the weather
    status, body, elapsed = cloud_chat.chat(WEATHER_QUESTION)

    # THEN the confident embedded NLU answers at the patience, before Dialogflow's deadline,
    # correctly, flagged degraded
    assert status == 200
    assert body["nlu"]["provider"] == "embedded"
    assert body["intent"] == "CheckWeather"
    assert cloud_chat.degraded(body["sessionId"])
    assert PATIENCE_S <= cloud_chat.understood_in_s() < DEADLINE_S
    assert elapsed < PATIENCE_S + 0.8
    assert cloud_chat.telemetry.count("AnsweredByPatience") == 1


def test_an_unsure_embedded_nlu_waits_for_slow_clouds_until_their_deadline(
    cloud_chat: CloudChat,
) -> None:
    # GIVEN every cloud slower than its deadline, and a message the embedded NLU cannot read
    for fake in (cloud_chat.stack.lex, cloud_chat.stack.dialogflow, cloud_chat.stack.azure):
        fake.faults.latency_s = SLOW_S

    # WHEN the user sends it
    status, body, elapsed = cloud_chat.chat("qwxz blorp fnord")

    # THEN the patience does not answer for the clouds: the turn waits to their deadline, then
    # falls back as it always did
    assert status == 200
    assert body["intent"] == "FallbackIntent"
    assert body["nlu"]["provider"] == "embedded"
    assert cloud_chat.degraded(body["sessionId"])
    assert cloud_chat.understood_in_s() >= DEADLINE_S
    assert elapsed < DEADLINE_S + 0.8
    assert cloud_chat.telemetry.count("AnsweredByPatience") == 0


@pytest.mark.parametrize(
    ("message", "label"),
    [("I love Lisbon, it is wonderful!", "positive"), ("My flight was cancelled.", "negative")],
)
def test_azure_sentiment_analysis(cloud_chat: CloudChat, message: str, label: str) -> None:
    status, body, _ = cloud_chat.chat(message)
    assert status == 200
    assert body["sentiment"]["label"] == label
    assert cloud_chat.telemetry.count("SentimentAnswered", "azure") == 1
    [request] = cloud_chat.stack.azure.requests
    assert request.json["analysisInput"]["documents"][0]["text"] == message


# ------------------------------------------------------------------------------ fault matrix

TARGETS = ("lex", "dialogflow", "azure", "openweather", "all")
FAULTS = ("slow", "5xx", "429", "reset", "malformed")
EXPECTED_PROVIDER = {
    "lex": "dialogflow",
    "dialogflow": "embedded",
    "azure": "lex",
    "openweather": "lex",
    "all": "embedded",
}


# A slow cloud is given up at the patience: the NLU's (Dialogflow after an unsure Lex, or every
# cloud) or the sentiment's (Azure); its deadline is never reached.
NLU_PATIENCE = {"dialogflow", "all"}
SENTIMENT_PATIENCE = {"azure", "all"}


def bound_s(target: str, fault: str) -> float:
    """How long the reply may take: processing slack plus every wait on its path."""
    if fault != "slow":
        return 1.0
    waits = {
        "lex": HEDGE_MS / 1000,
        "dialogflow": PATIENCE_S,
        "azure": PATIENCE_S,
        "openweather": WEATHER_DEADLINE_S,
        "all": PATIENCE_S + WEATHER_DEADLINE_S,  # understanding, then the weather lookup
    }
    return 0.8 + waits[target]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("target", TARGETS)
def test_every_fault_still_gets_a_bounded_correct_reply(
    cloud_chat: CloudChat, target: str, fault: str
) -> None:
    # GIVEN one provider (or all) failing in one way; Lex unsure when Dialogflow is the target
    stack = cloud_chat.stack
    by_target: dict[str, list[Any]] = {
        "lex": [stack.lex],
        "dialogflow": [stack.dialogflow],
        "azure": [stack.azure],
        "openweather": [stack.openweather],
        "all": [stack.lex, stack.dialogflow, stack.azure, stack.openweather],
    }
    fakes = by_target[target]
    if target == "dialogflow":
        stack.lex.respond("FallbackIntent", 0.2)
    for fake in fakes:
        fake.faults.switch_on(fault, slow_s=SLOW_S)

    # WHEN the user asks for the weather
    status, body, elapsed = cloud_chat.chat(WEATHER_QUESTION)

    # THEN a 200 arrives in time, from the expected provider, understood correctly
    assert status == 200
    assert elapsed < bound_s(target, fault)
    assert body["nlu"]["provider"] == EXPECTED_PROVIDER[target]
    assert body["intent"] == "CheckWeather"
    assert body["slots"] == {"destination": "Lisbon"}
    weather_down = target in ("openweather", "all")
    assert (body["reply"] == weather_reply("unavailable")) is weather_down
    # AND the turn is flagged degraded exactly when a fallback stood in for a failed cloud
    assert cloud_chat.degraded(body["sessionId"]) is (target in ("dialogflow", "azure", "all"))
    # AND a slow cloud was given up at the patience, not at its deadline
    patient = fault == "slow" and target in NLU_PATIENCE | SENTIMENT_PATIENCE
    if patient:
        assert PATIENCE_S <= cloud_chat.understood_in_s() < DEADLINE_S
    by_patience = fault == "slow" and target in NLU_PATIENCE
    assert cloud_chat.telemetry.count("AnsweredByPatience") == int(by_patience)


# -------------------------------------------------------------------------- threads & breakers


def pool_threads() -> int:
    return sum(t.name.startswith(POOL_PREFIX) for t in threading.enumerate())


def test_threads_do_not_pile_up_while_lex_hangs(
    cloud: CloudStack,
    nlu: EmbeddedNlu,
    runtime_services: Callable[..., Any],
    invoke: Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]],
) -> None:
    # GIVEN Lex hanging, two calls per provider in flight at most, and no breaker to help
    before = pool_threads()  # idle workers of earlier tests' pools may still be exiting
    chat = wire(cloud, nlu, runtime_services, invoke, max_in_flight=2, breaker_failures=10_000)
    cloud.lex.faults.hang = True
    try:
        # WHEN forty messages are sent
        started = time.monotonic()
        for _ in range(40):
            status, body, elapsed = chat.chat(WEATHER_QUESTION)
            assert status == 200
            assert body["nlu"]["provider"] == "dialogflow"
            assert elapsed < 1.5

        # THEN the orchestrator's threads stayed within its pool (3 lanes x 2 + 1)
        assert pool_threads() - before <= 3 * 2 + 1
        # AND Lex was called only while one of its two slots was free: a slot frees when the
        # hung call hits its read timeout
        took = time.monotonic() - started
        assert len(cloud.lex.requests) <= 2 * (took / DEADLINE_S + 1) < 40
    finally:
        chat.understander.close()


def test_threads_do_not_pile_up_while_every_cloud_hangs(
    cloud: CloudStack,
    nlu: EmbeddedNlu,
    runtime_services: Callable[..., Any],
    invoke: Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]],
) -> None:
    # GIVEN every cloud hanging, two calls per provider in flight at most, no breaker to help,
    # and a short patience: turns end long before the hung calls' read timeouts
    before = pool_threads()
    chat = wire(
        cloud,
        nlu,
        runtime_services,
        invoke,
        max_in_flight=2,
        breaker_failures=10_000,
        patience_floor_s=0.3,
        patience_ceiling_s=0.3,
    )
    for fake in (cloud.lex, cloud.dialogflow, cloud.azure):
        fake.faults.hang = True
    try:
        # WHEN forty messages are sent
        started = time.monotonic()
        for _ in range(40):
            status, body, elapsed = chat.chat(WEATHER_QUESTION)
            assert status == 200
            assert body["nlu"]["provider"] == "embedded"
            assert body["intent"] == "CheckWeather"
            assert elapsed < 1.5

        # THEN the orchestrator's threads stayed within its pool (3 lanes x 2 + 1)
        assert pool_threads() - before <= 3 * 2 + 1
        # AND each cloud was called only while one of its two slots was free
        took = time.monotonic() - started
        for fake in (cloud.lex, cloud.dialogflow, cloud.azure):
            assert len(fake.requests) <= 2 * (took / DEADLINE_S + 1) < 40
        assert chat.telemetry.count("AnsweredByPatience") >= 2
    finally:
        chat.understander.close()


def test_a_failing_lex_is_skipped_once_its_breaker_opens(cloud_chat: CloudChat) -> None:
    # GIVEN Lex answering every request with a 500
    cloud_chat.stack.lex.faults.status = 500

    # WHEN ten messages are sent
    for _ in range(10):
        status, body, _ = cloud_chat.chat(WEATHER_QUESTION)
        assert status == 200
        assert body["nlu"]["provider"] == "dialogflow"

    # THEN Lex saw five calls (each retried once) and then none: its breaker opened
    assert len(cloud_chat.stack.lex.requests) == 5 * 2
    assert cloud_chat.telemetry.count("CircuitOpened", "lex") == 1


# ----------------------------------------------------------------------------------- logging


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record of the process at DEBUG, formatted as the service's JSON lines."""
    with every_log_line(("", "travelbot", "urllib3", "botocore")) as stream:
        yield stream


def test_no_secret_and_no_raw_session_or_message_reaches_a_log_line(
    cloud_chat: CloudChat, captured_logs: io.StringIO
) -> None:
    # GIVEN every SDK logging at DEBUG, and faults that make SDKs complain about URLs
    stack = cloud_chat.stack
    message = "What's the weather in Lisbon?\r\nINJECTED LOG LINE"

    # WHEN a healthy turn, a turn with the weather service resetting connections and a turn
    # with every cloud down are served in one session
    session = cloud_chat.chat(message)[1]["sessionId"]
    stack.openweather.faults.reset = True
    cloud_chat.chat("What's the weather in Paris?", session)
    for fake in (stack.lex, stack.dialogflow, stack.azure):
        fake.faults.status = 503
    cloud_chat.chat("And in Rome?", session)

    # THEN no secret value is in any log line, though the SDKs logged plenty
    text = captured_logs.getvalue()
    assert "appid" in text  # urllib3 logged the OpenWeather URLs ...
    assert stack.openweather.api_key not in text  # ... with the key scrubbed
    google = service_account_info()
    secrets = [stack.azure.key, google["private_key_id"]]
    secrets += [line for line in google["private_key"].splitlines() if "-----" not in line]
    for secret in secrets:
        assert secret not in text
    # AND our lines carry a hashed session; the message appears once per turn, only because the
    # chat route's logger is at DEBUG, as an escaped excerpt
    ours = [  # each line once (the capture sits on the service logger and on root)
        json.loads(line)
        for line in dict.fromkeys(text.splitlines())
        if line.startswith("{") and any(f'"message":"{m}"' in line for m in OUR_MESSAGES)
    ]
    understood = [line for line in ours if line["message"] == "message understood"]
    turns = [line for line in ours if line["message"] == "chat turn"]
    assert len(understood) == 3 and all("excerpt" not in line for line in understood)
    assert len({line["excerpt"] for line in turns}) == 3
    assert all(line["session"] == session_ref(session) for line in understood + turns)
    assert session not in "\n".join(json.dumps(line) for line in ours)
    assert turns[0]["excerpt"].startswith("What's the weather in Lisbon?\\r\\nINJECTED")
    assert {line["provider"] for line in ours if line["message"] == "provider call failed"} == {
        "lex",
        "dialogflow",
        "azure",
    }

"""Each cloud provider through its real SDK against its wire-level fake: answers and faults.

The weather providers (OpenWeather, Open-Meteo) are in ``test_weather_sources.py``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from runtime.errors import ProviderError
from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.azure_sentiment import AzureSentiment, azure_client
from runtime.providers.dialogflow import DialogflowNlu, dialogflow_client
from runtime.providers.lex import LexNlu, lex_client
from runtime.types import NluContext
from tests.support.cloud import (
    LEX_ALIAS_ID,
    LEX_BOT_ID,
    PROJECT,
    service_account_info,
)
from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.faults import NAMED_FAULTS, PROVIDER_ERROR_KIND
from tests.support.fakes.lex import LexFake
from tests.support.fakes.nlu import SlotValue

pytest_plugins = ["tests.integration.cloud_fixtures"]

TIMEOUT_S = 0.5
SLOW_S = TIMEOUT_S + 1.0
CONTEXT = NluContext(session_id="provider-test-1")


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model())


@pytest.fixture
def lex(lex_fake: LexFake, nlu: EmbeddedNlu, aws_env: dict[str, str]) -> LexNlu:
    client = lex_client(
        region="us-east-1",
        endpoint_url=lex_fake.url,
        connect_timeout_s=TIMEOUT_S,
        read_timeout_s=TIMEOUT_S,
    )
    return LexNlu(
        client,
        bot_id=LEX_BOT_ID,
        bot_alias_id=LEX_ALIAS_ID,
        locale_id="en_US",
        model=nlu.model,
        slots=nlu.slots,
        timeout_s=TIMEOUT_S,
    )


@pytest.fixture
def dialogflow(dialogflow_fake: DialogflowFake, nlu: EmbeddedNlu) -> DialogflowNlu:
    info = service_account_info()
    return DialogflowNlu(
        lambda: dialogflow_client(info, endpoint=dialogflow_fake.url),
        project_id=PROJECT,
        language_code="en",
        model=nlu.model,
        slots=nlu.slots,
        timeout_s=TIMEOUT_S,
    )


@pytest.fixture
def azure(azure_fake: AzureLanguageFake) -> AzureSentiment:
    return AzureSentiment(
        lambda: azure_client(
            azure_fake.url, azure_fake.key, connect_timeout_s=TIMEOUT_S, read_timeout_s=TIMEOUT_S
        ),
        timeout_s=TIMEOUT_S,
    )


def failure(call: Any) -> tuple[ProviderError, float]:
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        call()
    return caught.value, time.monotonic() - started


# ----------------------------------------------------------------------------------------- Lex


def test_lex_reads_an_intent_and_its_slot_from_the_real_sdk(lex: LexNlu, lex_fake: LexFake) -> None:
    result = lex.recognize("What is the weather in Lisbon?", CONTEXT)
    assert (result.intent, result.provider) == ("CheckWeather", "lex")
    assert result.confidence == pytest.approx(0.92)
    assert result.slots == {"destination": "Lisbon"}
    [request] = lex_fake.requests
    assert request.path.endswith(
        f"/botAliases/{LEX_ALIAS_ID}/botLocales/en_US/sessions/{CONTEXT.session_id}/text"
    )
    assert (request.header("authorization") or "").startswith("AWS4-HMAC-SHA256")


def test_lex_reads_a_bare_answer_in_the_context_of_the_question(
    lex: LexNlu, lex_fake: LexFake
) -> None:
    # GIVEN the dialogue asking for the duration of a trip to Lisbon
    context = NluContext(
        session_id="bare-answer-1",
        active_intent="PlanTrip",
        eliciting_slot="duration",
        slots={"destination": "Lisbon"},
    )

    # WHEN the user answers "5" alone
    result = lex.recognize("5", context)

    # THEN Lex got the session state and filled the duration of the same trip
    state = lex_fake.received_session_states[-1]
    assert state is not None
    assert state["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "duration"}
    assert result.intent == "PlanTrip"
    assert result.slots == {"destination": "Lisbon", "duration": 5}


def test_lex_durations_in_iso_8601_become_days(lex: LexNlu, lex_fake: LexFake) -> None:
    lex_fake.respond("PlanTrip", 0.9, {"duration": SlotValue("two weeks", "P2W")})
    assert lex.recognize("two weeks", CONTEXT).slots == {"duration": 14}


@pytest.mark.parametrize("fault", NAMED_FAULTS)
def test_lex_faults_become_provider_errors_of_the_right_kind(
    lex: LexNlu, lex_fake: LexFake, fault: str
) -> None:
    lex.recognize("hello", CONTEXT)  # a warm client: its first request is slower
    lex_fake.reset()
    lex_fake.faults.switch_on(fault, slow_s=SLOW_S)
    error, elapsed = failure(lambda: lex.recognize("hello", CONTEXT))
    assert error.kind == PROVIDER_ERROR_KIND[fault]
    assert elapsed < TIMEOUT_S + 0.5
    # 5xx and resets are retried once, throttling never; the URL never reaches the message
    expected_requests = 2 if PROVIDER_ERROR_KIND[fault] == "unavailable" else 1
    assert len(lex_fake.requests) == expected_requests
    assert lex_fake.url not in str(error)


# ---------------------------------------------------------------------------------- Dialogflow


def test_dialogflow_signs_with_the_service_account_and_maps_parameters(
    dialogflow: DialogflowNlu, dialogflow_fake: DialogflowFake
) -> None:
    # GIVEN an agent answering with system-entity parameters
    dialogflow_fake.respond(
        "PlanTrip",
        0.83,
        parameters={
            "destination": "Lisbon",
            "duration": {"amount": 5, "unit": "day"},
            "budget": {"amount": 1500, "currency": "USD"},
        },
    )

    # WHEN a message is understood (the SDK is loaded on this first call)
    assert not dialogflow.ready
    result = dialogflow.recognize("plan a trip", CONTEXT)

    # THEN the answer is mapped and the request carried a self-signed JWT, not a token exchange
    assert dialogflow.ready
    assert result.intent == "PlanTrip"
    assert result.confidence == pytest.approx(0.83)
    assert result.slots == {
        "destination": "Lisbon",
        "duration": 5,
        "budget": {"amount": 1500, "currency": "USD"},
    }
    [request] = dialogflow_fake.requests
    assert (
        request.path == f"/v2/projects/{PROJECT}/agent/sessions/{CONTEXT.session_id}:detectIntent"
    )
    assert (request.header("authorization") or "").startswith("Bearer ey")
    assert request.json["queryInput"]["text"] == {"text": "plan a trip", "languageCode": "en"}


@pytest.mark.parametrize("fault", NAMED_FAULTS)
def test_dialogflow_faults_become_provider_errors_of_the_right_kind(
    dialogflow: DialogflowNlu, dialogflow_fake: DialogflowFake, fault: str
) -> None:
    dialogflow.warm()
    dialogflow_fake.faults.switch_on(fault, slow_s=SLOW_S)
    error, elapsed = failure(lambda: dialogflow.recognize("hello", CONTEXT))
    assert error.kind == PROVIDER_ERROR_KIND[fault]
    assert elapsed < TIMEOUT_S + 0.5
    assert dialogflow_fake.url not in str(error)


def test_dialogflow_with_a_broken_key_fails_as_a_provider_error(nlu: EmbeddedNlu) -> None:
    broken = {**service_account_info(), "private_key": "not a key"}
    provider = DialogflowNlu(
        lambda: dialogflow_client(broken, endpoint="http://127.0.0.1:9"),
        project_id=PROJECT,
        language_code="en",
        model=nlu.model,
        slots=nlu.slots,
    )
    error, _ = failure(lambda: provider.recognize("hello", CONTEXT))
    assert error.kind == "error"
    assert "not a key" not in str(error)


# --------------------------------------------------------------------------------------- Azure


def test_azure_labels_a_message_and_sends_its_key_in_the_documented_header(
    azure: AzureSentiment, azure_fake: AzureLanguageFake
) -> None:
    sentiment = azure.analyze("I love Lisbon. The food was great!")
    assert (sentiment.label, sentiment.provider) == ("positive", "azure")
    assert 0.5 < sentiment.score <= 1.0
    [request] = azure_fake.requests
    assert request.header("ocp-apim-subscription-key") == azure_fake.key
    assert request.query_value("api-version") == "2023-04-01"
    assert request.json["kind"] == "SentimentAnalysis"


def test_azure_recognises_mixed_feelings(azure: AzureSentiment) -> None:
    sentiment = azure.analyze("I love Rome. The hotel was terrible.")
    assert sentiment.label == "mixed"


@pytest.mark.parametrize("fault", NAMED_FAULTS)
def test_azure_faults_become_provider_errors_of_the_right_kind(
    azure: AzureSentiment, azure_fake: AzureLanguageFake, fault: str
) -> None:
    azure.warm()
    azure_fake.faults.switch_on(fault, slow_s=SLOW_S)
    error, elapsed = failure(lambda: azure.analyze("hello"))
    assert error.kind == PROVIDER_ERROR_KIND[fault]
    # a 429's Retry-After (1 s) is not slept on: the orchestrator falls back instead
    assert elapsed < TIMEOUT_S + 0.5


def test_azure_with_a_wrong_key_is_an_error_not_worth_retrying(
    azure_fake: AzureLanguageFake,
) -> None:
    provider = AzureSentiment(lambda: azure_client(azure_fake.url, "wrong-key-0000"))
    error, _ = failure(lambda: provider.analyze("hello"))
    assert error.kind == "error"
    assert len(azure_fake.requests) == 1

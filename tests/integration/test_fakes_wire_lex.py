"""The real boto3 ``lexv2-runtime`` client against the Lex V2 fake: round trips and faults."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from tests.support.fakes.clients import LEX_ALIAS_ID, LEX_BOT_ID, LEX_LOCALE, lex_client
from tests.support.fakes.lex import LexFake
from tests.support.fakes.nlu import SlotValue, keyword_resolver


def recognize(fake: LexFake, text: str, session_id: str = "session-1", **kwargs: Any) -> Any:
    client = kwargs.pop("client", None) or lex_client(fake)
    response = client.recognize_text(
        botId=LEX_BOT_ID,
        botAliasId=LEX_ALIAS_ID,
        localeId=LEX_LOCALE,
        sessionId=session_id,
        text=text,
        **kwargs,
    )
    return response


def filled(state: Any) -> Any:
    """The session state as a client must send it back: boto3 rejects null (unfilled) slots."""
    slots = state["intent"]["slots"]
    state["intent"]["slots"] = {name: slot for name, slot in slots.items() if slot}
    return state


def test_recognize_text_returns_the_intent_its_confidence_and_slots(lex_fake: LexFake) -> None:
    # GIVEN the default keyword resolver
    # WHEN the user asks for the weather in a city
    response = recognize(lex_fake, "What is the weather in Lisbon?")

    # THEN the top interpretation and the session's intent carry intent, score and slot
    top = response["interpretations"][0]
    assert top["intent"]["name"] == "CheckWeather"
    assert top["nluConfidence"]["score"] == pytest.approx(0.92)
    slot = response["sessionState"]["intent"]["slots"]["destination"]["value"]
    assert slot == {
        "originalValue": "Lisbon",
        "interpretedValue": "Lisbon",
        "resolvedValues": ["Lisbon"],
    }
    assert response["sessionState"]["dialogAction"] == {"type": "Close"}
    assert response["sessionState"]["intent"]["state"] == "ReadyForFulfillment"
    assert response["sessionId"] == "session-1"


def test_the_request_arrives_signed_on_the_documented_path(lex_fake: LexFake) -> None:
    # WHEN boto3 sends one RecognizeText
    recognize(lex_fake, "hello", session_id="abc-123")

    # THEN the fake saw a SigV4-signed POST on the RecognizeText path with the text as JSON
    [request] = lex_fake.requests
    assert request.method == "POST"
    assert request.path == (
        f"/bots/{LEX_BOT_ID}/botAliases/{LEX_ALIAS_ID}/botLocales/{LEX_LOCALE}"
        "/sessions/abc-123/text"
    )
    assert (request.header("Authorization") or "").startswith("AWS4-HMAC-SHA256 ")
    assert request.json == {"text": "hello"}


def test_a_missing_slot_is_elicited_and_left_null(lex_fake: LexFake) -> None:
    # WHEN a trip is planned without duration or budget
    response = recognize(lex_fake, "Plan a trip to Paris")

    # THEN the first missing slot is elicited and the unfilled slots are null
    state = response["sessionState"]
    assert state["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "duration"}
    assert state["intent"]["state"] == "InProgress"
    assert state["intent"]["slots"]["duration"] is None
    assert state["intent"]["slots"]["budget"] is None
    assert response["messages"][0]["contentType"] == "PlainText"


def test_a_bare_value_fills_the_slot_the_sent_session_state_elicits(lex_fake: LexFake) -> None:
    # GIVEN a first turn that elicits the duration of a trip to Paris
    first = recognize(lex_fake, "Plan a trip to Paris")

    # WHEN the client sends the bare value back with the session state it received
    second = recognize(lex_fake, "5 days", sessionState=filled(first["sessionState"]))

    # THEN the value fills the elicited slot and the next missing slot is elicited
    slots = second["sessionState"]["intent"]["slots"]
    assert second["sessionState"]["intent"]["name"] == "PlanTrip"
    assert slots["destination"]["value"]["interpretedValue"] == "Paris"
    assert slots["duration"]["value"] == {
        "originalValue": "5 days",
        "interpretedValue": "5",
        "resolvedValues": ["5"],
    }
    assert second["sessionState"]["dialogAction"]["slotToElicit"] == "budget"


def test_the_sent_session_state_is_recorded_and_wins_over_the_stored_one(
    lex_fake: LexFake,
) -> None:
    # GIVEN a stored session eliciting the trip duration
    recognize(lex_fake, "Plan a trip to Paris")
    sent = {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "destination"},
        "intent": {"name": "CheckWeather", "slots": {}, "state": "InProgress"},
        "sessionAttributes": {"user": "u-1"},
    }

    # WHEN the client sends its own state that elicits a weather destination
    response = recognize(lex_fake, "Rome", sessionState=sent)

    # THEN the fake recorded that state, followed it and echoed the session attributes
    assert lex_fake.received_session_states[-1] == sent
    state = response["sessionState"]
    assert state["intent"]["name"] == "CheckWeather"
    assert state["intent"]["slots"]["destination"]["value"]["interpretedValue"] == "Rome"
    assert state["sessionAttributes"] == {"user": "u-1"}
    assert lex_fake.session_state("session-1") == state


def test_without_session_state_the_fake_continues_the_stored_session(lex_fake: LexFake) -> None:
    # GIVEN a stored session that elicits the weather destination
    lex_fake.respond("CheckWeather", 0.9)
    recognize(lex_fake, "what's the weather like")
    lex_fake.resolver = keyword_resolver

    # WHEN the next text is a bare city and no session state is sent
    response = recognize(lex_fake, "Tokyo")

    # THEN the stored elicitation is honoured
    slots = response["sessionState"]["intent"]["slots"]
    assert slots["destination"]["value"]["originalValue"] == "Tokyo"


def test_request_attributes_are_echoed(lex_fake: LexFake) -> None:
    response = recognize(lex_fake, "hi", requestAttributes={"channel": "web"})

    assert response["requestAttributes"] == {"channel": "web"}


def test_a_forced_answer_replaces_the_resolver(lex_fake: LexFake) -> None:
    # GIVEN a test that forces an intent, a score and slot values
    lex_fake.respond(
        "FindFlights",
        0.61,
        {"origin": "Porto", "destination": SlotValue("the big apple", "New York"), "date": "x"},
    )

    # WHEN any text is recognised
    response = recognize(lex_fake, "anything at all")

    # THEN the answer is the forced one, original and interpreted values kept apart
    top = response["interpretations"][0]
    assert top["intent"]["name"] == "FindFlights"
    assert top["nluConfidence"]["score"] == pytest.approx(0.61)
    value = top["intent"]["slots"]["destination"]["value"]
    assert (value["originalValue"], value["interpretedValue"]) == ("the big apple", "New York")


def test_an_unknown_text_is_the_fallback_intent_without_a_score(lex_fake: LexFake) -> None:
    response = recognize(lex_fake, "purple monkey dishwasher")

    [top] = response["interpretations"]
    assert top["intent"]["name"] == "FallbackIntent"
    assert "nluConfidence" not in top


def test_an_unsigned_request_is_denied(lex_fake: LexFake) -> None:
    client = boto3.client(
        "lexv2-runtime",
        endpoint_url=lex_fake.url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
    )

    with pytest.raises(ClientError) as caught:
        recognize(lex_fake, "hi", client=client)

    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


# Faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "InternalServerException"),
        (503, "InternalServerException"),
        (429, "ThrottlingException"),
    ],
)
def test_an_error_status_raises_the_modelled_client_error(
    lex_fake: LexFake, status: int, code: str
) -> None:
    lex_fake.faults.status = status

    with pytest.raises(ClientError) as caught:
        recognize(lex_fake, "hi")

    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_a_reset_raises_a_connection_error(lex_fake: LexFake) -> None:
    lex_fake.faults.reset = True

    with pytest.raises(ConnectionClosedError):
        recognize(lex_fake, "hi")


def test_a_malformed_body_yields_a_response_without_any_lex_field(lex_fake: LexFake) -> None:
    # botocore's restJson parser does not raise on broken JSON: it drops the body. A Lex
    # adapter must therefore check that sessionState/interpretations are present.
    lex_fake.faults.malformed = True

    response = recognize(lex_fake, "hello")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "interpretations" not in response
    assert "sessionState" not in response


def test_a_hang_hits_the_read_timeout(lex_fake: LexFake) -> None:
    lex_fake.faults.hang = True
    client = lex_client(lex_fake, read_timeout=0.3)

    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        recognize(lex_fake, "hi", client=client)

    assert time.monotonic() - started < 5


def test_latency_delays_the_answer(lex_fake: LexFake) -> None:
    lex_fake.faults.latency_s = 0.3

    started = time.monotonic()
    response = recognize(lex_fake, "hi")

    assert time.monotonic() - started >= 0.25
    assert response["interpretations"][0]["intent"]["name"] == "Greeting"


def test_one_failure_then_success_is_absorbed_by_a_botocore_retry(lex_fake: LexFake) -> None:
    lex_fake.faults.fail_next(1, status=503)
    client = lex_client(lex_fake, max_attempts=2)

    response = recognize(lex_fake, "hi", client=client)

    assert response["interpretations"][0]["intent"]["name"] == "Greeting"
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(lex_fake.requests) == 2

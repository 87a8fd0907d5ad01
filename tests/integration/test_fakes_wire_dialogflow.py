"""The real google-cloud-dialogflow ``SessionsClient`` (REST transport) against the fake."""

from __future__ import annotations

import time

import pytest
import requests
from google.api_core import exceptions as google_exceptions
from google.api_core.retry import Retry, if_exception_type
from google.cloud import dialogflow_v2
from google.protobuf.json_format import ParseError

from tests.support.fakes.clients import DIALOGFLOW_PROJECT, dialogflow_client, dialogflow_request
from tests.support.fakes.dialogflow import DialogflowFake

TIMEOUT_S = 2.0


def detect(
    fake: DialogflowFake, text: str, session: str = "session-1", timeout: float = TIMEOUT_S
) -> dialogflow_v2.DetectIntentResponse:
    return dialogflow_client(fake).detect_intent(
        request=dialogflow_request(text, session), timeout=timeout, retry=None
    )


def test_detect_intent_over_plain_http_returns_intent_confidence_and_parameters(
    dialogflow_fake: DialogflowFake,
) -> None:
    # WHEN the REST client asks about the weather in a city
    response = detect(dialogflow_fake, "Weather in New York please")

    # THEN the query result carries the intent, its confidence and the parameters Struct
    result = response.query_result
    assert result.intent.display_name == "CheckWeather"
    assert result.intent.name.startswith(f"projects/{DIALOGFLOW_PROJECT}/agent/intents/")
    assert result.intent_detection_confidence == pytest.approx(0.92)
    assert dict(result.parameters) == {"destination": "New York"}
    assert result.all_required_params_present is True
    assert result.query_text == "Weather in New York please"
    assert result.language_code == "en-us"
    assert response.response_id


def test_the_request_arrives_on_the_documented_rest_path(dialogflow_fake: DialogflowFake) -> None:
    detect(dialogflow_fake, "hello", session="abc-42")

    [request] = dialogflow_fake.requests
    assert request.method == "POST"
    assert request.path == f"/v2/projects/{DIALOGFLOW_PROJECT}/agent/sessions/abc-42:detectIntent"
    assert request.query  # the client's "$alt" query string arrives, and is ignored
    assert request.json == {"queryInput": {"text": {"text": "hello", "languageCode": "en-US"}}}
    assert request.header("authorization") is None  # anonymous credentials


def test_missing_parameters_are_empty_and_filled_by_the_next_bare_value(
    dialogflow_fake: DialogflowFake,
) -> None:
    # GIVEN a trip with only a destination
    first = detect(dialogflow_fake, "Plan a trip to Lisbon")
    assert dict(first.query_result.parameters) == {
        "destination": "Lisbon",
        "duration": "",
        "budget": "",
    }
    assert first.query_result.all_required_params_present is False
    assert first.query_result.fulfillment_text == "What duration would you like?"

    # WHEN the user answers with a bare value in the same session
    second = detect(dialogflow_fake, "7 days")

    # THEN the agent fills the parameter it was asking for
    assert second.query_result.intent.display_name == "PlanTrip"
    assert second.query_result.parameters["duration"] == "7"


def test_reset_contexts_forgets_the_slot_filling(dialogflow_fake: DialogflowFake) -> None:
    detect(dialogflow_fake, "Plan a trip to Lisbon")
    request = dialogflow_request("7 days")
    request.query_params.reset_contexts = True

    response = dialogflow_client(dialogflow_fake).detect_intent(
        request=request, timeout=TIMEOUT_S, retry=None
    )

    assert response.query_result.intent.display_name == "FallbackIntent"
    assert response.query_result.intent.is_fallback is True


def test_forced_parameters_keep_their_json_types(dialogflow_fake: DialogflowFake) -> None:
    # GIVEN a forced answer with Dialogflow-style structured parameters
    dialogflow_fake.respond(
        "PlanTrip",
        0.77,
        parameters={
            "destination": "Lisbon",
            "duration": {"amount": 5, "unit": "day"},
            "budget": {"amount": 1500, "currency": "USD"},
        },
    )

    # WHEN any text is detected
    result = detect(dialogflow_fake, "whatever").query_result

    # THEN the Struct carries the numbers and nested objects as sent
    assert result.intent_detection_confidence == pytest.approx(0.77)
    assert result.parameters["duration"]["amount"] == 5
    assert result.parameters["budget"]["currency"] == "USD"


# Faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, google_exceptions.InternalServerError),
        (503, google_exceptions.ServiceUnavailable),
        (429, google_exceptions.TooManyRequests),
    ],
)
def test_an_error_status_raises_the_google_api_error(
    dialogflow_fake: DialogflowFake, status: int, error: type[Exception]
) -> None:
    dialogflow_fake.faults.status = status

    with pytest.raises(error) as caught:
        detect(dialogflow_fake, "hi")

    assert isinstance(caught.value, google_exceptions.GoogleAPICallError)
    assert caught.value.code == status


def test_a_reset_raises_a_connection_error(dialogflow_fake: DialogflowFake) -> None:
    dialogflow_fake.faults.reset = True

    with pytest.raises(requests.exceptions.ConnectionError):
        detect(dialogflow_fake, "hi")


def test_a_malformed_body_raises_a_parse_error(dialogflow_fake: DialogflowFake) -> None:
    dialogflow_fake.faults.malformed = True

    with pytest.raises(ParseError):
        detect(dialogflow_fake, "hi")


def test_a_hang_hits_the_call_timeout(dialogflow_fake: DialogflowFake) -> None:
    dialogflow_fake.faults.hang = True

    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        detect(dialogflow_fake, "hi", timeout=0.3)

    assert time.monotonic() - started < 5


def test_latency_delays_the_answer(dialogflow_fake: DialogflowFake) -> None:
    dialogflow_fake.faults.latency_s = 0.3

    started = time.monotonic()
    response = detect(dialogflow_fake, "hi")

    assert time.monotonic() - started >= 0.25
    assert response.query_result.intent.display_name == "Greeting"


def test_one_failure_then_success_is_absorbed_by_an_explicit_retry(
    dialogflow_fake: DialogflowFake,
) -> None:
    dialogflow_fake.faults.fail_next(1, status=503)
    retry = Retry(
        predicate=if_exception_type(google_exceptions.ServiceUnavailable),
        initial=0.01,
        maximum=0.05,
        timeout=5.0,
    )

    response = dialogflow_client(dialogflow_fake).detect_intent(
        request=dialogflow_request("hi"), timeout=TIMEOUT_S, retry=retry
    )

    assert response.query_result.intent.display_name == "Greeting"
    assert len(dialogflow_fake.requests) == 2

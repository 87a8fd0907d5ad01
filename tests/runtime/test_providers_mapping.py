"""Mapping the clouds' documented answers onto the contract, from the published samples."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from runtime.errors import ProviderError
from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.azure_sentiment import sentiment_from_scores
from runtime.providers.dialogflow import dialogflow_session, read_query_result
from runtime.providers.geo import PlaceRecord
from runtime.providers.lex import lex_slot_text, read_lex_response, session_state
from runtime.providers.secrets import BotSecrets
from runtime.providers.weather.openweather import read_report
from runtime.types import NluContext
from tests.support.fakes.shape import load_sample


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model())


def lex_sample(intent: str, slots: dict[str, str], score: float = 0.91) -> dict[str, Any]:
    """The published RecognizeText sample, retold with one of the bot's intents."""
    sample: dict[str, Any] = copy.deepcopy(load_sample("lex_recognize_text.json"))
    lex_slots = {
        name: {"value": {"interpretedValue": v, "originalValue": v.lower(), "resolvedValues": [v]}}
        for name, v in slots.items()
    }
    for holder in (sample["sessionState"], sample["interpretations"][0]):
        holder["intent"]["name"] = intent
        holder["intent"]["slots"] = copy.deepcopy(lex_slots)
    sample["interpretations"][0]["nluConfidence"]["score"] = score
    return sample


# ----------------------------------------------------------------------------------------- Lex


def test_a_lex_answer_maps_to_intent_confidence_and_normalised_slots(nlu: EmbeddedNlu) -> None:
    # GIVEN Lex's documented answer for a trip with a city, an ISO duration and a budget
    sample = lex_sample(
        "PlanTrip", {"destination": "seattle", "duration": "P5D", "budget": "$1500"}
    )

    # WHEN it is read
    result = read_lex_response(sample, nlu.model, nlu.slots)

    # THEN slots come out in the contract's forms
    assert result.intent == "PlanTrip"
    assert result.confidence == pytest.approx(0.91)
    assert result.provider == "lex"
    assert result.slots == {
        "destination": "Seattle",
        "duration": 5,
        "budget": {"amount": 1500, "currency": "USD"},
    }


def test_an_intent_the_bot_does_not_have_reads_as_the_fallback(nlu: EmbeddedNlu) -> None:
    # GIVEN the sample as published (a hotel bot's BookHotel intent)
    result = read_lex_response(load_sample("lex_recognize_text.json"), nlu.model, nlu.slots)

    # THEN it is not mistaken for one of ours
    assert result.intent == "FallbackIntent"
    assert result.slots == {}


def test_lex_fallback_has_no_nlu_confidence_and_reads_as_zero(nlu: EmbeddedNlu) -> None:
    sample = lex_sample("FallbackIntent", {})
    del sample["interpretations"][0]["nluConfidence"]
    result = read_lex_response(sample, nlu.model, nlu.slots)
    assert (result.intent, result.confidence) == ("FallbackIntent", 0.0)


def test_unreadable_slot_values_are_not_slots_but_are_named_as_unresolved(
    nlu: EmbeddedNlu,
) -> None:
    # GIVEN Lex heard a duration the bot cannot read
    sample = lex_sample("PlanTrip", {"destination": "Lisbon", "duration": "a while"})
    # WHEN it is read
    result = read_lex_response(sample, nlu.model, nlu.slots)
    # THEN it is no slot, but what was said is kept so the dialogue can say so
    assert result.slots == {"destination": "Lisbon"}
    assert result.unresolved == {"duration": "a while"}


def test_a_return_date_reaches_the_flight_search(nlu: EmbeddedNlu) -> None:
    sample = lex_sample(
        "FindFlights",
        {
            "origin": "Boston",
            "destination": "Dublin",
            "date": "2030-04-05",
            "returnDate": "2030-04-12",
        },
    )
    result = read_lex_response(sample, nlu.model, nlu.slots)
    assert result.slots["returnDate"] == "2030-04-12"


@pytest.mark.parametrize(
    ("raw", "place"),
    [("kyoto", "Kyoto"), ("Den Haag", "The Hague"), ("Saigon", "Ho Chi Minh City")],
)
def test_an_open_place_value_from_lex_reads_through_the_same_gazetteer(
    nlu: EmbeddedNlu, raw: str, place: str
) -> None:
    # GIVEN Lex returns the original value of an open place slot (AMAZON.City or a custom
    # type that accepts any value)
    sample = lex_sample("CheckWeather", {"destination": raw})
    # WHEN it is read THEN it is the gazetteer's canonical place, as the embedded NLU reads it
    result = read_lex_response(sample, nlu.model, nlu.slots)
    assert result.slots == {"destination": place}
    assert (result.ambiguous, result.unresolved) == ({}, {})


def test_an_ambiguous_or_unknown_place_from_lex_is_reported_not_dropped(nlu: EmbeddedNlu) -> None:
    sample = lex_sample("FindFlights", {"origin": "Portland", "destination": "Wakanda"})
    result = read_lex_response(sample, nlu.model, nlu.slots)
    assert result.slots == {}
    assert set(result.ambiguous["origin"]) == {"Portland", "Portland, Maine"}
    assert result.unresolved == {"destination": "Wakanda"}


@pytest.mark.parametrize(
    "answer",
    [{}, {"sessionState": {}}, {"sessionState": {"intent": {"slots": {}}}}, {"message": "{"}],
)
def test_an_answer_without_a_session_intent_is_malformed(
    nlu: EmbeddedNlu, answer: dict[str, Any]
) -> None:
    # botocore turns a body it cannot parse into {"message": <body>} instead of failing
    with pytest.raises(ProviderError) as caught:
        read_lex_response(answer, nlu.model, nlu.slots)
    assert caught.value.kind == "malformed"


def test_the_session_state_carries_the_dialogue_so_a_bare_answer_reads_in_context() -> None:
    # GIVEN a trip being planned, Lisbon known, the duration being asked for
    context = NluContext(
        session_id="session-1",
        active_intent="PlanTrip",
        eliciting_slot="duration",
        slots={"destination": "Lisbon", "budget": {"amount": 1500, "currency": "USD"}},
    )

    # WHEN the session state is built
    state = session_state(context, default_model())

    # THEN Lex hears the intent, the filled slots in its own formats and the slot to elicit
    assert state == {
        "intent": {
            "name": "PlanTrip",
            "slots": {
                "destination": {"value": {"originalValue": "Lisbon", "interpretedValue": "Lisbon"}},
                "budget": {"value": {"originalValue": "1500 USD", "interpretedValue": "1500 USD"}},
            },
            "state": "InProgress",
            "confirmationState": "None",
        },
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "duration"},
    }


def test_a_task_already_answered_goes_as_fulfilled_and_lets_lex_read_a_new_intent() -> None:
    # GIVEN a plan just answered (kept for refinements)
    context = NluContext(
        session_id="s",
        active_intent="PlanTrip",
        slots={"destination": "Lisbon", "duration": 5},
        completed=True,
    )
    # WHEN the session state is built
    state = session_state(context, default_model())
    # THEN Lex gets the slots to carry over, the intent as fulfilled, and is free to classify
    assert state is not None
    assert state["intent"]["state"] == "Fulfilled"
    assert set(state["intent"]["slots"]) == {"destination", "duration"}
    assert state["dialogAction"] == {"type": "ElicitIntent"}


def test_no_session_state_is_sent_between_tasks() -> None:
    assert session_state(NluContext(session_id="s"), default_model()) is None
    unknown = NluContext(session_id="s", active_intent="BookHotel")
    assert session_state(unknown, default_model()) is None


@pytest.mark.parametrize(
    ("parser", "value", "text"),
    [
        ("duration", 5, "P5D"),
        ("money", {"amount": 1500, "currency": "USD"}, "1500 USD"),
        ("money", {"amount": 99.5, "currency": "EUR"}, "99.5 EUR"),
        ("place", "New York", "New York"),
        ("date", "2025-06-10", "2025-06-10"),
        ("duration", "five", None),
        ("money", {"amount": "lots"}, None),
    ],
)
def test_slot_values_are_written_in_the_forms_lex_reads(
    parser: str, value: Any, text: str | None
) -> None:
    assert lex_slot_text(parser, value) == text


# ---------------------------------------------------------------------------------- Dialogflow


def dialogflow_sample(intent: str, parameters: dict[str, Any], confidence: float = 1) -> Any:
    sample: dict[str, Any] = copy.deepcopy(load_sample("dialogflow_detect_intent.json"))
    result = sample["queryResult"]
    result["intent"]["displayName"] = intent
    result["parameters"] = parameters
    result["intentDetectionConfidence"] = confidence
    return result


def test_a_dialogflow_query_result_maps_system_entities_to_the_contract(nlu: EmbeddedNlu) -> None:
    # GIVEN @sys.unit-currency, @sys.duration and @sys.date values as Dialogflow sends them
    result = dialogflow_sample(
        "PlanTrip",
        {
            "destination": "Lisbon",
            "duration": {"amount": 1.0, "unit": "wk"},
            "budget": {"amount": 2000.0, "currency": "eur"},
        },
        0.87,
    )

    # WHEN it is read
    answer = read_query_result(result, nlu.model, nlu.slots)

    # THEN durations are days and currencies ISO codes
    assert answer.intent == "PlanTrip"
    assert answer.confidence == pytest.approx(0.87)
    assert answer.provider == "dialogflow"
    assert answer.slots == {
        "destination": "Lisbon",
        "duration": 7,
        "budget": {"amount": 2000, "currency": "EUR"},
    }


def test_dialogflow_dates_lists_and_empty_parameters(nlu: EmbeddedNlu) -> None:
    result = dialogflow_sample(
        "FindFlights",
        {"origin": ["Paris", "Rome"], "destination": "", "date": "2030-06-10T12:00:00+02:00"},
    )
    answer = read_query_result(result, nlu.model, nlu.slots)
    assert answer.slots == {"origin": "Paris", "date": "2030-06-10"}


@pytest.mark.parametrize(
    ("value", "place"),
    [
        ({"city": "Lisbon"}, "Lisbon"),
        ({"country": "", "city": "Paris"}, "Paris"),
        ("Rome", "Rome"),
    ],
)
def test_the_open_place_entity_gives_a_canonical_place(
    nlu: EmbeddedNlu, value: Any, place: str
) -> None:
    # GIVEN the composite place entity's value: an alias object, or a plain entry's text
    result = dialogflow_sample("CheckWeather", {"destination": value})
    # WHEN it is read THEN the place is normalised like any other
    assert read_query_result(result, nlu.model, nlu.slots).slots == {"destination": place}


def test_a_dialogflow_value_the_bot_cannot_read_is_named_as_unresolved(nlu: EmbeddedNlu) -> None:
    result = dialogflow_sample("PlanTrip", {"destination": "Lisbon", "budget": "loads"})
    answer = read_query_result(result, nlu.model, nlu.slots)
    assert answer.slots == {"destination": "Lisbon"}
    assert answer.unresolved == {"budget": "loads"}


def test_a_dialogflow_geo_city_value_reads_through_the_same_gazetteer(nlu: EmbeddedNlu) -> None:
    # GIVEN @sys.geo-city / @sys.geo-country values, one of them ambiguous
    result = dialogflow_sample("FindFlights", {"origin": "Genève", "destination": "Valencia"})
    # WHEN it is read
    answer = read_query_result(result, nlu.model, nlu.slots)
    # THEN the known one is canonical and the ambiguous one offered as a choice
    assert answer.slots == {"origin": "Geneva"}
    assert set(answer.ambiguous["destination"]) >= {"Valencia", "Valencia, Venezuela"}


def test_the_published_dialogflow_sample_is_not_one_of_our_intents(nlu: EmbeddedNlu) -> None:
    sample = load_sample("dialogflow_detect_intent.json")["queryResult"]
    answer = read_query_result(sample, nlu.model, nlu.slots)
    assert (answer.intent, answer.slots) == ("FallbackIntent", {})


def test_a_fallback_intent_and_a_missing_confidence_read_as_fallback(nlu: EmbeddedNlu) -> None:
    fallback = dialogflow_sample("Greeting", {})
    fallback["intent"]["isFallback"] = True
    assert read_query_result(fallback, nlu.model, nlu.slots).intent == "FallbackIntent"
    no_intent = {"queryText": "hm", "parameters": {}}
    answer = read_query_result(no_intent, nlu.model, nlu.slots)
    assert (answer.intent, answer.confidence) == ("FallbackIntent", 0.0)


def test_a_query_result_that_is_not_an_object_is_malformed(nlu: EmbeddedNlu) -> None:
    with pytest.raises(ProviderError) as caught:
        read_query_result(["nope"], nlu.model, nlu.slots)
    assert caught.value.kind == "malformed"


def test_long_session_ids_are_hashed_to_dialogflows_36_characters() -> None:
    assert dialogflow_session("Ab3_-xyz12") == "Ab3_-xyz12"
    long = "x" * 64
    hashed = dialogflow_session(long)
    assert len(hashed) == 32
    assert hashed == dialogflow_session(long)
    assert hashed != dialogflow_session("y" * 64)


# --------------------------------------------------------------------------------------- Azure


def test_the_published_azure_document_maps_to_its_label_and_confidence() -> None:
    document = load_sample("azure_sentiment.json")["results"]["documents"][0]
    scores = document["confidenceScores"]
    sentiment = sentiment_from_scores(
        document["sentiment"], scores["positive"], scores["neutral"], scores["negative"]
    )
    assert (sentiment.label, sentiment.score, sentiment.provider) == ("positive", 0.89, "azure")


def test_mixed_sentiment_scores_the_polarised_share() -> None:
    sentiment = sentiment_from_scores("mixed", 0.45, 0.1, 0.45)
    assert sentiment.label == "mixed"
    assert sentiment.score == pytest.approx(0.9)


def test_an_unknown_sentiment_label_is_malformed() -> None:
    with pytest.raises(ProviderError) as caught:
        sentiment_from_scores("ecstatic", 1.0, 0.0, 0.0)
    assert caught.value.kind == "malformed"


# --------------------------------------------------------------------------------- OpenWeather
ZOCCA = PlaceRecord(
    name="Zocca", kind="town", country_code="IT", country="Italy",
    latitude=44.34, longitude=10.99, timezone="Europe/Rome", currency="EUR",
)  # fmt: skip


def test_current_weather_and_forecast_make_a_report_by_local_day() -> None:
    # GIVEN the published samples (Zocca, UTC+2), the forecast's one step repeated every 3 hours
    # for two days, cooler by a degree each step
    current = load_sample("openweather_current.json")
    forecast = load_sample("openweather_forecast.json")
    step = forecast["list"][0]
    forecast["list"] = []
    for i in range(16):
        later = copy.deepcopy(step)
        later["dt"] = step["dt"] + i * 3 * 3600
        later["main"]["temp_min"] = step["main"]["temp_min"] - i
        later["main"]["temp_max"] = step["main"]["temp_max"] - i
        forecast["list"].append(later)

    # WHEN they are read
    report = read_report(ZOCCA, current, forecast)

    # THEN the current weather is copied as given and the forecast has the later local days
    assert report.description == "moderate rain"
    assert report.humidity_pct == 64
    assert report.wind_ms == pytest.approx(0.6)
    # 2022-08-30 15:00 UTC is 17:00 in Zocca: today is the current weather, not the forecast
    assert [day.date for day in report.forecast] == ["2022-08-31", "2022-09-01"]
    first = report.forecast[0]
    # the 31st (local) holds steps 3..10, the 1st steps 11..15
    assert first.max_c == pytest.approx(round(step["main"]["temp_max"] - 3, 1))
    assert first.min_c == pytest.approx(round(step["main"]["temp_min"] - 10, 1))
    assert first.description == "light rain"


def test_a_report_missing_a_documented_field_is_malformed() -> None:
    current = load_sample("openweather_current.json")
    del current["main"]
    with pytest.raises(ProviderError) as caught:
        read_report(ZOCCA, current, load_sample("openweather_forecast.json"))
    assert caught.value.kind == "malformed"


# ------------------------------------------------------------------------------------- secrets


def test_the_secret_reads_keys_and_google_credentials_given_as_text_or_object() -> None:
    google = {"client_email": "bot@x.iam.gserviceaccount.com", "private_key": "-----KEY-----"}
    as_text = BotSecrets.from_value(
        {
            "openweather_api_key": " ow-key-123 ",
            "azure_language_key": "az-key-456",
            "google_credentials": json.dumps(google),
        }
    )
    as_object = BotSecrets.from_value({"google_credentials": google})
    assert as_text.openweather_api_key == "ow-key-123"
    assert as_text.azure_language_key == "az-key-456"
    assert as_text.google_credentials == google
    assert as_object.google_credentials == google


def test_google_credentials_may_be_the_key_file_base64_encoded() -> None:
    google = {"client_email": "bot@x.iam.gserviceaccount.com", "private_key": "-----KEY-----"}
    encoded = base64.b64encode(json.dumps(google).encode()).decode()
    assert BotSecrets.from_value({"google_credentials": encoded}).google_credentials == google


def test_missing_or_malformed_fields_are_empty_and_values_never_show_in_repr() -> None:
    secrets = BotSecrets.from_value(
        {"openweather_api_key": 42, "google_credentials": "{not json", "azure_language_key": "k"}
    )
    assert secrets.openweather_api_key == ""
    assert secrets.google_credentials is None
    assert "k" not in repr(secrets).replace("BotSecrets", "")
    assert BotSecrets.from_value("not an object") == BotSecrets()

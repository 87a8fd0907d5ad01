"""Weather answers and trip plans from open data, through the real handler and HTTP clients,
with every source behind its wire-level fake (nothing leaves this machine).

The issue's "done when": the weather in Kyoto on Friday is that Friday's forecast from
Open-Meteo's data; "plan 4 days in Lisbon with $1500" names the guide's sights, gives the budget
in euros at the fake's rate and the expected weather; and with every source down the same
requests still answer, within the deadline, saying what could not be fetched.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest

from runtime.dialogue.context import FulfilmentContext, WeatherAnswer
from runtime.dialogue.display import human_date
from runtime.dialogue.fulfilment import Fulfiller
from runtime.dialogue.outlook import temperature_range
from runtime.dialogue.trip import TripPlan
from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.open_data import OpenData, build_open_data
from runtime.settings import Settings
from runtime.store.content_memory import MemoryContentCache
from runtime.store.sqlite import SqliteStore
from tests.conftest import chat_event
from tests.support.fakes.frankfurter import cross_rate
from tests.support.fakes.open_meteo import day_weather
from tests.support.places import place
from tests.support.sources import SourceStack

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
TIMEOUT_S = 0.6
KYOTO_TZ = dt.timezone(dt.timedelta(hours=9))


def next_friday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)


def open_data(sources: SourceStack) -> OpenData:
    settings = sources.settings(Settings(sources_timeout_s=TIMEOUT_S))
    return build_open_data(settings, places=place, cache=MemoryContentCache())


@pytest.fixture
def chat(
    sources: SourceStack, runtime_services: Callable[..., Any], invoke: Invoke
) -> Callable[[str], dict[str, Any]]:
    """Say one message to the real handler wired to the fakes; returns the 200 body."""
    runtime_services(sources=open_data(sources))

    def say(message: str) -> dict[str, Any]:
        status, _, body = invoke(chat_event({"message": message}))
        assert status == 200, body
        return dict(body)

    return say


def fulfil(data: OpenData, intent: str, slots: dict[str, Any]) -> Any:
    model = default_model()
    fulfiller = Fulfiller(model, EmbeddedNlu(model).slots.gazetteer, SqliteStore(":memory:"), data)
    ctx = FulfilmentContext(
        session_id="s-1",
        base_url="https://bot.test",
        now_ms=int(time.time() * 1000),
        deadline=time.monotonic() + 5,
    )
    return fulfiller.fulfil(intent, slots, ctx)


def test_the_weather_in_kyoto_on_friday_is_that_fridays_forecast(sources: SourceStack) -> None:
    # GIVEN the CheckWeather slots the NLU gives for "what's the weather in Kyoto on Friday?"
    friday = next_friday(dt.datetime.now(KYOTO_TZ).date())

    # WHEN it is fulfilled
    result = fulfil(
        open_data(sources), "CheckWeather", {"destination": "Kyoto", "date": friday.isoformat()}
    )

    # THEN the reply is the fake's forecast for that Friday in Kyoto, and names Open-Meteo
    kyoto = place("Kyoto")
    assert kyoto is not None
    expected = day_weather(kyoto.latitude, kyoto.longitude, friday)
    high, low = expected["temperature_2m_max"], expected["temperature_2m_min"]
    shown = human_date(friday.isoformat(), dt.datetime.now(dt.UTC).date())
    assert result.reply.startswith(f"Forecast for Kyoto on {shown}:")  # "Fri 5 Mar", as people read
    assert temperature_range(low, high) in result.reply
    assert "Source: Open-Meteo (https://open-meteo.com/)" in result.reply
    assert isinstance(result.details, WeatherAnswer)
    assert (result.details.date, result.details.low_c, result.details.high_c) == (
        friday.isoformat(),
        low,
        high,
    )
    [request] = sources.forecast.requests
    assert request.query_value("timezone") == "Asia/Tokyo"


def test_asking_for_kyoto_on_friday_through_chat_gives_that_fridays_forecast(
    chat: Callable[[str], dict[str, Any]], sources: SourceStack
) -> None:
    # WHEN a user asks the question through POST /chat
    body = chat("what's the weather in Kyoto on Friday?")

    # THEN the NLU reads the place and the day, and the answer is the fake's forecast for it
    assert (body["intent"], body["dialogState"]) == ("CheckWeather", "Fulfilled")
    friday = dt.date.fromisoformat(body["slots"]["date"])
    assert body["slots"]["destination"] == "Kyoto" and friday.weekday() == 4
    kyoto = place("Kyoto")
    assert kyoto is not None
    expected = day_weather(kyoto.latitude, kyoto.longitude, friday)
    low, high = expected["temperature_2m_min"], expected["temperature_2m_max"]
    shown = human_date(friday.isoformat(), dt.datetime.now(dt.UTC).date())
    assert body["reply"].startswith(f"Forecast for Kyoto on {shown}:")
    assert temperature_range(low, high) in body["reply"]
    assert "Source: Open-Meteo (https://open-meteo.com/)" in body["reply"]


def test_a_date_past_the_forecast_gets_the_months_typical_weather_labelled(
    sources: SourceStack,
) -> None:
    later = dt.date.today() + dt.timedelta(days=60)
    result = fulfil(
        open_data(sources), "CheckWeather", {"destination": "Kyoto", "date": later.isoformat()}
    )
    assert "beyond the 16-day forecast" in result.reply
    assert f"Kyoto in {later:%B} is typically" in result.reply
    assert "Open-Meteo historical weather (ERA5)" in result.reply
    assert sources.forecast.requests == [] and len(sources.archive.requests) == 1


def test_whats_the_weather_in_paris_answers_with_open_meteos_data(
    chat: Callable[[str], dict[str, Any]], sources: SourceStack
) -> None:
    body = chat("What's the weather in Paris?")

    assert (body["intent"], body["dialogState"]) == ("CheckWeather", "Fulfilled")
    assert body["reply"].startswith("Weather in Paris: ")
    assert "Source: Open-Meteo" in body["reply"]
    assert [r.path for r in sources.forecast.requests] == ["/v1/forecast"]


def test_a_plan_for_lisbon_names_real_sights_euros_and_the_expected_weather(
    chat: Callable[[str], dict[str, Any]], sources: SourceStack
) -> None:
    # WHEN a user asks for a plan
    body = chat("plan 4 days in Lisbon with $1500")
    reply = body["reply"]

    # THEN the days visit the guide's sights (day by day, or as highlights in the concise variant)
    assert body["dialogState"] == "Fulfilled"
    assert "Castelo de São Jorge" in reply and "Torre de Belém" in reply
    if body["variant"] != "concise":
        assert "Day 1: arrive and check in, then Castelo de São Jorge." in reply
        assert "Day 2: Mosteiro dos Jerónimos and Torre de Belém." in reply
    # ... the budget is in euros at the fake's ECB rate, per day in both currencies
    rate = cross_rate("USD", "EUR")
    assert f"$1,500 is about €{round(1500 * rate):,}" in reply
    assert f"€{round(375 * rate):,} a day" in reply
    assert "Per day (weighted by prices listed for Lisbon): stay $" in reply
    # ... and the weather says what it is usually like, and what to pack
    month = dt.date.today().strftime("%B")
    assert f"Lisbon in {month} is typically" in reply and ": pack " in reply
    assert "Sources: Wikivoyage: Lisbon (https://en.wikivoyage.org/wiki/Lisbon)" in reply
    assert reply.endswith("Want me to find flights to Lisbon too?")


def test_the_plan_is_also_a_structured_value_for_cards(sources: SourceStack) -> None:
    result = fulfil(
        open_data(sources),
        "PlanTrip",
        {"destination": "Lisbon", "duration": 4, "budget": {"amount": 1500, "currency": "USD"}},
    )

    assert isinstance(result.details, TripPlan)
    details = result.details.to_dict()
    assert details["type"] == "trip_plan"
    assert [day["day"] for day in details["itinerary"]] == [1, 2, 3, 4]
    assert details["itinerary"][0]["sights"][0]["name"] == "Castelo de São Jorge"
    assert {line["name"] for line in details["split"]} == {"stay", "food", "activities"}
    assert all(line["local"]["currency"] == "EUR" for line in details["split"])
    assert details["splitBasis"] == "local-prices" and details["unavailable"] == []
    assert {s["name"] for s in details["sources"]} >= {"Wikivoyage: Lisbon"}


def test_a_budget_too_low_for_the_place_gets_an_honest_warning(sources: SourceStack) -> None:
    result = fulfil(
        open_data(sources),
        "PlanTrip",
        {"destination": "Lisbon", "duration": 7, "budget": {"amount": 120, "currency": "EUR"}},
    )
    assert "Heads-up: €17 a day is below what the cheapest beds and meals listed for Lisbon" in (
        result.reply
    )
    assert isinstance(result.details, TripPlan)
    assert result.details.too_low is True and result.details.tier == "shoestring"


def test_a_place_without_guide_or_rate_reads_well_without_pretending(sources: SourceStack) -> None:
    result = fulfil(
        open_data(sources),
        "PlanTrip",
        {"destination": "Hanoi", "duration": 3, "budget": {"amount": 600, "currency": "USD"}},
    )
    assert "The days below are a general outline (no sights to name yet)." in result.reply
    assert "a typical split; no local prices to go by" in result.reply
    assert "couldn't get" not in result.reply  # no article and no ECB rate are answers, not outages
    assert "Hanoi in" in result.reply  # the weather still came


@pytest.mark.parametrize("hang", [False, True], ids=["failing", "hanging"])
def test_with_every_source_down_the_same_requests_answer_within_the_deadline(
    chat: Callable[[str], dict[str, Any]], sources: SourceStack, hang: bool
) -> None:
    # GIVEN every source failing (or not answering at all)
    sources.all_down(hang=hang)

    # WHEN the same two requests are made
    started = time.monotonic()
    weather = chat("What's the weather in Paris?")
    plan = chat("plan 4 days in Lisbon with $1500")
    elapsed = time.monotonic() - started

    # THEN both answer, say what they could not get, and wait no longer than the sources' time
    assert weather["dialogState"] == "Failed"
    assert "couldn't reach the weather service for Paris" in weather["reply"]
    assert plan["dialogState"] == "Fulfilled"
    assert "I couldn't get the sights and local prices (Wikivoyage)" in plan["reply"]
    assert "the exchange rate (ECB via Frankfurter)" in plan["reply"]
    assert plan["reply"].endswith("Want me to find flights to Lisbon too?")
    assert elapsed < 2 * TIMEOUT_S + 1.5


def next_month_named(today: dt.date, ahead: int) -> dt.date:
    """The first of the month ``ahead`` months after ``today``'s."""
    index = today.month - 1 + ahead
    return dt.date(today.year + index // 12, index % 12 + 1, 1)


def test_a_month_named_without_a_day_gets_that_months_typical_weather(
    chat: Callable[[str], dict[str, Any]], sources: SourceStack
) -> None:
    # GIVEN a month three months on, named without a day
    month = next_month_named(dt.datetime.now(dt.UTC).date(), 3)
    # WHEN the weather is asked for that month
    body = chat(f"what's the weather in Kyoto in {month:%B}?")
    # THEN the answer is what that month is usually like, labelled typical, from the archive
    assert (body["intent"], body["dialogState"]) == ("CheckWeather", "Fulfilled")
    assert "date" not in body["slots"]  # a month is no day: the contract's date stays a day
    assert body["reply"].startswith(f"Kyoto in {month:%B} is typically")
    assert "Open-Meteo historical weather (ERA5)" in body["reply"]
    assert sources.forecast.requests == []
    [card] = body["cards"]
    assert card["type"] == "weather" and card["summary"].startswith(f"Typical {month:%B}")


def test_a_plan_for_a_month_gives_that_months_weather_and_keeps_it_when_refined(
    runtime_services: Callable[..., Any], invoke: Invoke, sources: SourceStack
) -> None:
    runtime_services(sources=open_data(sources))
    month = next_month_named(dt.datetime.now(dt.UTC).date(), 5)
    session: str | None = None
    replies = []
    for message in (f"plan a week in Lisbon in {month:%B} with 1500 euros", "make it 10 days"):
        body = {"message": message} | ({"sessionId": session} if session else {})
        status, _, answer = invoke(chat_event(body))
        assert status == 200, answer
        session = answer["sessionId"]
        replies.append(answer["reply"])
    # THEN both plans give the weather of the month asked, not this month's
    for reply in replies:
        assert f"Weather: Lisbon in {month:%B} is typically" in reply
        assert "this month" not in reply


def test_a_month_said_while_the_plan_is_still_being_asked_for_is_kept(
    runtime_services: Callable[..., Any], invoke: Invoke, sources: SourceStack
) -> None:
    runtime_services(sources=open_data(sources))
    month = next_month_named(dt.datetime.now(dt.UTC).date(), 4)
    session: str | None = None
    answer: dict[str, Any] = {}
    for message in (f"I'd like to go to Lisbon in {month:%B}", "10 days", "3000 euros"):
        body = {"message": message} | ({"sessionId": session} if session else {})
        status, _, answer = invoke(chat_event(body))
        assert status == 200, answer
        session = answer["sessionId"]
    assert answer["dialogState"] == "Fulfilled"
    assert f"Weather: Lisbon in {month:%B} is typically" in answer["reply"]

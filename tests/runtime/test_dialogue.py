"""Multi-turn dialogue through the real handler: slot filling, switching, carry-over, fulfilment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runtime.errors import ProviderError
from runtime.providers.geo import Place
from runtime.providers.open_data import OpenData
from runtime.providers.weather.base import DailyForecast, WeatherReport
from runtime.providers.weather.service import WeatherService
from runtime.providers.web import Source
from tests.conftest import chat_event
from tests.support.places import place

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]


class RecordingWeather:
    """A weather provider over our own interface: fixed reports, records the places asked."""

    source = Source("Test weather", "https://weather.test/")
    forecast_days = 16

    def __init__(self, fail: Exception | None = None) -> None:
        self.asked: list[str] = []
        self.fail = fail

    def report(self, place: Place, *, deadline: float | None = None) -> WeatherReport:
        self.asked.append(place.name)
        if self.fail is not None:
            raise self.fail
        return WeatherReport(
            city=place.name,
            country=place.country,
            source=self.source,
            today="2026-11-25",
            description="clear sky",
            temp_c=21.4,
            feels_like_c=20.9,
            humidity_pct=55,
            wind_ms=3.2,
            forecast=[
                DailyForecast(date="2026-11-26", min_c=14, max_c=22, description="few clouds")
            ],
        )


def say(invoke: Invoke, message: str, session: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if session:
        body["sessionId"] = session
    status, _, reply = invoke(chat_event(body))
    assert status == 200, reply
    return dict(reply)


def test_plan_trip_elicits_each_missing_slot_then_plans(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    first = say(invoke, "I want to plan a trip")
    assert (first["intent"], first["dialogState"], first["reply"]) == (
        "PlanTrip",
        "ElicitSlot",
        "Where would you like to go?",
    )
    sid = first["sessionId"]
    second = say(invoke, "Lisbon", sid)
    assert (
        second["dialogState"] == "ElicitSlot"
        and second["reply"] == "How long will your trip to Lisbon be?"
    )
    third = say(invoke, "a week", sid)
    assert third["slots"] == {"destination": "Lisbon", "duration": 7}
    assert "budget" in third["reply"].lower()
    done = say(invoke, "2k euros", sid)
    assert done["dialogState"] == "Fulfilled"
    assert done["slots"] == {
        "destination": "Lisbon",
        "duration": 7,
        "budget": {"amount": 2000, "currency": "EUR"},
    }
    assert "7-day plan for Lisbon" in done["reply"] and "€286 a day" in done["reply"]


def with_weather(weather: RecordingWeather) -> OpenData:
    return OpenData(places=place, weather=WeatherService([weather]))


def test_switching_intent_mid_dialogue_keeps_the_last_place(
    runtime_services: Any, invoke: Invoke
) -> None:
    weather = RecordingWeather()
    runtime_services(sources=with_weather(weather))
    sid = say(invoke, "plan a trip to Rome")["sessionId"]
    switched = say(invoke, "what's the weather there?", sid)
    assert (switched["intent"], switched["slots"], switched["dialogState"]) == (
        "CheckWeather",
        {"destination": "Rome"},
        "Fulfilled",
    )
    assert weather.asked == ["Rome"]
    assert (
        "clear sky, 21°C" in switched["reply"]
        and "Thu 26 Nov few clouds, 14 to 22°C" in switched["reply"]
    )


def test_weather_without_a_provider_says_so_and_invents_nothing(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    reply = say(invoke, "weather in Tokyo")
    assert reply["dialogState"] == "Failed"
    assert "not configured" in reply["reply"] and "°C" not in reply["reply"]


def test_a_weather_fault_degrades_the_reply(runtime_services: Any, invoke: Invoke) -> None:
    runtime_services(sources=with_weather(RecordingWeather(fail=ProviderError("w", "timeout"))))
    reply = say(invoke, "weather in Tokyo")
    assert reply["dialogState"] == "Failed" and "couldn't reach" in reply["reply"]


def test_find_flights_gives_a_tracked_link_that_redirects(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    reply = say(invoke, "find flights from London to Lisbon on 2030-05-14")
    assert reply["dialogState"] == "Fulfilled"
    assert reply["slots"] == {"origin": "London", "destination": "Lisbon", "date": "2030-05-14"}
    assert "(LON)" in reply["reply"] and "(LIS)" in reply["reply"]
    link = reply["reply"].rsplit(" ", 1)[-1]
    assert link.startswith("https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod/go/")
    from tests.conftest import load_event

    link_id = link.rsplit("/", 1)[-1]
    status, headers, _ = invoke(load_event("go_link", path=f"/go/{link_id}"))
    assert status == 302
    assert headers["Location"].startswith(
        "https://www.google.com/travel/flights?q=Flights%20from%20LON%20to%20LIS%20on%202030-05-14"
    )


def test_a_date_in_the_past_is_asked_again(runtime_services: Any, invoke: Invoke) -> None:
    runtime_services()
    reply = say(invoke, "flights from Paris to Rome on 2020-01-01")
    assert reply["dialogState"] == "ElicitSlot" and "in the past" in reply["reply"]


def test_negative_sentiment_makes_the_reply_empathetic(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    reply = say(invoke, "this is awful, my flight got cancelled and I hate this, help me")
    assert reply["sentiment"]["label"] == "negative"
    assert reply["reply"].startswith("I'm sorry")


def test_fallback_while_eliciting_repeats_the_question(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    sid = say(invoke, "find me a flight")["sessionId"]
    confused = say(invoke, "how do I bake bread", sid)
    assert confused["dialogState"] == "ElicitSlot" and confused["reply"].startswith(
        "Sorry, I didn't get that."
    )
    assert confused["reply"].endswith("Which city are you flying from?")


def test_goodbye_clears_the_dialogue(runtime_services: Any, invoke: Invoke) -> None:
    services = runtime_services()
    sid = say(invoke, "plan a trip")["sessionId"]
    assert services.store.get_state(sid).eliciting_slot == "destination"
    assert say(invoke, "bye", sid)["intent"] == "Goodbye"
    state = services.store.get_state(sid)
    assert (state.intent, state.eliciting_slot, state.slots) == (None, None, {})


def test_help_keeps_the_open_question(runtime_services: Any, invoke: Invoke) -> None:
    runtime_services()
    sid = say(invoke, "plan a trip to Oslo")["sessionId"]
    helped = say(invoke, "what can you do?", sid)
    assert helped["intent"] == "Help" and helped["reply"].endswith(
        "Back to your Oslo trip: how long will your trip to Oslo be?"
    )
    assert say(invoke, "10 days", sid)["slots"] == {"destination": "Oslo", "duration": 10}


def test_a_second_misunderstanding_gets_a_more_helpful_reply(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    first = say(invoke, "how do I bake bread")
    again = say(invoke, "who painted the mona lisa", first["sessionId"])
    assert first["intent"] == again["intent"] == "FallbackIntent"
    assert first["reply"].startswith("Sorry, I didn't get that.")
    assert again["reply"].startswith("I'm still not sure what you mean.")


def test_yes_to_the_flights_offer_after_a_plan_starts_a_flight_search_there(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    plan = say(invoke, "plan a 5 day trip to Lisbon with $1500")
    assert plan["reply"].endswith("Want me to find flights to Lisbon too?")
    flights = say(invoke, "yes please", plan["sessionId"])
    assert (flights["intent"], flights["slots"]) == ("FindFlights", {"destination": "Lisbon"})
    assert flights["reply"] == "Which city are you flying from?"


def test_no_to_the_offer_closes_politely_and_ok_thanks_thats_all_is_not_a_yes(
    runtime_services: Any, invoke: Invoke
) -> None:
    runtime_services()
    sid = say(invoke, "plan a week in Rome with 2k euros")["sessionId"]
    declined = say(invoke, "no thanks", sid)
    assert declined["reply"].startswith("No problem.")
    assert declined["intent"] != "FindFlights"
    sid = say(invoke, "plan a week in Rome with 2k euros")["sessionId"]
    assert say(invoke, "ok thanks that's all", sid)["intent"] == "Goodbye"

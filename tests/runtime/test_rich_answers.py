"""Quick replies and cards through the real handler: what each answer carries, that it is kept
with the turn (export, resend, a stored turn from before them), and that the stored copy stays
valid when ``redactStoredPii`` rewrites the reply.

The embedded services run on the conversation suite's fixed clock (Monday 2027-03-01) and fixed
weather, so dates and forecasts are known; nothing leaves this machine.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from runtime.api.routes.sessions import public_turn
from runtime.rich_reply import problems
from runtime.settings import Settings
from runtime.types import DialogueState, Turn
from tests.conftest import chat_event, load_event
from tests.support.conversations import NOW, fixed_sources, gazetteer_places

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
Say = Callable[..., dict[str, Any]]
LINK_RE = re.compile(r"https://\S+/go/[A-Za-z0-9_-]+")


@pytest.fixture
def say(runtime_services: Callable[..., Any], invoke: Invoke) -> Say:
    """Send a message (in ``session``, with ``client_id``) to the handler; the 200 body."""
    seconds = itertools.count()  # a turn a second from the suite's "now": turns keep their order
    runtime_services(
        sources=fixed_sources(gazetteer_places()),
        clock=lambda: NOW.timestamp() + next(seconds),
    )

    def send(
        message: str, session: str | None = None, client_id: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message}
        if session:
            body["sessionId"] = session
        if client_id:
            body["clientMessageId"] = client_id
        status, _, answer = invoke(chat_event(body))
        assert status == 200, answer
        assert problems(answer) == []
        return dict(answer)

    return send


def export(invoke: Invoke, session: str) -> list[dict[str, Any]]:
    status, _, body = invoke(load_event("session_export", path=f"/sessions/{session}"))
    assert status == 200, body
    return list(body["turns"])


def test_a_plan_is_a_plan_card_presenting_the_days_of_the_reply_with_yes_no(say: Say) -> None:
    # WHEN a plan is asked for
    body = say("plan 4 days in Lisbon with $1000")
    # THEN one plan card carries its days and its budget split in dollars
    [card] = body["cards"]
    assert card["type"] == "plan" and card["destination"] == "Lisbon"
    assert [day["day"] for day in card["days"]] == [1, 2, 3, 4]
    assert card["budget"]["amount"] == 1000 and card["budget"]["currency"] == "USD"
    assert card["budget"]["perDay"] == 250
    assert sum(share["perDay"] for share in card["budget"]["split"]) == pytest.approx(250, abs=0.1)
    # ... it names the part of the reply it shows (the days or, concise, the highlights) ...
    assert card["replyText"] in body["reply"]
    assert card["replyText"].startswith(("Day 1: arrive", "Highlights: "))
    # ... and the offer of flights has its buttons
    assert body["quickReplies"] == [
        {"label": "Yes, find flights", "message": "Yes please"},
        {"label": "No thanks", "message": "No thanks"},
    ]


def test_a_flight_search_is_a_flight_card_with_the_link_the_reply_gives(say: Say) -> None:
    # WHEN a round trip is searched
    body = say("return flights from London to Rome on 12 march back on 19 march")
    # THEN its card has the cities, the ISO days and exactly the link of the reply
    [card] = body["cards"]
    [link] = LINK_RE.findall(body["reply"])
    assert card == {
        "type": "flight",
        "origin": "London",
        "destination": "Rome",
        "date": "2027-03-12",
        "returnDate": "2027-03-19",
        "url": link,
        "replyText": body["reply"],
    }
    assert "quickReplies" not in body  # nothing is asked or offered


def test_a_forecast_is_a_weather_card_for_the_day_asked(say: Say) -> None:
    # WHEN the weather on a day is asked
    body = say("will it rain in Bergen on saturday?")
    # THEN the card has the place, that day, the summary and the range, and shows the forecast
    [card] = body["cards"]
    assert card == {
        "type": "weather",
        "place": "Bergen",
        "summary": "Partly cloudy",
        "date": "2027-03-06",
        "lowC": 10,
        "highC": 18,
        "replyText": "Forecast for Bergen on Sat 6 Mar: partly cloudy, 10 to 18°C.",
    }


def test_the_weather_now_is_a_card_for_today_that_leaves_the_reply_whole(say: Say) -> None:
    body = say("what's the weather in Paris?")
    [card] = body["cards"]
    # the reply says more than the card (feels like, humidity, wind, the next days)
    assert card == {
        "type": "weather",
        "place": "Paris",
        "summary": "Partly cloudy, 17 °C now",
        "lowC": 10,
        "highC": 18,
    }


def test_an_answer_with_nothing_to_show_has_neither_field(say: Say) -> None:
    # "Which city are you flying from?" has no common answer, and nothing was fulfilled
    body = say("find flights")
    assert body["dialogState"] == "ElicitSlot"
    assert "cards" not in body and "quickReplies" not in body


def test_the_export_keeps_each_turns_cards_and_quick_replies(say: Say, invoke: Invoke) -> None:
    # GIVEN a conversation: a question, a plan, a goodbye
    first = say("plan a trip to Lisbon")
    session = first["sessionId"]
    bodies = [first, say("4 days with $1000", session), say("bye", session)]
    # WHEN it is exported
    turns = export(invoke, session)
    # THEN each turn has exactly the quick replies and cards its answer had
    for turn, body in zip(turns, bodies, strict=True):
        assert turn.get("quickReplies") == body.get("quickReplies")
        assert turn.get("cards") == body.get("cards")
        assert problems(turn) == []
    assert [bool(t.get("cards")) for t in turns] == [False, True, False]


def test_a_resent_message_gets_the_first_answers_cards(say: Say) -> None:
    first = say("plan a trip to Lisbon")
    plan = say("4 days with $1000", first["sessionId"], "msg-1")
    again = say("4 days with $1000", first["sessionId"], "msg-1")
    assert (again["cards"], again["quickReplies"]) == (plan["cards"], plan["quickReplies"])


def test_a_dialogue_state_stored_before_the_currency_memory_loads_without_it() -> None:
    old = {"intent": "PlanTrip", "slots": {"destination": "Rome"}, "eliciting_slot": "budget"}
    state = DialogueState.from_dict(json.loads(json.dumps(old)))
    assert (state.intent, state.eliciting_slot, state.last_currency) == ("PlanTrip", "budget", None)


def test_a_turn_stored_before_cards_existed_loads_and_exports_without_them() -> None:
    # GIVEN a turn as stores kept it before: no quick_replies, no cards (or damaged ones)
    old: dict[str, Any] = {
        "session_id": "s",
        "turn_key": "0001796140000000#ab",
        "timestamp_ms": 1796140000000,
        "date": "2026-12-01",
        "message": "hi",
        "reply": "Hi!",
        "intent": "Greeting",
        "slots": {},
        "dialog_state": "Fulfilled",
        "nlu_provider": "embedded",
        "nlu_confidence": 0.9,
        "sentiment_label": "neutral",
        "sentiment_score": 0.9,
        "latency_ms": 3,
    }
    # WHEN it is read back THEN it has none, and its export has neither field
    for stored in (old, {**old, "quick_replies": None, "cards": ["not a card"]}):
        turn = Turn.from_dict(json.loads(json.dumps(stored)))
        assert (turn.quick_replies, turn.cards) == ([], [])
        assert not {"quickReplies", "cards"} & set(public_turn(turn))


class DayRedactor:
    """A redactor that treats "Day 1" as personal data, so a card's replyText is rewritten."""

    def redact(self, text: str) -> str:
        return text.replace("Day 1", "[SECRET]")


def test_a_stored_card_loses_its_reply_text_where_redaction_changed_that_part(
    runtime_services: Callable[..., Any], invoke: Invoke
) -> None:
    # GIVEN stored turns redacted by a redactor that rewrites part of a plan's days
    settings = Settings(sources_enabled=False, experiments=[])  # every session detailed
    runtime_services(settings=settings, redactor=DayRedactor())
    # WHEN a plan is answered and exported
    status, _, body = invoke(chat_event({"message": "plan 4 days in Lisbon with $1000"}))
    assert status == 200 and body["cards"][0]["replyText"].startswith("Day 1:")
    [turn] = export(invoke, body["sessionId"])
    # THEN the stored reply is redacted, its card is kept without the replyText, and the
    # exported turn still fits the schema
    assert "[SECRET]" in turn["reply"] and "Day 1" not in turn["reply"]
    assert "replyText" not in turn["cards"][0]
    assert turn["cards"][0]["days"] == body["cards"][0]["days"]
    assert problems(turn) == []

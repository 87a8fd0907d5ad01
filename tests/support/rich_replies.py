"""``POST /chat`` bodies with quick replies and cards, as the server is to send them.

``tests/runtime/test_rich_reply.py`` checks each against :func:`runtime.rich_reply.problems`,
and the browser tests feed them to the page, so the page is tested with exactly what the
schema (README.md, "The chat API") allows. Dates are in the future on purpose: a flight card
for a past date would never be sent.
"""

from __future__ import annotations

import copy
from typing import Any

PLAN_TEXT = (
    "Day 1: arrive, check in and walk the old town.\n"
    "Day 2: main sights and a museum in the morning, a food market in the afternoon.\n"
    "Day 3: a day trip out of town.\n"
    "Days 4-5: free days or a trip to somewhere nearby.\n"
    "Day 6: a last breakfast and departure."
)
PLAN_REPLY = (
    "Here is a 6-day plan for Lisbon with a budget of $1,500 ($250 a day, a comfort trip):\n"
    "Per day: stay $100, food $62, activities $50, local transport $38.\n"
    f"{PLAN_TEXT}\nWant me to find flights to Lisbon too?"
)
FLIGHT_URL_PATH = "/go/AbCdEf123456"
FLIGHT_LINE = f"Here are flights from London (LON) to Rome (ROM) on 2031-03-14: {FLIGHT_URL_PATH}"
FLIGHT_REPLY = f"{FLIGHT_LINE}\nHave a good trip!"
WEATHER_REPLY = "In Paris on 2031-03-14: light rain, 8 to 13 °C, 70% chance of rain."


def contract_body(reply: str, **extra: Any) -> dict[str, Any]:
    """A ``POST /chat`` 200 body as the contract shapes it, plus ``extra`` fields."""
    body: dict[str, Any] = {
        "sessionId": "routedSession_0001",
        "reply": reply,
        "intent": "FallbackIntent",
        "slots": {},
        "dialogState": "Fulfilled",
        "nlu": {"provider": "embedded", "confidence": 0.9},
        "sentiment": {"label": "neutral", "score": 0.9},
        "variant": "detailed",
        "latencyMs": 3,
    }
    body.update(copy.deepcopy(extra))
    return body


PLAN = contract_body(
    PLAN_REPLY,
    intent="PlanTrip",
    cards=[
        {
            "type": "plan",
            "destination": "Lisbon",
            "days": [
                {"day": 1, "text": "arrive, check in and walk the old town"},
                {"day": 2, "text": "main sights and a museum, a food market in the afternoon"},
                {"day": 3, "text": "a day trip out of town"},
                {"day": 4, "lastDay": 5, "text": "free days or a trip to somewhere nearby"},
                {"day": 6, "text": "a last breakfast and departure"},
            ],
            "budget": {
                "amount": 1500,
                "currency": "USD",
                "perDay": 250,
                "split": [
                    {"label": "stay", "perDay": 100},
                    {"label": "food", "perDay": 62},
                    {"label": "activities", "perDay": 50},
                    {"label": "local transport", "perDay": 38},
                ],
            },
            "replyText": PLAN_TEXT,
        }
    ],
    quickReplies=[
        {"label": "Yes, find flights", "message": "Yes"},
        {"label": "No thanks", "message": "No"},
    ],
)
FLIGHT = contract_body(
    FLIGHT_REPLY,
    intent="FindFlights",
    cards=[
        {
            "type": "flight",
            "origin": "London",
            "destination": "Rome",
            "date": "2031-03-14",
            "returnDate": "2031-03-21",
            "url": FLIGHT_URL_PATH,
            "replyText": FLIGHT_LINE,
        }
    ],
)
WEATHER = contract_body(
    WEATHER_REPLY,
    intent="CheckWeather",
    cards=[
        {
            "type": "weather",
            "place": "Paris",
            "date": "2031-03-14",
            "summary": "Light rain",
            "lowC": 8,
            "highC": 13,
            "precipitationChance": 70,
        }
    ],
)
MONTH_WEATHER = contract_body(
    "Kyoto in March is typically 2 to 14°C, with rain on about 12 days (2022-2026 average).",
    intent="CheckWeather",
    cards=[
        {
            "type": "weather",
            "place": "Kyoto",
            "month": "2031-03",
            "summary": "Typical March: rain on about 12 days",
            "lowC": 2,
            "highC": 14,
        }
    ],
)
SLOT_QUESTION = contract_body(
    "How many days will you stay in Lisbon?",
    intent="PlanTrip",
    dialogState="ElicitSlot",
    quickReplies=[
        {"label": "A weekend", "message": "2 days"},
        {"label": "5 days", "message": "5 days"},
        {"label": "A week", "message": "7 days"},
    ],
)
#: A future server may send a card type this page does not know, and fields it does not know.
UNKNOWN_CARD = contract_body(
    "Your hotel is booked.",
    cards=[{"type": "hotel", "name": "Casa", "replyText": "hotel"}],
    actions=[{"kind": "call", "phone": "+351 000"}],
)

EXAMPLES: dict[str, dict[str, Any]] = {
    "plan": PLAN,
    "flight": FLIGHT,
    "weather": WEATHER,
    "a month's weather": MONTH_WEATHER,
    "slot question": SLOT_QUESTION,
    "unknown card": UNKNOWN_CARD,
}

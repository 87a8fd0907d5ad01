"""The words without which a message does not ask for a task, whatever a classifier says.

"weather", "rain", "jacket" ask about the weather; "trip", "holiday", "visit" for a plan;
"flight", "fly" for flights. The dialogue reads an intent again by them
(:mod:`runtime.dialogue.topics`), and the embedded NLU reads a weather guess without any of them
as no weather question when the message is a trip fragment (:mod:`runtime.nlu.fragments`).
"""

from __future__ import annotations

import re

TASK_WORDS: dict[str, re.Pattern[str]] = {
    "PlanTrip": re.compile(
        r"\b(?:plan\w*|trip|holiday|vacation|itinerary|getaway|visit\w*|travel\w*|go|going)\b",
        re.IGNORECASE,
    ),
    "CheckWeather": re.compile(
        r"\b(?:weather|forecast|temperature|temps?|rain\w*|snow\w*|sun\w*|hot|cold|warm\w*|"
        r"wind\w*|umbrella|storm\w*|climate|degrees|humid\w*|jacket|coat|freez\w*|chilly|"
        r"heat\w*|cloud\w*|fog\w*|ic[ey]|wear|pack\w*|layers|shorts|sweater|sunscreen|"
        r"celsius|fahrenheit|dry|wet|mild|nice out|like outside)\b",
        re.IGNORECASE,
    ),
    "FindFlights": re.compile(
        r"\b(?:flights?|fly|flying|plane|airfare|airlines?|depart\w*|round trip|one way)\b",
        re.IGNORECASE,
    ),
}
"""Words without which a message does not ask for the task (whatever the classifier says)."""


def asks_weather(message: str) -> bool:
    """True when a message has a word about the weather ("rain", "jacket", "forecast")."""
    return TASK_WORDS["CheckWeather"].search(message) is not None

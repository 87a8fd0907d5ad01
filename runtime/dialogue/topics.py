"""What a message is about, when the classifier alone does not say: small-talk topics (to pick
a fitting answer), out-of-scope topics (to name honestly what the bot cannot do), and the words
that show a task is really asked for (:mod:`runtime.nlu.task_words`, which the embedded NLU
reads too).

The dialogue uses them to read an intent again: a message the classifier calls small talk or a
misunderstanding, or a task without any of that task's words ("what's the exchange rate for
yen" is no weather question), is out of scope when it names something the bot cannot do.
"""

from __future__ import annotations

import re

from runtime.nlu.task_words import TASK_WORDS, asks_weather

__all__ = [
    "OUT_OF_SCOPE_TOPICS",
    "SMALL_TALK_TOPICS",
    "TASK_WORDS",
    "asks_weather",
    "only_task",
    "out_of_scope",
    "topic_of",
]

SMALL_TALK_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("joke", re.compile(r"\b(?:jokes?|funny|laugh)\b", re.IGNORECASE)),
    (
        "complaint",
        re.compile(
            r"\b(?:useless|stupid|dumb|terrible|awful|rubbish|hate you|not helpful)\b", re.I
        ),
    ),
    ("bored", re.compile(r"\bbored\b", re.IGNORECASE)),
    (
        "how_are_you",
        re.compile(
            r"\bhow (?:are|r) (?:you|u|things)|how's it going|how you doing|"
            r"\b(?:what'?s|what is) up\b(?! with)|\b(?:wass?up|whassup|sup)\b",
            re.I,
        ),
    ),
    (
        "identity",
        re.compile(
            r"\b(?:who (?:are|built|made|created|programmed) you|your name|robot|human|real|bot|"
            r"an ai|artificial)\b",
            re.I,
        ),
    ),
    (
        "compliment",
        re.compile(
            r"\b(?:love|awesome|the best|smart|helpful|amazing|brilliant|great|good bot)\b", re.I
        ),
    ),
    (
        "acknowledge",
        re.compile(
            r"^\W*(?:ok|okay|cool|nice|good to know|alright|got it|i see|yes|yeah|yep|sure)\b",
            re.I,
        ),
    ),
)
OUT_OF_SCOPE_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "book hotels or other places to stay",
        re.compile(
            r"\b(?:hotels?|hostels?|accommodation|airbnb|somewhere to stay|place to stay|resorts?)"
            r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "help with visas or travel documents",
        re.compile(r"\b(?:visas?|passports?|documents|entry requirements)\b", re.IGNORECASE),
    ),
    ("sell or advise on travel insurance", re.compile(r"\binsurance\b", re.IGNORECASE)),
    (
        "arrange car hire",
        re.compile(
            r"\b(?:car hire|hire (?:a |me a )?car|rent\w*\b.{0,12}\bcars?|rental cars?)\b", re.I
        ),
    ),
    (
        "book tables or recommend restaurants",
        re.compile(r"\b(?:restaurants?|a table|dinner)\b", re.IGNORECASE),
    ),
    (
        "book trains, buses or taxis",
        re.compile(r"\b(?:trains?|bus|buses|taxis?|uber|ferry|ferries)\b", re.IGNORECASE),
    ),
    ("book cruises", re.compile(r"\bcruises?\b", re.IGNORECASE)),
    (
        "advise on safety or travel warnings",
        re.compile(r"\b(?:safe|safety|dangerous|travel advice|advisor(?:y|ies))\b", re.IGNORECASE),
    ),
    (
        "advise on vaccinations or health",
        re.compile(r"\b(?:vaccin\w*|jabs?|malaria|health)\b", re.IGNORECASE),
    ),
    (
        "exchange money or quote exchange rates",
        re.compile(r"\b(?:exchange rates?|currency|change money)\b", re.IGNORECASE),
    ),
    (
        "book, change or cancel tickets and reservations",
        re.compile(
            r"\b(?:book|booking|reserve|reservation|pay|check(?:-| )?(?:me |us )?in|upgrade|seat|"
            r"luggage|baggage|flight status)\b",
            re.IGNORECASE,
        ),
    ),
)


def topic_of(message: str, topics: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The first topic whose pattern the message matches."""
    return next((name for name, pattern in topics if pattern.search(message)), None)


def out_of_scope(intent: str, message: str) -> bool:
    """True when a message read as ``intent`` is really a request the bot cannot do: it names an
    out-of-scope topic and, for a task, none of that task's own words."""
    if topic_of(message, OUT_OF_SCOPE_TOPICS) is None:
        return False
    if intent in ("FallbackIntent", "SmallTalk"):
        return True
    words = TASK_WORDS.get(intent)
    return words is not None and words.search(message) is None


def only_task(message: str) -> str | None:
    """The one task whose words a message uses ("how much is a flight to Paris?" → flights),
    or None when it uses none or several."""
    found = [name for name, words in TASK_WORDS.items() if words.search(message)]
    return found[0] if len(found) == 1 else None

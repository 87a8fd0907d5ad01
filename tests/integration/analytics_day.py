"""A generated day of traffic whose analytics are known in advance (worked out by hand below).

Six sessions on the day, plus noise on the day before that must not count::

    session  variant   turns (intent, destination, provider, sentiment, latency ms)      link
    s1       concise   PlanTrip Lisbon lex pos 10; PlanTrip Lisbon lex pos 20;           clicked
                       FindFlights Lisbon lex neu 30
    s2       detailed  FindFlights Paris dialogflow neu 40                               not clicked
    s3       detailed  CheckWeather Paris embedded* neg 50; FallbackIntent embedded* neu 60   -
    s4       detailed  PlanTrip Rome lex pos 70                                          -
    s5       concise   FindFlights Lisbon lex pos 80                                     clicked
    s6       concise   Greeting embedded neu 90                                          clicked**
    (* degraded: a cloud NLU was wanted; ** a click without an inquiry must not convert)

Known answers: 6 active sessions, 9 messages; destinations Lisbon 2 (s1, s5), Paris 2 (s2, s3),
Rome 1; inquiries s1 s2 s4 s5 = 4, converted s1 s5 = 2 → 50 %; latency p50 50, p95 90, p99 90
(nearest rank over 10..90); providers lex 5/9, dialogflow 1/9, embedded 3/9; fallback 1/9;
degraded 2/9; sentiment positive 4/9, neutral 4/9, negative 1/9; per variant: concise 2 of 2
(100 %), detailed 0 of 2 (0 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.store.base import HistoryStore
from runtime.types import FlightLink, Turn
from tests.integration.store_helpers import make_link, make_turn

MINUTE_MS = 60_000

ROWS: list[tuple[str, str, str, str | None, str, str, int, bool]] = [
    ("s1", "concise", "PlanTrip", "Lisbon", "lex", "positive", 10, False),
    ("s1", "concise", "PlanTrip", "Lisbon", "lex", "positive", 20, False),
    ("s1", "concise", "FindFlights", "Lisbon", "lex", "neutral", 30, False),
    ("s2", "detailed", "FindFlights", "Paris", "dialogflow", "neutral", 40, False),
    ("s3", "detailed", "CheckWeather", "Paris", "embedded", "negative", 50, True),
    ("s3", "detailed", "FallbackIntent", None, "embedded", "neutral", 60, True),
    ("s4", "detailed", "PlanTrip", "Rome", "lex", "positive", 70, False),
    ("s5", "concise", "FindFlights", "Lisbon", "lex", "positive", 80, False),
    ("s6", "concise", "Greeting", None, "embedded", "neutral", 90, False),
]
LINKS = [("s1", True), ("s2", False), ("s5", True), ("s6", True)]

EXPECTED: dict[str, Any] = {
    "active_sessions": 6,
    "messages": 9,
    "destinations": [("Lisbon", 2), ("Paris", 2), ("Rome", 1)],
    "inquiry_sessions": 4,
    "converted_sessions": 2,
    "conversion_rate": 0.5,
    "latency_ms": {"p50": 50, "p95": 90, "p99": 90},
    "provider_share": {"lex": 5 / 9, "embedded": 3 / 9, "dialogflow": 1 / 9},
    "fallback_rate": 1 / 9,
    "degraded_rate": 2 / 9,
    "sentiment_mix": {"positive": 4 / 9, "neutral": 4 / 9, "negative": 1 / 9},
    "variants": {"concise": (2, 2, 1.0), "detailed": (2, 0, 0.0)},
}


@dataclass(frozen=True)
class GeneratedDay:
    """What was written: the session ids by name, the turns and the links."""

    sessions: dict[str, str]
    turns: list[Turn]
    links: list[FlightLink]


def write_day(store: HistoryStore, day_start_ms: int, prefix: str = "gen") -> GeneratedDay:
    """Write the day above (and the day-before noise) into ``store``."""
    names = sorted({row[0] for row in ROWS})
    sessions = {name: f"{prefix}_{name}_{day_start_ms}" for name in names}
    turns: list[Turn] = []
    for i, (name, variant, intent, place, provider, mood, latency, degraded) in enumerate(ROWS):
        turn = make_turn(
            sessions[name],
            day_start_ms + (i + 1) * MINUTE_MS,
            intent=intent,
            slots={"destination": place} if place else {},
            nlu_provider=provider,
            sentiment_label=mood,
            latency_ms=latency,
            degraded=degraded,
            variant=variant,
        )
        store.append_turn(turn)
        turns.append(turn)
    links: list[FlightLink] = []
    for i, (name, clicked) in enumerate(LINKS):
        link = make_link(sessions[name], day_start_ms + (20 + i) * MINUTE_MS)
        store.save_link(link)
        if clicked:
            store.record_click(link.link_id, link.created_ms + MINUTE_MS)
        links.append(link)
    # The day before: a clicked link and a busy session that must not leak into the day.
    before = day_start_ms - 10 * MINUTE_MS
    store.append_turn(make_turn(sessions["s2"], before, intent="FindFlights", latency_ms=5000))
    old = make_link(sessions["s2"], before)
    store.save_link(old)
    store.record_click(old.link_id, before + 1000)
    return GeneratedDay(sessions, turns, links)

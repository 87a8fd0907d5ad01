"""Daily analytics: what happened on one UTC day, from the turns and flight links in the store.

Definitions (the tests check each one on a generated day with known answers):

* **active sessions**: distinct sessions with at least one turn that day; **messages**: turns.
* **popular destinations**: for each destination, the sessions that asked about it
  (PlanTrip, CheckWeather or FindFlights with a ``destination`` slot), counted once per
  session; top 10, most asked first, ties by name.
* **conversion rate**: sessions with a FindFlights or PlanTrip turn that opened a flight link
  (``/go/``) created that day ÷ sessions with a FindFlights or PlanTrip turn. A click made
  after the report ran counts when the day is analysed again.
* **response time** p50/p95/p99: nearest-rank percentiles of the turns' ``latency_ms``.
* **provider share** and **sentiment mix**: share of turns per NLU provider / sentiment label;
  **fallback rate**: share of turns whose intent is ``FallbackIntent``.
* **conversion per variant**: the same conversion rate per experiment variant, a session
  belonging to the variant of its first turn of the day.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from runtime.store.base import AnalyticsSource
from runtime.types import FlightLink, Turn

INQUIRY_INTENTS = frozenset({"FindFlights", "PlanTrip"})
DESTINATION_INTENTS = frozenset({"PlanTrip", "CheckWeather", "FindFlights"})
FALLBACK_INTENT = "FallbackIntent"
TOP_DESTINATIONS = 10
PERCENTILES = (50, 95, 99)
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str) -> str:
    """``value`` if it is a real calendar day written ``YYYY-MM-DD``.

    Raises ``ValueError`` with a message fit for a user (CLI, admin page, job event).
    """
    cleaned = value.strip()
    if DATE_RE.fullmatch(cleaned):
        try:
            return dt.date.fromisoformat(cleaned).isoformat()
        except ValueError:
            pass
    raise ValueError(
        f"date must be a calendar day written YYYY-MM-DD (for example 2026-03-01), got {value!r}"
    )


def yesterday(now: dt.datetime) -> str:
    """The UTC day before ``now`` (the daily job's default: the last complete day)."""
    return (now.astimezone(dt.UTC).date() - dt.timedelta(days=1)).isoformat()


def percentile(values: list[int], pct: float) -> int | None:
    """Nearest-rank percentile of ``values`` (``None`` when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _share(counter: Counter[str], total: int) -> dict[str, float]:
    return {key: count / total for key, count in counter.most_common()} if total else {}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class VariantConversion:
    """Conversion of one experiment variant."""

    variant: str
    inquiries: int
    conversions: int
    rate: float | None


@dataclass(frozen=True)
class DailyReport:
    """Every figure of one day (see the module docstring for the definitions)."""

    date: str
    active_sessions: int
    messages: int
    destinations: list[tuple[str, int]]
    inquiry_sessions: int
    converted_sessions: int
    conversion_rate: float | None
    latency_ms: dict[str, int | None]
    provider_share: dict[str, float]
    fallback_rate: float | None
    degraded_rate: float | None
    sentiment_mix: dict[str, float]
    variants: list[VariantConversion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy (``destinations`` as ``[{"destination", "sessions"}]``)."""
        data = asdict(self)
        data["destinations"] = [{"destination": d, "sessions": c} for d, c in self.destinations]
        return data


@dataclass
class _Tally:
    sessions: dict[str, str] = field(default_factory=dict)  # session -> variant (first turn)
    inquiries: set[str] = field(default_factory=set)
    asked: set[tuple[str, str]] = field(default_factory=set)
    latencies: list[int] = field(default_factory=list)
    providers: Counter[str] = field(default_factory=Counter)
    sentiments: Counter[str] = field(default_factory=Counter)
    fallbacks: int = 0
    degraded: int = 0

    def add(self, turn: Turn) -> None:
        self.sessions.setdefault(turn.session_id, turn.variant)
        if turn.intent in INQUIRY_INTENTS:
            self.inquiries.add(turn.session_id)
        destination = turn.slots.get("destination")
        if turn.intent in DESTINATION_INTENTS and isinstance(destination, str) and destination:
            self.asked.add((turn.session_id, destination))
        self.latencies.append(int(turn.latency_ms))
        self.providers[turn.nlu_provider] += 1
        self.sentiments[turn.sentiment_label] += 1
        self.fallbacks += turn.intent == FALLBACK_INTENT
        self.degraded += bool(turn.degraded)


def compute_report(date: str, turns: Iterable[Turn], links: Iterable[FlightLink]) -> DailyReport:
    """Aggregate one day's turns and links (one pass over the turns; memory per session)."""
    tally = _Tally()
    for turn in turns:
        tally.add(turn)
    clicked = {link.session_id for link in links if link.clicked_ms is not None}
    converted = tally.inquiries & clicked
    messages = len(tally.latencies)
    destinations = Counter(destination for _, destination in tally.asked)
    ranked = sorted(destinations.items(), key=lambda item: (-item[1], item[0]))
    return DailyReport(
        date=date,
        active_sessions=len(tally.sessions),
        messages=messages,
        destinations=ranked[:TOP_DESTINATIONS],
        inquiry_sessions=len(tally.inquiries),
        converted_sessions=len(converted),
        conversion_rate=_rate(len(converted), len(tally.inquiries)),
        latency_ms={f"p{p}": percentile(tally.latencies, p) for p in PERCENTILES},
        provider_share=_share(tally.providers, messages),
        fallback_rate=_rate(tally.fallbacks, messages),
        degraded_rate=_rate(tally.degraded, messages),
        sentiment_mix=_share(tally.sentiments, messages),
        variants=_by_variant(tally.sessions, tally.inquiries, converted),
    )


def _by_variant(
    sessions: Mapping[str, str], inquiries: set[str], converted: set[str]
) -> list[VariantConversion]:
    asked: Counter[str] = Counter(sessions[s] for s in inquiries)
    won: Counter[str] = Counter(sessions[s] for s in converted)
    return [
        VariantConversion(name, asked[name], won[name], _rate(won[name], asked[name]))
        for name in sorted(set(sessions.values()))
    ]


def analyse(store: AnalyticsSource, date: str) -> DailyReport:
    """The report of ``date`` (``YYYY-MM-DD``) from the store's analytics queries.

    Raises ``ValueError`` for a malformed date and :class:`runtime.errors.StoreError` when the
    store fails.
    """
    day = parse_date(date)
    return compute_report(day, store.turns_on(day), store.links_on(day))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def _ms(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def format_table(report: DailyReport) -> str:
    """The report as a plain-text table for the terminal."""
    lat = report.latency_ms
    lines = [
        f"Travel Bot analytics for {report.date} (UTC)",
        "",
        f"  {'Daily active sessions':<34}{report.active_sessions:>10}",
        f"  {'Messages':<34}{report.messages:>10}",
        f"  {'Conversion rate':<34}{_pct(report.conversion_rate):>10}"
        f"   ({report.converted_sessions} of {report.inquiry_sessions} sessions"
        " with a flight or trip inquiry opened a flight link)",
        f"  {'Response time p50 / p95 / p99 (ms)':<34}"
        f"{_ms(lat['p50']):>10} / {_ms(lat['p95'])} / {_ms(lat['p99'])}",
        f"  {'Fallback rate':<34}{_pct(report.fallback_rate):>10}",
        f"  {'Degraded (cloud NLU unavailable)':<34}{_pct(report.degraded_rate):>10}",
    ]
    sections: list[tuple[str, list[tuple[str, str, str]]]] = [
        ("NLU provider share", [(k, _pct(v), "") for k, v in report.provider_share.items()]),
        ("Sentiment mix", [(k, _pct(v), "") for k, v in report.sentiment_mix.items()]),
        (
            "Popular destinations (sessions)",
            [(f"{i}. {d}", str(c), "") for i, (d, c) in enumerate(report.destinations, 1)],
        ),
        (
            "Conversion by variant",
            [
                (v.variant or "(none)", _pct(v.rate), f"({v.conversions} of {v.inquiries})")
                for v in report.variants
            ],
        ),
    ]
    for title, rows in sections:
        lines += ["", title]
        lines += [f"  {name:<34}{value:>10}   {note}".rstrip() for name, value, note in rows] or [
            "  (no data)"
        ]
    return "\n".join(lines)

"""Builders shared by the store, spool and analytics tests: turns, links, a settable clock."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from runtime.types import FlightLink, Turn

DAY = "2026-03-01"
DAY_START_MS = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp() * 1000)


@dataclass
class Clock:
    """Epoch seconds that a test sets and advances."""

    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


def day_of(ms: int) -> str:
    """The UTC day of an epoch-ms instant."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()


def make_turn(session_id: str, timestamp_ms: int, **fields: Any) -> Turn:
    """A complete turn at ``timestamp_ms``; any field can be overridden."""
    values: dict[str, Any] = {
        "session_id": session_id,
        "turn_key": f"{timestamp_ms:013d}#{secrets.token_hex(4)}",
        "timestamp_ms": timestamp_ms,
        "date": day_of(timestamp_ms),
        "message": "Plan a trip to Lisbon",
        "reply": "How many days?",
        "intent": "PlanTrip",
        "slots": {"destination": "Lisbon"},
        "dialog_state": "ElicitSlot",
        "nlu_provider": "embedded",
        "nlu_confidence": 0.9,
        "sentiment_label": "neutral",
        "sentiment_score": 0.7,
        "latency_ms": 12,
        "variant": "detailed",
    }
    values.update(fields)
    return Turn(**values)


def make_link(session_id: str, created_ms: int, **fields: Any) -> FlightLink:
    """A flight link created at ``created_ms``."""
    values: dict[str, Any] = {
        "link_id": secrets.token_urlsafe(9),
        "session_id": session_id,
        "url": "https://www.google.com/travel/flights?q=Flights%20from%20LHR%20to%20LIS",
        "created_ms": created_ms,
        "variant": "detailed",
    }
    values.update(fields)
    return FlightLink(**values)


def session_id() -> str:
    """A fresh id matching the contract's pattern."""
    return secrets.token_urlsafe(16)

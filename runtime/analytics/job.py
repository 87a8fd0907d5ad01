"""The daily analytics Lambda (EventBridge schedule): analyse a day and publish its metrics.

Analyses yesterday (UTC, relative to the event's ``time``) unless the event names a day
(``{"date": "YYYY-MM-DD"}`` at the top or under ``detail``), logs the report, publishes it as EMF
metrics (:mod:`runtime.analytics.metrics`) and returns it. It reads the same settings as the
chat function (``TRAVELBOT_STORE``, ``TRAVELBOT_TABLE_NAME``, ...) and builds its store once per
cold start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from runtime.analytics.metrics import publish_metrics
from runtime.analytics.report import analyse, parse_date, yesterday
from runtime.store.base import HistoryStore
from runtime.store.factory import LazyStore

logger = Logger(service="travelbot-jobs")

_store = LazyStore()
_clock: Callable[[], float] | None = None


def configure(store: HistoryStore | None, *, clock: Callable[[], float] | None = None) -> None:
    """Install the store (and clock) the job uses; ``None`` rebuilds from the environment."""
    global _clock
    _store.set(store)
    _clock = clock


def _now() -> dt.datetime:
    seconds = _clock() if _clock is not None else dt.datetime.now(dt.UTC).timestamp()
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def analysis_date(event: Mapping[str, Any], now: dt.datetime) -> str:
    """The day an event asks for: its ``date``, else the day before its ``time`` (or ``now``).

    Raises ``ValueError`` with a clear message for a malformed date or time.
    """
    detail = event.get("detail")
    named = event.get("date") or (detail.get("date") if isinstance(detail, Mapping) else None)
    if named:
        return parse_date(str(named))
    when = event.get("time")
    if when:
        try:
            now = dt.datetime.fromisoformat(str(when).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"event time must be ISO 8601, got {when!r}") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
    return yesterday(now)


@logger.inject_lambda_context
def analytics_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Analyse one day, publish its metrics and return the report (JSON)."""
    now = _now()
    day = analysis_date(event or {}, now)
    report = analyse(_store.get(), day)
    logger.info("daily analytics", extra={"report": report.to_dict()})
    published = publish_metrics(report, now=now)
    return {"date": day, "metricDocuments": published, "report": report.to_dict()}

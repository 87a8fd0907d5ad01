"""Lambda entry points for the background jobs (not the chat API).

``analytics_handler``: the daily EventBridge schedule. Analyses yesterday (UTC, relative to the
event's ``time``) unless the event names a day (``{"date": "YYYY-MM-DD"}`` at the top or under
``detail``), logs the report, publishes it as EMF metrics and returns it.

``replay_handler``: the SQS event source of the spool queue. Each record is one spooled turn,
put into the store exactly once; failed records are returned as ``batchItemFailures`` (the
event source mapping must enable ``ReportBatchItemFailures``) so only they are retried and,
after the queue's ``maxReceiveCount``, land in its dead-letter queue. Malformed messages fail
too: the DLQ keeps them for a human instead of dropping them.

Both read the same settings as the chat function (``TRAVELBOT_STORE``,
``TRAVELBOT_TABLE_NAME``, ...) and build their store once per cold start.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from runtime.analytics import analyse, parse_date, yesterday
from runtime.analytics_metrics import publish_metrics
from runtime.settings import Settings
from runtime.spool import SpooledTurn, replay_one
from runtime.store.base import HistoryStore
from runtime.store.factory import build_store

logger = Logger(service="travelbot-jobs")

_store: HistoryStore | None = None
_lock = threading.Lock()
_clock: Callable[[], float] | None = None


def configure(store: HistoryStore | None, *, clock: Callable[[], float] | None = None) -> None:
    """Install the store (and clock) the jobs use; ``None`` rebuilds from the environment."""
    global _store, _clock
    with _lock:
        _store, _clock = store, clock


def _job_store() -> HistoryStore:
    global _store
    with _lock:
        if _store is None:
            data_dir = os.environ.get("TRAVELBOT_DATA_DIR") or os.path.join(
                tempfile.gettempdir(), "travelbot"
            )
            _store = build_store(Settings.from_env(), data_dir=data_dir)
        return _store


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
    report = analyse(_job_store(), day)
    logger.info("daily analytics", extra={"report": report.to_dict()})
    published = publish_metrics(report, now=now)
    return {"date": day, "metricDocuments": published, "report": report.to_dict()}


def _replay_record(record: SQSRecord) -> None:
    """Store one spooled turn; any exception marks the record as failed."""
    replay_one(SpooledTurn.from_json(record.body), _job_store())


@logger.inject_lambda_context
def replay_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Replay a batch of spool messages; returns ``{"batchItemFailures": [...]}``."""
    # Every record failing is still a partial-batch answer, not an exception: the failed
    # ids are retried either way, and the invocation error would only add noise.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    result = process_partial_response(
        event=event, record_handler=_replay_record, processor=processor, context=context
    )
    return dict(result)

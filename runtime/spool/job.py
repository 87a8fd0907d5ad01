"""The spool-replay Lambda: the SQS event source of the spool queue.

Each record is one spooled turn, put into the store exactly once; failed records are returned
as ``batchItemFailures`` (the event source mapping must enable ``ReportBatchItemFailures``) so
only they are retried and, after the queue's ``maxReceiveCount``, land in its dead-letter queue.
Malformed messages fail too: the DLQ keeps them for a human instead of dropping them.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from runtime.spool.base import SpooledTurn, replay_one
from runtime.store.base import HistoryStore
from runtime.store.factory import LazyStore

logger = Logger(service="travelbot-jobs")

_store = LazyStore()


def configure(store: HistoryStore | None) -> None:
    """Install the store the job uses; ``None`` rebuilds from the environment."""
    _store.set(store)


def _replay_record(record: SQSRecord) -> None:
    """Store one spooled turn; any exception marks the record as failed."""
    replay_one(SpooledTurn.from_json(record.body), _store.get())


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

"""The cloud spool: one SQS message per turn the store could not take (its DLQ keeps poison).

A queue cannot be searched, so :meth:`SqsSpool.session_entries` answers from what this process
sent (the last :data:`REMEMBERED_SESSIONS` sessions). A resend that reaches another Lambda
instance before the replay cannot see the spooled reply; it is the one case where a resent
``clientMessageId`` can still get a newly computed answer (see docs/reliability.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from runtime.aws import aws_retry
from runtime.errors import SpoolError
from runtime.spool.base import SpooledTurn

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

    from runtime.retry import RetryPolicy

REMEMBERED_SESSIONS = 1024


class SqsSpool:
    """Spools to an SQS queue (boto3 ``sqs`` client injected); the queue's DLQ keeps poison."""

    def __init__(self, client: SQSClient, queue_url: str, *, retry: RetryPolicy | None = None):
        self._client = client
        self.queue_url = queue_url
        self._retry = retry or aws_retry()
        self._sent: OrderedDict[str, list[SpooledTurn]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, entry: SpooledTurn) -> None:
        """Send one message (bodies are at most a few KB: a turn is bounded by the contract)."""
        from botocore.exceptions import BotoCoreError, ClientError  # only the SQS spool needs it

        try:
            self._retry.run(
                lambda: self._client.send_message(
                    QueueUrl=self.queue_url,
                    MessageBody=entry.to_json(),
                    MessageAttributes={
                        "sessionId": {"DataType": "String", "StringValue": entry.turn.session_id},
                        "turnKey": {"DataType": "String", "StringValue": entry.turn.turn_key},
                    },
                )
            )
        except (ClientError, BotoCoreError) as exc:
            raise SpoolError(f"SQS SendMessage failed: {exc}") from exc
        with self._lock:
            sent = self._sent.pop(entry.turn.session_id, [])
            self._sent[entry.turn.session_id] = sorted(
                [*sent, entry], key=lambda e: e.turn.turn_key
            )
            while len(self._sent) > REMEMBERED_SESSIONS:
                self._sent.popitem(last=False)

    def session_entries(self, session_id: str) -> list[SpooledTurn]:
        """What this process spooled for ``session_id`` (recent sessions only), oldest first."""
        with self._lock:
            return list(self._sent.get(session_id, ()))

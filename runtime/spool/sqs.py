"""The cloud spool: one SQS message per turn the store could not take (its DLQ keeps poison)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.aws import aws_retry
from runtime.errors import SpoolError
from runtime.spool.base import SpooledTurn

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

    from runtime.retry import RetryPolicy


class SqsSpool:
    """Spools to an SQS queue (boto3 ``sqs`` client injected); the queue's DLQ keeps poison."""

    def __init__(self, client: SQSClient, queue_url: str, *, retry: RetryPolicy | None = None):
        self._client = client
        self.queue_url = queue_url
        self._retry = retry or aws_retry()

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

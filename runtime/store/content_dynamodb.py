"""The content cache in the cloud: items of the history table under their own key prefix.

One item per key, in the same table as the history (no new table to provision, encrypt,
replicate and back up), expired by the table's TTL setting::

    sessionId (PK, S)      sk (SK, S)  other attributes
    ---------------------  ----------  -------------------------------------------
    content#<cache key>    content     data (S: the value as JSON), ttl (N: epoch s)

Session ids never contain ``#``, so the ``content#`` partitions cannot collide with a session,
and an erase (which queries one session's partition) never reaches them. Because TTL deletion
lags, reads also drop an item whose ``ttl`` has passed. Reads are eventually consistent (half
the cost; a stale read only means one more fetch from the source). Throttling and 5xx answers
are retried with the store's bounded jitter; every failure leaves as :class:`StoreError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from runtime.aws import aws_retry, n, number, s, text
from runtime.contract import Table
from runtime.errors import StoreError
from runtime.store.content import check_key, decode, encode

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from runtime.retry import RetryPolicy

T = TypeVar("T")

PREFIX = "content#"
SORT_KEY = "content"


class DynamoDbContentCache:
    """:class:`runtime.store.base.ContentCache` on the history table (thread-safe)."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        clock: Callable[[], float] = time.time,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._client = client
        self.table_name = table_name
        self._clock = clock
        self._retry = retry or aws_retry()

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        try:
            return self._retry.run(operation)
        except (ClientError, BotoCoreError) as exc:
            raise StoreError(f"DynamoDB {what} (content cache) failed: {exc}") from exc

    @staticmethod
    def _key(key: str) -> dict[str, Any]:
        return {Table.PARTITION_KEY: s(PREFIX + key), Table.SORT_KEY: s(SORT_KEY)}

    def get(self, key: str) -> dict[str, Any] | None:
        """The live value under ``key``, or None."""
        check_key(key)
        response = self._call(
            "GetItem",
            lambda: self._client.get_item(TableName=self.table_name, Key=self._key(key)),
        )
        item = response.get("Item")
        if not item:
            return None
        expires = number(item, Table.TTL_ATTRIBUTE)
        if expires is not None and expires <= int(self._clock()):
            return None
        return decode(text(item, "data"))

    def put(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        """Keep ``value`` for ``ttl_s`` seconds, replacing what was there."""
        data = encode(key, value, ttl_s)
        item = {
            **self._key(key),
            "data": s(data),
            Table.TTL_ATTRIBUTE: n(int(self._clock()) + ttl_s),
        }
        self._call("PutItem", lambda: self._client.put_item(TableName=self.table_name, Item=item))

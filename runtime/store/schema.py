"""The history table's schema, and creating it on local DynamoDB-compatible servers.

In the cloud the Pulumi component owns the table; this module only runs when the local server,
the analytics command or the tests point at a local endpoint (dynalite, moto). The definition
below is the one documented in :mod:`runtime.store.dynamodb`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from runtime.aws import error_code
from runtime.contract import Table
from runtime.errors import StoreError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

UNSUPPORTED_CODES = frozenset({"UnknownOperationException", "UnrecognizedClientException"})


def create_table_if_missing(
    client: DynamoDBClient,
    table_name: str,
    *,
    timeout_s: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Create the table (keys, ``AnalyticsIndex``, on-demand billing) unless it exists.

    Waits until the table is ACTIVE, then enables TTL on ``ttl``; a server without the TTL API
    (dynalite) is tolerated. Returns whether the table was created by this call. Raises
    :class:`StoreError` when the server fails or the table does not become active in time.
    """
    created = False
    try:
        if not _exists(client, table_name):
            try:
                client.create_table(
                    TableName=table_name,
                    KeySchema=[
                        {"AttributeName": Table.PARTITION_KEY, "KeyType": "HASH"},
                        {"AttributeName": Table.SORT_KEY, "KeyType": "RANGE"},
                    ],
                    AttributeDefinitions=[
                        {"AttributeName": Table.PARTITION_KEY, "AttributeType": "S"},
                        {"AttributeName": Table.SORT_KEY, "AttributeType": "S"},
                        {"AttributeName": Table.ANALYTICS_PARTITION_KEY, "AttributeType": "S"},
                        {"AttributeName": Table.ANALYTICS_SORT_KEY, "AttributeType": "N"},
                    ],
                    GlobalSecondaryIndexes=[
                        {
                            "IndexName": Table.ANALYTICS_INDEX,
                            "KeySchema": [
                                {"AttributeName": Table.ANALYTICS_PARTITION_KEY, "KeyType": "HASH"},
                                {"AttributeName": Table.ANALYTICS_SORT_KEY, "KeyType": "RANGE"},
                            ],
                            "Projection": {"ProjectionType": "ALL"},
                        }
                    ],
                    BillingMode="PAY_PER_REQUEST",
                )
                created = True
            except ClientError as exc:
                if error_code(exc) != "ResourceInUseException":  # created concurrently
                    raise
        _wait_active(client, table_name, timeout_s, sleep)
        enable_ttl(client, table_name)
    except (ClientError, BotoCoreError) as exc:
        raise StoreError(f"cannot create DynamoDB table {table_name}: {exc}") from exc
    return created


def _exists(client: DynamoDBClient, table_name: str) -> bool:
    try:
        client.describe_table(TableName=table_name)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return True


def _wait_active(
    client: DynamoDBClient, table_name: str, timeout_s: float, sleep: Callable[[float], None]
) -> None:
    # boto3's table_exists waiter polls every 20 s; local servers are ready in milliseconds.
    deadline = time.monotonic() + timeout_s
    while True:
        table = client.describe_table(TableName=table_name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        if table.get("TableStatus") == "ACTIVE" and all(
            index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes
        ):
            return
        if time.monotonic() > deadline:
            raise StoreError(f"DynamoDB table {table_name} did not become active in {timeout_s} s")
        sleep(0.05)


def enable_ttl(client: DynamoDBClient, table_name: str) -> bool:
    """Turn on TTL on ``ttl``; ``False`` when the server has no TTL API (reads filter anyway)."""
    try:
        current = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return True
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": Table.TTL_ATTRIBUTE},
        )
    except ClientError as exc:
        if error_code(exc) in UNSUPPORTED_CODES:
            return False
        raise
    return True

"""Build the store, the rate limiter and the spool that the settings ask for.

``TRAVELBOT_STORE=sqlite`` (the default) gives the local trio: SQLite history, the in-process
token bucket and a spool file, all under the data directory. ``dynamodb`` gives the cloud trio
on ``TRAVELBOT_TABLE_NAME``: DynamoDB history, the shared DynamoDB token bucket, and the SQS
spool when ``TRAVELBOT_SPOOL_QUEUE_URL`` is set. With ``TRAVELBOT_DYNAMODB_ENDPOINT`` (a local
dynalite or moto) the table is created if missing and dummy credentials are used when none are
configured, so a laptop needs no AWS account.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from runtime.errors import ConfigError
from runtime.ratelimit import BucketPolicy, InMemoryRateLimiter, RateLimiter
from runtime.settings import ENV, Settings
from runtime.spool import FileSpool, Spool
from runtime.store.base import HistoryStore
from runtime.store.sqlite import SqliteStore

# The AWS modules are imported where the dynamodb/SQS branches need them: boto3 alone costs
# about 100 ms of a local server's start-up, which the SQLite default never uses.
if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_sqs.client import SQSClient

    from runtime.ratelimit_dynamodb import MetricSink

LOCAL_TABLE = "travelbot-local"
LOCAL_REGION = "us-east-1"
SQLITE_FILE = "history.sqlite3"
SPOOL_FILE = "spool.jsonl"


def _client_config(connect_timeout_s: float, read_timeout_s: float) -> Config:
    from botocore.config import Config

    # One retry loop only: ours (runtime.store.retry), bounded and jittered.
    return Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=50,
    )


def dynamodb_client(
    settings: Settings, *, connect_timeout_s: float = 1.0, read_timeout_s: float = 2.0
) -> DynamoDBClient:
    """A DynamoDB client with short timeouts and botocore retries off (we retry ourselves).

    On a local endpoint, a missing region defaults to us-east-1 and missing credentials to
    dummy keys: a local server checks no signature, and the dummies spare the credential
    chain's network probes.
    """
    import boto3

    endpoint = settings.dynamodb_endpoint or None
    region = key = secret = None
    if endpoint:
        if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
            region = LOCAL_REGION
        if not os.environ.get("AWS_ACCESS_KEY_ID"):
            key = secret = "local"  # noqa: S105 - a dummy for a local server, not a secret
    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=_client_config(connect_timeout_s, read_timeout_s),
    )


def table_name(settings: Settings) -> str:
    """The history table: the configured name, or ``travelbot-local`` on a local endpoint."""
    if settings.table_name:
        return settings.table_name
    if settings.dynamodb_endpoint:
        return LOCAL_TABLE
    raise ConfigError(f"{ENV['table_name']} must be set when {ENV['store']} is 'dynamodb'")


def build_store(
    settings: Settings,
    *,
    data_dir: Path | str,
    client: DynamoDBClient | None = None,
    create_table: bool | None = None,
) -> HistoryStore:
    """The history store the settings ask for.

    ``create_table`` defaults to "yes on a local endpoint". Raises :class:`ConfigError` for
    missing settings and :class:`runtime.errors.StoreError` when the store cannot be opened.
    """
    if settings.store == "sqlite":
        return SqliteStore(Path(data_dir) / SQLITE_FILE, retention_days=settings.retention_days)
    from runtime.store.dynamodb import DynamoDbStore
    from runtime.store.schema import create_table_if_missing

    name = table_name(settings)
    client = client or dynamodb_client(settings)
    if create_table if create_table is not None else bool(settings.dynamodb_endpoint):
        create_table_if_missing(client, name)
    return DynamoDbStore(client, name, retention_days=settings.retention_days)


def build_rate_limiter(
    settings: Settings,
    *,
    client: DynamoDBClient | None = None,
    metrics: MetricSink | None = None,
) -> RateLimiter:
    """The per-IP token bucket: shared in DynamoDB for the ``dynamodb`` store, else in-process."""
    policy = BucketPolicy(settings.rate_per_minute, settings.rate_burst)
    if settings.store != "dynamodb":
        return InMemoryRateLimiter(policy)
    from runtime.ratelimit_dynamodb import DynamoDbRateLimiter

    # The bucket check runs before every request: tighter timeouts than the history writes.
    client = client or dynamodb_client(settings, connect_timeout_s=0.5, read_timeout_s=0.5)
    return DynamoDbRateLimiter(client, table_name(settings), policy, metrics=metrics)


def build_spool(
    settings: Settings, data_dir: Path | str, *, client: SQSClient | None = None
) -> Spool:
    """SQS when ``TRAVELBOT_SPOOL_QUEUE_URL`` is set, else a spool file in ``data_dir``."""
    if settings.spool_queue_url:
        import boto3

        from runtime.spool import SqsSpool

        if client is None:
            client = boto3.session.Session().client("sqs", config=_client_config(1.0, 3.0))
        return SqsSpool(client, settings.spool_queue_url)
    return FileSpool(Path(data_dir) / SPOOL_FILE)

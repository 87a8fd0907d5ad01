"""Build the rate limiter the settings ask for: shared in DynamoDB in the cloud, else in-process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.errors import ConfigError
from runtime.ratelimit.base import BucketPolicy, RateLimiter
from runtime.ratelimit.memory import InMemoryRateLimiter
from runtime.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from runtime.ratelimit.dynamodb import MetricSink


def build_rate_limiter(
    settings: Settings,
    *,
    table_name: str = "",
    client: DynamoDBClient | None = None,
    metrics: MetricSink | None = None,
) -> RateLimiter:
    """The per-IP token bucket: shared in ``table_name`` for the ``dynamodb`` store, else local.

    Raises :class:`ConfigError` for the ``dynamodb`` store without a table name.
    """
    policy = BucketPolicy(settings.rate_per_minute, settings.rate_burst)
    if settings.store != "dynamodb":
        return InMemoryRateLimiter(policy)
    if not table_name:
        raise ConfigError("the shared rate limiter needs the history table's name")
    from runtime.aws import dynamodb_client
    from runtime.ratelimit.dynamodb import DynamoDbRateLimiter

    # The bucket check runs before every request: tighter timeouts than the history writes.
    client = client or dynamodb_client(
        settings.dynamodb_endpoint, connect_timeout_s=0.5, read_timeout_s=0.5
    )
    return DynamoDbRateLimiter(client, table_name, policy, metrics=metrics)

"""What every AWS caller in the runtime shares: clients built one way, errors classified one way.

- :func:`dynamodb_client`, :func:`comprehend_client` and :func:`sqs_client`: short connect/read
  timeouts and botocore's own retries off, so :func:`aws_retry` is the only retry loop (bounded,
  jittered).
- :func:`is_retryable`: throttling, a 5xx and a refused or dropped connection are worth another
  attempt; a read timeout is not (the call was slow once; a second try doubles the wait) and
  neither is a conditional-check failure (it is an answer, not an error).
- DynamoDB attribute helpers (:func:`s`, :func:`n`, :func:`text`, :func:`number`) shared by the
  history store and the rate limiter, which live on the same table.

boto3 and botocore are imported where a client is built, not at import time: the SQLite default
never pays their ~100 ms.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from runtime.retry import RetryPolicy

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_comprehend.client import ComprehendClient
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef
    from mypy_boto3_sqs.client import SQSClient

LOCAL_REGION = "us-east-1"
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "RequestThrottled",
        "TooManyRequestsException",
    }
)
SERVER_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "InternalFailure"})
CONDITION_FAILED = "ConditionalCheckFailedException"


# ------------------------------------------------------------------------------------ errors
def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` (``""`` for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def is_retryable(exc: BaseException) -> bool:
    """Whether another attempt may succeed: throttling, a 5xx, a refused or dropped connection."""
    from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in THROTTLING_CODES or code in SERVER_CODES or status >= 500
    return isinstance(exc, EndpointConnectionError | ConnectionClosedError)


def aws_retry(
    max_attempts: int = 4,
    *,
    base_delay_s: float = 0.025,
    max_delay_s: float = 0.4,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> RetryPolicy:
    """The AWS policy: four attempts and well under a second of back-off by default."""
    return RetryPolicy(
        retryable=is_retryable,
        max_attempts=max_attempts,
        base_delay_s=base_delay_s,
        max_delay_s=max_delay_s,
        sleep=sleep,
        rand=rand,
    )


# ------------------------------------------------------------------------------------ clients
def client_config(connect_timeout_s: float, read_timeout_s: float) -> Config:
    """botocore settings for our clients: explicit timeouts, one attempt, a pool for threads."""
    from botocore.config import Config

    return Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=50,
    )


def _local_endpoint(endpoint: str) -> tuple[str | None, str | None, str | None]:
    """``(endpoint_url, region, access key)`` for ``endpoint``: ``None`` each for AWS itself.

    A local server (dynalite, moto, a wire fake) checks no signature: a missing region defaults
    to us-east-1 and missing credentials to dummy keys, which also spares the credential chain's
    network probes.
    """
    if not endpoint:
        return None, None, None
    region = None
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        region = LOCAL_REGION
    key = None if os.environ.get("AWS_ACCESS_KEY_ID") else "local"
    return endpoint, region, key


def dynamodb_client(
    endpoint: str = "", *, connect_timeout_s: float = 1.0, read_timeout_s: float = 2.0
) -> DynamoDBClient:
    """A DynamoDB client with short timeouts and botocore retries off (we retry ourselves).

    On a local ``endpoint`` (dynalite, moto) no AWS account is needed.
    """
    import boto3

    url, region, key = _local_endpoint(endpoint)
    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=key,  # the dummy of a local server, not a secret
        config=client_config(connect_timeout_s, read_timeout_s),
    )


def comprehend_client(
    endpoint: str = "", *, connect_timeout_s: float = 0.5, read_timeout_s: float = 1.0
) -> ComprehendClient:
    """A Comprehend client whose timeouts are the caller's deadline, botocore retries off."""
    import boto3

    url, region, key = _local_endpoint(endpoint)
    return boto3.session.Session().client(
        "comprehend",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=key,  # the dummy of a local server, not a secret
        config=client_config(connect_timeout_s, read_timeout_s),
    )


def sqs_client() -> SQSClient:
    """An SQS client with short timeouts and botocore retries off."""
    import boto3

    return boto3.session.Session().client("sqs", config=client_config(1.0, 3.0))


# ------------------------------------------------------------------------ DynamoDB attributes
def s(value: str) -> AttributeValueTypeDef:
    """A string attribute value."""
    return {"S": value}


def n(value: int) -> AttributeValueTypeDef:
    """A number attribute value."""
    return {"N": str(value)}


def text(item: Mapping[str, Any], name: str) -> str | None:
    """A string attribute of ``item``, or ``None``."""
    value = item.get(name)
    return str(value["S"]) if value and "S" in value else None


def number(item: Mapping[str, Any], name: str) -> int | None:
    """A whole-number attribute of ``item``, or ``None``."""
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else None

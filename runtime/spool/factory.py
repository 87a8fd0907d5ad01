"""Build the spool the settings ask for: SQS in the cloud, a file beside the local history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runtime.settings import Settings
from runtime.spool.base import Spool
from runtime.spool.file import FileSpool

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

SPOOL_FILE = "spool.jsonl"


def build_spool(
    settings: Settings, data_dir: Path | str | None = None, *, client: SQSClient | None = None
) -> Spool:
    """SQS when ``TRAVELBOT_SPOOL_QUEUE_URL`` is set, else a spool file in the data directory."""
    if settings.spool_queue_url:
        from runtime.aws import sqs_client
        from runtime.spool.sqs import SqsSpool

        return SqsSpool(client or sqs_client(), settings.spool_queue_url)
    directory = Path(data_dir if data_dir is not None else settings.data_dir)
    return FileSpool(directory / SPOOL_FILE)

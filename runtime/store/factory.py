"""Build the history store the settings ask for.

``TRAVELBOT_STORE=sqlite`` (the default) gives SQLite history under the data directory;
``dynamodb`` gives DynamoDB history on ``TRAVELBOT_TABLE_NAME``. With
``TRAVELBOT_DYNAMODB_ENDPOINT`` (a local dynalite or moto) the table is created if missing and
dummy credentials are used when none are configured, so a laptop needs no AWS account. The rate
limiter and the spool that share this table are built by their own factories
(:mod:`runtime.ratelimit.factory`, :mod:`runtime.spool.factory`) and wired in
:mod:`runtime.services`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.contract import ENV
from runtime.errors import ConfigError
from runtime.settings import Settings
from runtime.store.base import ContentCache, HistoryStore
from runtime.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

LOCAL_TABLE = "travelbot-local"
SQLITE_FILE = "history.sqlite3"
CONTENT_FILE = "content.sqlite3"


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
    data_dir: Path | str | None = None,
    client: DynamoDBClient | None = None,
    create_table: bool | None = None,
) -> HistoryStore:
    """The history store the settings ask for (``data_dir`` defaults to ``settings.data_dir``).

    ``create_table`` defaults to "yes on a local endpoint". Raises :class:`ConfigError` for
    missing settings and :class:`runtime.errors.StoreError` when the store cannot be opened.
    """
    if settings.store == "sqlite":
        directory = Path(data_dir if data_dir is not None else settings.data_dir)
        return SqliteStore(directory / SQLITE_FILE, retention_days=settings.retention_days)
    from runtime.aws import dynamodb_client
    from runtime.store.dynamodb import DynamoDbStore
    from runtime.store.schema import create_table_if_missing

    name = table_name(settings)
    client = client or dynamodb_client(settings.dynamodb_endpoint)
    if create_table if create_table is not None else bool(settings.dynamodb_endpoint):
        create_table_if_missing(client, name)
    return DynamoDbStore(client, name, retention_days=settings.retention_days)


def build_content_cache(
    settings: Settings,
    *,
    data_dir: Path | str | None = None,
    client: DynamoDBClient | None = None,
) -> ContentCache:
    """The open-data content cache beside the history: a SQLite file, or the DynamoDB table.

    On DynamoDB the table must exist (the program creates it; :func:`build_store` does on a
    local endpoint). Raises :class:`ConfigError` for missing settings and
    :class:`runtime.errors.StoreError` when the SQLite file cannot be opened.
    """
    if settings.store == "sqlite":
        from runtime.store.content_sqlite import SqliteContentCache

        directory = Path(data_dir if data_dir is not None else settings.data_dir)
        return SqliteContentCache(directory / CONTENT_FILE)
    from runtime.aws import dynamodb_client
    from runtime.store.content_dynamodb import DynamoDbContentCache

    return DynamoDbContentCache(
        client or dynamodb_client(settings.dynamodb_endpoint), table_name(settings)
    )


class LazyStore:
    """A store built from the environment on first use (once per cold start), replaceable.

    The background jobs each hold one; tests install a store of their own with :meth:`set`.
    """

    def __init__(self, build: Callable[[], HistoryStore] | None = None) -> None:
        self._build = build or (lambda: build_store(Settings.from_env()))
        self._store: HistoryStore | None = None
        self._lock = threading.Lock()

    def get(self) -> HistoryStore:
        """The store, built on the first call."""
        with self._lock:
            if self._store is None:
                self._store = self._build()
            return self._store

    def set(self, store: HistoryStore | None) -> None:
        """Use ``store`` from now on (``None``: build from the environment on next use)."""
        with self._lock:
            self._store = store


class LazyContentCache:
    """A :class:`ContentCache` built on first use, so a cold start that needs no open-data
    source never opens a file or builds a DynamoDB client for it."""

    def __init__(self, build: Callable[[], ContentCache]) -> None:
        self._build = build
        self._cache: ContentCache | None = None
        self._lock = threading.Lock()

    def _get(self) -> ContentCache:
        with self._lock:
            if self._cache is None:
                self._cache = self._build()
            return self._cache

    def get(self, key: str) -> dict[str, Any] | None:
        """The live value under ``key``, or None (builds the cache first)."""
        return self._get().get(key)

    def put(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        """Keep ``value`` for ``ttl_s`` seconds (builds the cache first)."""
        self._get().put(key, value, ttl_s)

"""A read-through cache in front of an open-data source, kept in the store (shared by every
Lambda instance) through :class:`runtime.store.base.ContentCache`.

Each entry is fresh for ``fresh_s`` (served without asking the source), then kept until
``stale_s`` so that a failing source still yields its last answer; a "not found" is remembered
for ``missing_s`` so an unknown page or currency is not asked again on every turn. The store is
an optimisation, never a dependency: when it fails, the source is asked directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger

from runtime.errors import NotFoundError, ProviderError, StoreError
from runtime.store.base import ContentCache

logger = Logger(service="travelbot", child=True)


class CachedSource:
    """Wraps loads of one source with a :class:`ContentCache` (None: no caching)."""

    def __init__(
        self, cache: ContentCache | None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._cache = cache
        self._clock = clock

    def fetch(
        self,
        key: str,
        load: Callable[[], dict[str, Any]],
        *,
        fresh_s: int,
        stale_s: int,
        missing_s: int = 3600,
    ) -> dict[str, Any]:
        """The value under ``key``: from the cache while fresh, else from ``load``.

        Raises:
            NotFoundError: ``load`` said so now or within the last ``missing_s``.
            ProviderError: ``load`` failed and no value younger than ``stale_s`` is kept.
        """
        now = self._clock()
        entry = self._read(key)
        age = now - float(entry.get("at", 0)) if entry else None
        if entry is not None and age is not None:
            if entry.get("missing") is True and age < missing_s:
                raise NotFoundError(f"{key} is not known to its source")
            if isinstance(entry.get("v"), dict) and age < fresh_s:
                return dict(entry["v"])
        try:
            value = load()
        except NotFoundError:
            self._write(key, {"at": now, "missing": True}, missing_s)
            raise
        except ProviderError:
            if entry is not None and isinstance(entry.get("v"), dict):
                logger.info("source failed; serving its last answer", extra={"key": key})
                return dict(entry["v"])
            raise
        self._write(key, {"at": now, "v": value}, stale_s)
        return value

    def _read(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        try:
            return self._cache.get(key)
        except StoreError as exc:
            logger.warning("content cache read failed", extra={"error": str(exc)})
            return None

    def _write(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        if self._cache is None:
            return
        try:
            self._cache.put(key, value, max(1, int(ttl_s)))
        except (StoreError, ValueError) as exc:
            logger.warning("content cache write failed", extra={"error": str(exc)})

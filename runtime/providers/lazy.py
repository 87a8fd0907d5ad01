"""A client built on first use, for SDKs too heavy to import on the reply path.

The Google and Azure SDKs take hundreds of milliseconds to import; a provider holding a
:class:`LazyClient` can be created at cold start for free, warmed from a background thread, and
asked whether it is ready, so a reply Lex can give never waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from runtime.errors import ProviderError
from runtime.providers.failures import describe

T = TypeVar("T")


class LazyClient(Generic[T]):
    """Builds its client through ``source`` when first asked (``source`` caches it)."""

    def __init__(self, provider: str, source: Callable[[], T]) -> None:
        self._provider = provider
        self._source = source
        self._ready = threading.Event()

    @property
    def ready(self) -> bool:
        """True once the SDK is imported and a client was built."""
        return self._ready.is_set()

    def get(self) -> T:
        """The client; raises :class:`ProviderError` when it cannot be built (e.g. a bad key)."""
        try:
            client = self._source()
        except ProviderError:
            raise
        except Exception as exc:  # a bad key surfaces as ValueError, TypeError, ...
            raise ProviderError(self._provider, f"client setup failed ({describe(exc)})") from exc
        self._ready.set()
        return client

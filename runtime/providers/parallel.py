"""Run a few independent lookups at once and stop waiting at a deadline.

A plan asks the weather, the exchange rate and the travel guide together; each lookup bounds
its own network time by the same deadline, and the caller never waits past it: whatever has not
finished by then is reported as timed out (its thread ends on its own socket timeout, which the
same deadline bounds, so nothing piles up). One small shared pool serves every turn.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runtime.errors import ProviderError, TravelBotError

POOL_SIZE = 16
POOL_PREFIX = "travelbot-sources"

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=POOL_SIZE, thread_name_prefix=POOL_PREFIX
            )
        return _pool


@dataclass(frozen=True)
class Outcome:
    """What one lookup gave: its value, or the error that stopped it (never both)."""

    value: Any = None
    error: TravelBotError | None = None

    @property
    def ok(self) -> bool:
        """True when the lookup returned a value."""
        return self.error is None


def run_all(
    tasks: Mapping[str, Callable[[], Any]],
    *,
    deadline: float,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Outcome]:
    """Run every task in parallel and return each one's :class:`Outcome` by name.

    Tasks raise :class:`TravelBotError` (``ProviderError``, ``NotFoundError``...) to report a
    failure; a task still running at ``deadline`` (a ``clock()`` instant) becomes a
    ``ProviderError`` of kind ``timeout``. Any other exception is a bug and propagates.
    """
    if not tasks:
        return {}
    pool = _executor()
    futures = {name: pool.submit(task) for name, task in tasks.items()}
    concurrent.futures.wait(futures.values(), timeout=max(0.0, deadline - clock()))
    outcomes: dict[str, Outcome] = {}
    for name, future in futures.items():
        if not future.done():
            future.cancel()  # not started yet: it never will be
            error = ProviderError(name, "no answer within this turn's time", kind="timeout")
            outcomes[name] = Outcome(error=error)
            continue
        try:
            outcomes[name] = Outcome(value=future.result())
        except TravelBotError as exc:
            outcomes[name] = Outcome(error=exc)
    return outcomes

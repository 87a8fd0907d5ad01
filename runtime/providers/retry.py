"""The retry policy of the cloud providers: one more try for a 5xx or a dropped connection.

Built on the shared loop in :mod:`runtime.retry`. Only ``unavailable`` failures are retried by
default, at most once, after a short random pause, and only while at least half of the
provider's time is left. Throttling is never retried: the orchestrator answers from another
provider instead of adding load to one that asked us to slow down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from runtime.errors import ProviderError
from runtime.retry import RetryPolicy

RETRY_KINDS = frozenset({"unavailable"})


def retryable_kinds(kinds: Iterable[str]) -> Callable[[Exception], bool]:
    """A predicate accepting a :class:`ProviderError` whose kind is in ``kinds``."""
    accepted = frozenset(kinds)
    return lambda exc: isinstance(exc, ProviderError) and exc.kind in accepted


def provider_retry(
    max_attempts: int = 2,
    *,
    base_delay_s: float = 0.05,
    max_delay_s: float = 0.25,
    retry_kinds: Iterable[str] = RETRY_KINDS,
) -> RetryPolicy:
    """The default provider policy: ``max_attempts`` tries of ``retry_kinds`` failures."""
    return RetryPolicy(
        retryable=retryable_kinds(retry_kinds),
        max_attempts=max_attempts,
        base_delay_s=base_delay_s,
        max_delay_s=max_delay_s,
    )

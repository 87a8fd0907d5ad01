"""When to hedge Lex with Dialogflow: a delay derived from Lex's observed latency.

A hedged request (Dean & Barroso, "The Tail at Scale") sends the backup only once the primary is
slower than it usually is, so the backup costs little while cutting the tail. The delay here is
a high percentile of Lex's recent successful latencies, scaled by a margin and kept between a
floor (a fast Lex must not make every jitter fire a hedge) and a ceiling (Lex's own timeout).
Until enough samples exist, ``initial_s`` is used.

:class:`ObservedDelay` is that estimator for any latency; the turn's patience
(:mod:`runtime.providers.patience`) is another use of it.
"""

from __future__ import annotations

import math
import threading
from collections import deque


class HedgeDelay:
    """A fixed hedge delay (``DIALOGFLOW_HEDGE_DELAY_MS``)."""

    def __init__(self, delay_s: float) -> None:
        if delay_s < 0:
            raise ValueError("the hedge delay must not be negative")
        self._delay_s = delay_s

    def delay_s(self) -> float:
        """The delay in seconds."""
        return self._delay_s

    def observe(self, latency_s: float) -> None:
        """Ignored: the delay is fixed."""


class ObservedDelay:
    """A delay as ``percentile`` of the last ``window`` observed latencies × ``margin``.

    Kept between ``floor_s`` and ``ceiling_s``; ``initial_s`` (clamped too) until ``min_samples``
    latencies were observed. Thread-safe: workers observe while the caller reads.
    """

    def __init__(
        self,
        *,
        percentile: float = 0.9,
        margin: float = 1.1,
        floor_s: float = 0.1,
        ceiling_s: float = 5.0,
        initial_s: float = 0.4,
        window: int = 100,
        min_samples: int = 5,
    ) -> None:
        if not 0 < percentile <= 1:
            raise ValueError("percentile must be in (0, 1]")
        if not 0 <= floor_s <= ceiling_s:
            raise ValueError("need 0 <= floor_s <= ceiling_s")
        if margin <= 0 or window < 1:
            raise ValueError("margin must be positive and window at least 1")
        self._percentile = percentile
        self._margin = margin
        self._floor_s = floor_s
        self._ceiling_s = ceiling_s
        self._initial_s = initial_s
        self._min_samples = max(1, min_samples)
        self._samples: deque[float] = deque(maxlen=window)
        self._lock = threading.Lock()
        self._cached: float | None = None

    @property
    def samples(self) -> int:
        """How many latencies the window holds."""
        with self._lock:
            return len(self._samples)

    def observe(self, latency_s: float) -> None:
        """Add one latency of a successful answer (failures are not samples)."""
        with self._lock:
            self._samples.append(latency_s)
            self._cached = None

    def delay_s(self) -> float:
        """The current delay in seconds."""
        with self._lock:
            if self._cached is not None:
                return self._cached
            if len(self._samples) < self._min_samples:
                value = self._initial_s
            else:
                value = percentile(list(self._samples), self._percentile) * self._margin
            self._cached = min(self._ceiling_s, max(self._floor_s, value))
            return self._cached


class LatencyHedgeDelay(ObservedDelay):
    """The hedge delay as ``percentile`` of the last ``window`` Lex latencies × ``margin``.

    Lex's successful latencies are the samples; its failures are the breaker's business.
    """


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` in (0, 1]).

    Raises:
        ValueError: if ``values`` is empty.
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]

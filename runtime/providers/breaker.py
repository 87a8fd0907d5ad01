"""A circuit breaker per provider: stop calling one that keeps failing, for a cool-down.

States: *closed* (calls flow; consecutive failures are counted), *open* (calls are skipped
until the cool-down ends), *half-open* (one trial call is let through; its success closes the
breaker, its failure opens it again for another cool-down). Thread-safe; the clock is injected.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import Enum


class BreakerState(Enum):
    """Where a breaker is."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Skips a provider after ``failure_threshold`` consecutive failures, for ``cooldown_s``."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_open: Callable[[str], None] | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown_s <= 0:
            raise ValueError("cooldown_s must be positive")
        self.name = name
        self._threshold = failure_threshold
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._on_open = on_open
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker past its cool-down reads as half-open)."""
        with self._lock:
            if (
                self._state is BreakerState.OPEN
                and self._clock() - self._opened_at >= self._cooldown_s
            ):
                return BreakerState.HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """Whether a call may go ahead now; in half-open, only one trial at a time is allowed.

        A caller that is allowed must report the call's outcome with :meth:`record`, or hand the
        permit back with :meth:`cancel` if it did not make the call after all.
        """
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if (
                self._state is BreakerState.OPEN
                and self._clock() - self._opened_at >= self._cooldown_s
            ):
                self._state = BreakerState.HALF_OPEN
                self._trial_in_flight = False
            if self._state is BreakerState.HALF_OPEN and not self._trial_in_flight:
                self._trial_in_flight = True
                return True
            return False

    def cancel(self) -> None:
        """Give back a permit from :meth:`allow` that was not used."""
        with self._lock:
            self._trial_in_flight = False

    def record(self, success: bool) -> None:
        """Report a call's outcome."""
        opened = False
        with self._lock:
            if success:
                self._state = BreakerState.CLOSED
                self._failures = 0
                self._trial_in_flight = False
                return
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or (
                self._state is BreakerState.CLOSED and self._failures >= self._threshold
            ):
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
                self._trial_in_flight = False
                opened = True
        if opened and self._on_open is not None:
            self._on_open(self.name)

"""Virtual time for the orchestrator: a clock that moves only when the orchestrator waits.

The orchestrator runs its provider calls on real threads; here those calls sleep in *virtual*
seconds (:meth:`VirtualTime.sleep`) and the orchestrator's waiter (:meth:`VirtualTime.wait`) moves
the clock straight to the next thing that happens: a sleeping call waking up, or the waiter's
own timeout. A turn that "waits 1.2 s for the patience" takes microseconds, and every latency the
orchestrator measures (its lanes, breakers, hedge and patience read the same clock) is exact.

Determinism: the clock never moves while a call is between its start and its sleep or between
its wake-up and its end. Before moving, :meth:`VirtualTime.wait` waits (in real time, bounded)
until every call in flight in the watched lanes is asleep in virtual time; a lane counts a call
in flight until its future is done and every report about it has run. Calls must therefore sleep
only through :meth:`sleep` (a provider blocking on anything else stalls the clock: the bounded
wait then fails the test, loudly).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from typing import Any, Protocol

from runtime.errors import ProviderError
from runtime.types import NluContext, NluResult, Sentiment

SETTLE_TIMEOUT_S = 10.0  # real seconds a call may take to reach its sleep or its end


class InFlight(Protocol):
    """What the clock needs of a lane: how many of its calls have not finished."""

    @property
    def in_flight(self) -> int:
        """Calls not finished (reports included)."""
        ...


class VirtualTime:
    """A virtual clock, its sleep (for provider stubs) and its waiter (for the orchestrator)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self._now = start
        self._cond = threading.Condition()
        self._wakes: list[float] = []  # the wake-up times of sleeping calls
        self._stopped = False
        self._lanes: list[InFlight] = []

    def watch(self, lanes: Iterable[InFlight | None]) -> None:
        """The lanes whose calls the clock waits for before it moves."""
        self._lanes = [lane for lane in lanes if lane is not None]

    def now(self) -> float:
        """The virtual time (the orchestrator's ``clock``)."""
        with self._cond:
            return self._now

    def sleep(self, seconds: float) -> bool:
        """Sleep ``seconds`` of virtual time (``math.inf``: until :meth:`stop`).

        Returns False when woken by :meth:`stop` instead.
        """
        with self._cond:
            wake = self._now + seconds
            self._wakes.append(wake)
            try:
                while self._now < wake and not self._stopped:
                    self._cond.wait()
                return not (self._stopped and self._now < wake)
            finally:
                self._wakes.remove(wake)
                self._cond.notify_all()

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward, waking each sleeping call at its own time."""
        self._settle()
        target = self.now() + seconds
        while True:
            with self._cond:
                due = [wake for wake in self._wakes if self._now < wake <= target]
                self._now = min(due) if due else target
                self._cond.notify_all()
            self._settle()
            if not due:
                return

    def wait(self, futures: Sequence[Future[Any]], timeout_s: float) -> None:
        """The orchestrator's waiter: until one of ``futures`` is done or ``timeout_s`` passed."""
        self._settle()
        if any(future.done() for future in futures):
            return
        with self._cond:
            target = self._now + timeout_s
            due = [wake for wake in self._wakes if self._now < wake <= target]
            self._now = min(due) if due else target
            self._cond.notify_all()
        self._settle()

    def stop(self) -> None:
        """Wake every sleeping call for good (teardown)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def _settle(self) -> None:
        """Wait until every call in flight is asleep in virtual time (never due, never running)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            with self._cond:
                asleep = sum(1 for wake in self._wakes if wake > self._now)
            if sum(lane.in_flight for lane in self._lanes) == asleep:
                return
            if time.monotonic() > deadline:
                raise AssertionError("a provider call neither finished nor slept in virtual time")
            time.sleep(0.0005)


# ------------------------------------------------------------------------ providers in virtual time

HANGS = math.inf


class VirtualNlu:
    """A cloud NLU whose calls take ``after_s`` virtual seconds (``HANGS``: until the end).

    ``error`` makes the call fail with that kind once its time is up.
    """

    def __init__(
        self,
        clock: VirtualTime,
        name: str,
        intent: str = "CheckWeather",
        confidence: float = 0.9,
        *,
        after_s: float = HANGS,
        error: str | None = None,
    ) -> None:
        self.clock, self.name = clock, name
        self.intent, self.confidence = intent, confidence
        self.after_s, self.error = after_s, error
        self.ready = True
        self.calls = 0

    def warm(self) -> None:
        """Nothing to load."""

    def _take_time(self) -> None:
        self.calls += 1
        if not self.clock.sleep(self.after_s):
            raise ProviderError(self.name, "still hanging at teardown", kind="timeout")
        if self.error is not None:
            raise ProviderError(self.name, "scripted failure", kind=self.error)

    def recognize(self, text: str, context: NluContext) -> NluResult:
        self._take_time()
        return NluResult(
            intent=self.intent,
            confidence=self.confidence,
            slots={"destination": "Lisbon"},
            provider=self.name,
        )


class VirtualSentiment(VirtualNlu):
    """Azure, with the same controls."""

    def analyze(self, text: str) -> Sentiment:
        self._take_time()
        return Sentiment(label="positive", score=0.8, provider=self.name)


__all__ = ["HANGS", "InFlight", "VirtualNlu", "VirtualSentiment", "VirtualTime"]

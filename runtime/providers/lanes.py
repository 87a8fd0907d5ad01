"""One lane per cloud provider: its circuit breaker, its limit of calls in flight, its timeout,
and the worker that makes a call on the shared pool and reports how it went.

A lane never raises into the orchestrator: a call's failure comes back as an :class:`Outcome`
with the :class:`runtime.errors.ProviderError` kind, and is reported to the breaker, to the
telemetry, (for successes) to ``on_success`` (the hedge estimator for Lex) and to the call's own
``on_outcome`` (the patience's samples). All of that happens in the worker, so a call the turn
stopped waiting for still reports when it ends. Its slot in the lane is given back once the
call's future is done, after every report: :attr:`Lane.in_flight` counts calls not yet finished.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from aws_lambda_powertools import Logger

from runtime.errors import ProviderError
from runtime.providers.breaker import BreakerState, CircuitBreaker
from runtime.providers.observability import REDACTOR, Telemetry
from runtime.types import NluContext, NluResult, Sentiment

logger = Logger(service="travelbot", child=True)

T = TypeVar("T")


class CloudProvider(Protocol):
    """What the orchestrator needs besides the call itself: is the SDK loaded, and load it."""

    @property
    def name(self) -> str:
        """The provider's name in results, metrics and logs."""
        ...

    @property
    def ready(self) -> bool:
        """True when a call will not first import an SDK or build a client."""
        ...

    def warm(self) -> None:
        """Import the SDK and build the client; raises ProviderError when it cannot."""
        ...


class CloudNlu(CloudProvider, Protocol):
    """A cloud NLU provider (Lex, Dialogflow)."""

    def recognize(self, text: str, context: NluContext) -> NluResult:
        """See :class:`runtime.nlu.base.NluProvider`."""
        ...


class CloudSentiment(CloudProvider, Protocol):
    """A cloud sentiment provider (Azure)."""

    def analyze(self, text: str) -> Sentiment:
        """See :class:`runtime.sentiment.base.SentimentProvider`."""
        ...


P = TypeVar("P", bound=CloudProvider)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """How one call ended."""

    value: T | None
    failure: str | None  # a ProviderError kind, None on success
    latency_s: float


@dataclass
class Call(Generic[T]):
    """A call in flight on the pool, with the time the orchestrator waits for it until."""

    lane: Lane[Any]
    future: Future[Outcome[T]]
    deadline: float

    def done(self) -> bool:
        """The call has ended, one way or another."""
        return self.future.done()

    def value(self) -> T | None:
        """The answer, if the call ended successfully."""
        return self.future.result().value if self.future.done() else None

    def failure(self) -> str | None:
        """The failure kind, if the call ended without an answer."""
        return self.future.result().failure if self.future.done() else None

    def failed(self, now: float, final: bool) -> bool:
        """Ended without an answer, or out of time."""
        if self.future.done():
            return self.future.result().value is None
        return final or now >= self.deadline

    def pending(self, now: float, final: bool) -> bool:
        """Still running and still worth waiting for."""
        return not self.future.done() and not final and now < self.deadline


class Lane(Generic[P]):
    """A provider with its breaker, its limit of calls in flight and its timeout."""

    def __init__(
        self,
        provider: P,
        *,
        timeout_s: float,
        max_in_flight: int,
        breaker: CircuitBreaker,
        telemetry: Telemetry,
        clock: Callable[[], float] = time.monotonic,
        on_success: Callable[[float], None] | None = None,
    ) -> None:
        self.provider = provider
        self.name = provider.name
        self.timeout_s = timeout_s
        self.breaker = breaker
        self.warm_error: str | None = None  # kind of the last failed warm-up
        self.max_in_flight = max_in_flight
        self._in_flight = 0
        self._slots_lock = threading.Lock()
        self._telemetry = telemetry
        self._clock = clock
        self._on_success = on_success
        self._warned_unconfigured = False

    @property
    def in_flight(self) -> int:
        """Calls submitted and not finished (reports included); at most ``max_in_flight``."""
        with self._slots_lock:
            return self._in_flight

    def start(
        self,
        executor: Executor,
        call: Callable[[], T],
        now: float,
        overall: float,
        on_outcome: Callable[[Outcome[T]], None] | None = None,
    ) -> Call[T] | None:
        """Submit ``call``, or None when the breaker is open or the lane is full.

        ``on_outcome`` is told how the call ended, in the worker, whether or not anyone still
        waits for it; an exception it raises is logged, never passed on.
        """
        if not self._take_slot():
            return None
        if not self.breaker.allow():
            self._give_slot()
            return None
        try:
            future = executor.submit(self._run, call, on_outcome)
        except RuntimeError:  # the pool is shut down
            self._give_slot()
            self.breaker.cancel()
            return None
        # After the result and every report (also when the pool cancels the call at shutdown).
        future.add_done_callback(lambda _: self._give_slot())
        return Call(self, future, deadline=min(now + self.timeout_s, overall))

    def _take_slot(self) -> bool:
        with self._slots_lock:
            if self._in_flight >= self.max_in_flight:
                return False
            self._in_flight += 1
            return True

    def _give_slot(self) -> None:
        with self._slots_lock:
            self._in_flight -= 1

    def skip_reason(self) -> str:
        """Why :meth:`start` returned None: ``open`` (breaker) or ``saturated`` (lane full)."""
        return "open" if self.breaker.state is not BreakerState.CLOSED else "saturated"

    def warm(self) -> bool:
        """Load the provider's SDK and client; False (and ``warm_error`` set) on failure."""
        try:
            self.provider.warm()
        except Exception as exc:  # warming is best effort; calls report real failures
            self.warm_error = exc.kind if isinstance(exc, ProviderError) else "error"
            error = str(exc) if isinstance(exc, ProviderError) else type(exc).__name__
            logger.info("provider warm-up failed", extra={"provider": self.name, "error": error})
            return False
        self.warm_error = None
        return True

    def _run(
        self, call: Callable[[], T], on_outcome: Callable[[Outcome[T]], None] | None
    ) -> Outcome[T]:
        """In a worker thread: make the call, then report it."""
        started = self._clock()
        value: T | None = None
        failure: str | None = None
        try:
            value = call()
        except ProviderError as exc:
            failure = exc.kind
        except Exception as exc:  # a provider bug must not cost the user the reply
            failure = "error"
            self._log_bug("provider raised unexpectedly", exc)
        latency = self._clock() - started
        self._report(failure, latency)
        outcome = Outcome(value if failure is None else None, failure, latency)
        if on_outcome is not None:
            try:
                on_outcome(outcome)
            except Exception as exc:  # a statistic must not cost the user the reply either
                self._log_bug("outcome callback raised", exc)
        return outcome

    def _log_bug(self, message: str, exc: Exception) -> None:
        logger.error(
            message,
            extra={
                "provider": self.name,
                "error": type(exc).__name__,
                "trace": REDACTOR.scrub(traceback.format_exc(limit=8)),
            },
        )

    def _report(self, failure: str | None, latency_s: float) -> None:
        if failure == "unconfigured":  # a missing key: not the provider's failure
            self.breaker.cancel()
            if not self._warned_unconfigured:
                self._warned_unconfigured = True
                logger.warning("provider not configured; skipped", extra={"provider": self.name})
            return
        # A success after the provider's own timeout counts as a timeout for the breaker.
        kind = "timeout" if failure is None and latency_s > self.timeout_s else failure
        self.breaker.record(kind is None)
        if kind is None and self._on_success is not None:
            self._on_success(latency_s)
        self._telemetry.provider_call(self.name, latency_s * 1000, kind)
        if kind is not None:
            logger.warning(
                "provider call failed",
                extra={"provider": self.name, "kind": kind, "latency_ms": round(latency_s * 1000)},
            )

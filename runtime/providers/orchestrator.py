"""CloudUnderstander: Lex, Dialogflow and Azure in parallel, with deadlines, a hedge, circuit
breakers and the embedded models as the fallback. Implements
:class:`runtime.understanding.Understander`.

One message, step by step:

1. Lex and Azure start at once on a reused thread pool; the embedded NLU runs meanwhile in the
   calling thread (milliseconds), so a fallback is always ready.
2. Dialogflow is a hedge, paid for only when needed: it starts when Lex fails, answers without
   confidence, is skipped (open breaker), or has not answered within the hedge delay (fixed, or
   derived from Lex's recent latency). Without Lex it starts at once.
3. The reply goes as soon as the answer cannot get better: the first confident answer in the
   order Lex > Dialogflow > embedded. A pending Lex blocks Dialogflow's answer until the hedge has
   fired; after that, whichever cloud is confident first wins.
4. Deadlines: each provider has its own (Lex 5 s, Dialogflow 5 s from its start, Azure 3 s) and
   all are capped by the turn's budget (the Lambda's remaining time minus what the history write
   needs, passed in as ``budget_s``) and by ``overall_timeout_s``. Waiting stops there; threads
   are never killed, they end with their SDK's own read timeout.
5. Nothing confident: the embedded answer if it found an intent, else the best cloud answer
   (as ``FallbackIntent``), else the embedded one. Sentiment: Azure's if it answered in time,
   else the embedded lexicon's, awaited until Azure's deadline.
6. ``degraded`` is set when a cloud provider failed (error, timeout, open breaker, saturated)
   and a fallback took its place.

Cold start: SDK imports are CPU-bound and hold the GIL, so a provider whose SDK is not loaded yet
slows every other thread. Azure is therefore not called until it is warm: a background warm-up
(``warm_up_delay_s`` after a turn, retried after ``warm_retry_s`` if it failed) loads it, and
meanwhile the embedded lexicon labels the sentiment (not degraded; degraded if the warm-up
failed). Dialogflow is warmed the same way; a hedge that needs it calls it cold rather than not
at all, but a merely slow Lex is hedged with a cold Dialogflow only after
``cold_hedge_delay_s``. With ``warm_up_delay_s=None`` nothing warms in the background and cold
providers are called on the reply path.

Threads cannot pile up: each provider has at most ``max_in_flight`` calls running (a hung one
holds its slot until its SDK times out; beyond that the provider is skipped), the pool is sized
to that sum, and the breakers stop calling a provider that keeps failing.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from aws_lambda_powertools import Logger

from runtime.errors import ProviderError
from runtime.nlu.base import NluProvider
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.failures import describe
from runtime.providers.hedge import HedgeDelay, LatencyHedgeDelay
from runtime.providers.observability import (
    REDACTOR,
    InMemoryTelemetry,
    Telemetry,
    excerpt,
    session_ref,
)
from runtime.sentiment.base import SentimentProvider
from runtime.types import NluContext, NluResult, Sentiment, Understanding

logger = Logger(service="travelbot", child=True)

FALLBACK_INTENT = "FallbackIntent"
EMBEDDED = "embedded"
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


@dataclass(frozen=True, kw_only=True)
class OrchestratorConfig:
    """Thresholds and time limits (seconds); the defaults are the production ones."""

    confidence_threshold: float = 0.6
    lex_timeout_s: float = 5.0
    dialogflow_timeout_s: float = 5.0
    azure_timeout_s: float = 3.0
    overall_timeout_s: float | None = None  # None: the largest provider timeout
    hedge_delay_s: float | None = None  # None: derived from Lex's observed latency
    hedge_floor_s: float = 0.1
    cold_hedge_delay_s: float = 1.0  # the least hedge delay while Dialogflow's SDK is not loaded
    max_in_flight: int = 8
    breaker_failures: int = 5
    breaker_cooldown_s: float = 30.0
    warm_up_delay_s: float | None = 0.5  # None: no background warm-up
    warm_retry_s: float = 30.0

    @property
    def overall_s(self) -> float:
        """The longest any turn waits for the clouds."""
        if self.overall_timeout_s is not None:
            return self.overall_timeout_s
        return max(self.lex_timeout_s, self.dialogflow_timeout_s, self.azure_timeout_s)


P = TypeVar("P", bound=CloudProvider)


@dataclass
class _Lane(Generic[P]):
    """One provider's breaker, concurrency limit and timeout."""

    name: str
    provider: P
    timeout_s: float
    breaker: CircuitBreaker
    slots: threading.BoundedSemaphore
    warned_unconfigured: bool = False
    warm_error: str | None = None  # kind of the last failed warm-up


@dataclass(frozen=True)
class _Outcome(Generic[T]):
    value: T | None
    failure: str | None  # a ProviderError kind, None on success
    latency_s: float


@dataclass
class _Call(Generic[T]):
    lane: _Lane[Any]
    future: Future[_Outcome[T]]
    deadline: float

    def done(self) -> bool:
        return self.future.done()

    def value(self) -> T | None:
        """The answer, if the call finished successfully."""
        return self.future.result().value if self.future.done() else None

    def failed(self, now: float, final: bool) -> bool:
        """Finished without an answer, or out of time."""
        if self.future.done():
            return self.future.result().value is None
        return final or now >= self.deadline

    def pending(self, now: float, final: bool) -> bool:
        return not self.future.done() and not final and now < self.deadline


@dataclass
class _Turn:
    text: str
    context: NluContext
    started: float
    overall: float
    hedge_at: float
    embedded: NluResult
    lex: _Call[NluResult] | None = None
    dialogflow: _Call[NluResult] | None = None
    dialogflow_started: bool = False
    azure: _Call[Sentiment] | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # lane -> "open" | "saturated"

    def nlu_calls(self) -> list[_Call[NluResult]]:
        return [c for c in (self.lex, self.dialogflow) if c is not None]

    def pending_futures(self, now: float) -> list[Future[Any]]:
        calls: list[_Call[Any]] = [*self.nlu_calls(), *([self.azure] if self.azure else [])]
        return [c.future for c in calls if c.pending(now, final=False)]


class CloudUnderstander:
    """:class:`runtime.understanding.Understander` over the cloud providers that are enabled."""

    def __init__(
        self,
        *,
        embedded_nlu: NluProvider,
        embedded_sentiment: SentimentProvider,
        lex: CloudNlu | None = None,
        dialogflow: CloudNlu | None = None,
        sentiment: CloudSentiment | None = None,
        config: OrchestratorConfig | None = None,
        telemetry: Telemetry | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Providers left None are not configured (the embedded models stand in for them)."""
        self.config = config or OrchestratorConfig()
        self.telemetry: Telemetry = telemetry or InMemoryTelemetry()
        self._embedded_nlu = embedded_nlu
        self._embedded_sentiment = embedded_sentiment
        self._clock = clock
        cfg = self.config
        self._lex = self._lane(lex, cfg.lex_timeout_s)
        self._dialogflow = self._lane(dialogflow, cfg.dialogflow_timeout_s)
        self._azure = self._lane(sentiment, cfg.azure_timeout_s)
        self.hedge: HedgeDelay | LatencyHedgeDelay = (
            HedgeDelay(cfg.hedge_delay_s)
            if cfg.hedge_delay_s is not None
            else LatencyHedgeDelay(floor_s=cfg.hedge_floor_s, ceiling_s=cfg.lex_timeout_s)
        )
        lanes = sum(lane is not None for lane in self.lanes)
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, lanes * cfg.max_in_flight + 1),
            thread_name_prefix="travelbot-cloud",
        )
        self._closing = threading.Event()
        self._warm_lock = threading.Lock()
        self._warming = False
        self._warm_retry_at = 0.0

    # ------------------------------------------------------------------------------ public

    @property
    def lanes(self) -> tuple[_Lane[CloudNlu] | None, _Lane[CloudNlu] | None, _Lane[Any] | None]:
        """Lex, Dialogflow and Azure lanes (None when not configured)."""
        return (self._lex, self._dialogflow, self._azure)

    def breaker(self, name: str) -> CircuitBreaker:
        """The breaker of provider ``name`` (``lex``, ``dialogflow``, ``azure``).

        Raises:
            KeyError: if that provider is not configured.
        """
        for lane in self.lanes:
            if lane is not None and lane.name == name:
                return lane.breaker
        raise KeyError(name)

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        """Understand ``text`` within ``budget_s`` seconds; never raises for provider faults."""
        now = self._clock()
        overall = now + max(0.0, min(budget_s, self.config.overall_s))
        lex_call = self._start(self._lex, self._nlu_call(self._lex, text, context), now, overall)
        azure_call = None
        if self._azure is not None and (
            self._azure.provider.ready or self.config.warm_up_delay_s is None
        ):
            azure_call = self._start(self._azure, self._sentiment_call(text), now, overall)
        turn = _Turn(
            text=text,
            context=context,
            started=now,
            overall=overall,
            hedge_at=now + self.hedge.delay_s() if lex_call else now,
            embedded=self._embedded_nlu.recognize(text, context),
            lex=lex_call,
            azure=azure_call,
        )
        self._note_skips(turn)
        while True:
            now = self._clock()
            self._maybe_hedge(turn, now)
            decided = self._decide(turn, now, final=False)
            if decided is not None and self._sentiment_settled(turn, now):
                break
            if now >= turn.overall:
                break
            wake = self._next_event(turn, now)
            pending = turn.pending_futures(now)
            if pending:
                wait(pending, timeout=max(0.0, wake - now), return_when=FIRST_COMPLETED)
            elif wake > now:
                time.sleep(min(wake - now, 0.05))
        result = self._finish(turn)
        if any(lane is not None and not lane.provider.ready for lane in self.lanes):
            self._request_warm_up()
        return result

    def warm_up(self) -> bool:
        """Load every provider's SDK and client now, in this thread; True if all are ready.

        Failures are logged and remembered (an Azure that cannot warm up makes turns degraded).
        """
        ready = True
        for lane in self.lanes:
            if lane is None or lane.provider.ready:
                continue
            try:
                lane.provider.warm()
                lane.warm_error = None
            except Exception as exc:  # warming is best effort; calls report real failures
                ready = False
                lane.warm_error = exc.kind if isinstance(exc, ProviderError) else "error"
                error = str(exc) if isinstance(exc, ProviderError) else describe(exc)
                logger.info(
                    "provider warm-up failed", extra={"provider": lane.name, "error": error}
                )
        return ready

    def close(self) -> None:
        """Stop the background warm-up and let the pool's threads end (does not wait)."""
        self._closing.set()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------------------ lanes

    def _lane(self, provider: P | None, timeout_s: float) -> _Lane[P] | None:
        if provider is None:
            return None
        name = provider.name
        breaker = CircuitBreaker(
            name,
            failure_threshold=self.config.breaker_failures,
            cooldown_s=self.config.breaker_cooldown_s,
            clock=self._clock,
            on_open=self._opened,
        )
        slots = threading.BoundedSemaphore(self.config.max_in_flight)
        return _Lane(name, provider, timeout_s, breaker, slots)

    def _opened(self, name: str) -> None:
        self.telemetry.circuit_opened(name)
        logger.warning("circuit opened", extra={"provider": name})

    @staticmethod
    def _nlu_call(
        lane: _Lane[CloudNlu] | None, text: str, context: NluContext
    ) -> Callable[[], NluResult] | None:
        if lane is None:
            return None
        provider = lane.provider
        return lambda: provider.recognize(text, context)

    def _sentiment_call(self, text: str) -> Callable[[], Sentiment] | None:
        if self._azure is None:
            return None
        provider = self._azure.provider
        return lambda: provider.analyze(text)

    def _start(
        self, lane: _Lane[Any] | None, call: Callable[[], T] | None, now: float, overall: float
    ) -> _Call[T] | None:
        if lane is None or call is None:
            return None
        if not lane.slots.acquire(blocking=False):
            return None
        if not lane.breaker.allow():
            lane.slots.release()
            return None
        try:
            future = self._executor.submit(self._run, lane, call)
        except RuntimeError:  # the pool is shut down
            lane.slots.release()
            lane.breaker.cancel()
            return None
        return _Call(lane, future, deadline=min(now + lane.timeout_s, overall))

    def _run(self, lane: _Lane[Any], call: Callable[[], T]) -> _Outcome[T]:
        """In a worker thread: make the call, then report it to breaker, hedge and telemetry."""
        started = self._clock()
        value: T | None = None
        failure: str | None = None
        try:
            value = call()
        except ProviderError as exc:
            failure = exc.kind
        except Exception as exc:  # a provider bug must not cost the user the reply
            failure = "error"
            logger.error(
                "provider raised unexpectedly",
                extra={
                    "provider": lane.name,
                    "error": type(exc).__name__,
                    "trace": REDACTOR.scrub(traceback.format_exc(limit=8)),
                },
            )
        finally:
            lane.slots.release()
        latency = self._clock() - started
        self._report(lane, failure, latency)
        return _Outcome(value if failure is None else None, failure, latency)

    def _report(self, lane: _Lane[Any], failure: str | None, latency_s: float) -> None:
        if failure == "unconfigured":
            lane.breaker.cancel()
            if not lane.warned_unconfigured:
                lane.warned_unconfigured = True
                logger.warning("provider not configured; skipped", extra={"provider": lane.name})
            return
        late = failure is None and latency_s > lane.timeout_s
        kind = "timeout" if late else failure
        lane.breaker.record(kind is None)
        if kind is None and lane is self._lex:
            self.hedge.observe(latency_s)
        self.telemetry.provider_call(lane.name, latency_s * 1000, kind)
        if kind is not None:
            logger.warning(
                "provider call failed",
                extra={"provider": lane.name, "kind": kind, "latency_ms": round(latency_s * 1000)},
            )

    # ------------------------------------------------------------------------------ decisions

    def _confident(self, result: NluResult | None) -> bool:
        return (
            result is not None
            and result.intent != FALLBACK_INTENT
            and result.confidence >= self.config.confidence_threshold
        )

    def _maybe_hedge(self, turn: _Turn, now: float) -> None:
        if self._dialogflow is None or turn.dialogflow_started:
            return
        lex = turn.lex
        if lex is not None and lex.done() and self._confident(lex.value()):
            return
        if lex is not None and lex.pending(now, final=False) and now < self._hedge_at(turn):
            return
        turn.dialogflow_started = True
        call = self._nlu_call(self._dialogflow, turn.text, turn.context)
        turn.dialogflow = self._start(self._dialogflow, call, now, turn.overall)
        if turn.dialogflow is None:
            turn.skipped[self._dialogflow.name] = self._skip_reason(self._dialogflow)
        elif self._lex is not None:
            self.telemetry.hedge_fired()

    def _hedge_at(self, turn: _Turn) -> float:
        """When a slow Lex gets hedged; later while Dialogflow's SDK still has to load, since
        importing it would hold the GIL and slow Lex down."""
        if self._dialogflow is not None and not self._dialogflow.provider.ready:
            return max(turn.hedge_at, turn.started + self.config.cold_hedge_delay_s)
        return turn.hedge_at

    def _decide(self, turn: _Turn, now: float, final: bool) -> NluResult | None:
        """The answer to give, or None while a better one may still come."""
        for call in turn.nlu_calls():
            value = call.value()
            if self._confident(value):
                return value
            overdue = call is turn.lex and turn.dialogflow is not None
            if call.pending(now, final) and not overdue:
                return None
        if any(call.pending(now, final) for call in turn.nlu_calls()):
            return None
        if turn.embedded.intent != FALLBACK_INTENT:
            return turn.embedded
        for call in turn.nlu_calls():
            value = call.value()
            if value is not None:
                return NluResult(
                    intent=FALLBACK_INTENT,
                    confidence=value.confidence
                    if value.intent == FALLBACK_INTENT
                    else round(1 - value.confidence, 4),
                    slots={},
                    provider=value.provider,
                )
        return turn.embedded

    def _sentiment_settled(self, turn: _Turn, now: float) -> bool:
        call = turn.azure
        return call is None or call.done() or now >= call.deadline

    def _next_event(self, turn: _Turn, now: float) -> float:
        events = [turn.overall]
        events += [c.deadline for c in turn.nlu_calls() if c.pending(now, final=False)]
        if turn.azure is not None and turn.azure.pending(now, final=False):
            events.append(turn.azure.deadline)
        if self._dialogflow is not None and not turn.dialogflow_started:
            events.append(self._hedge_at(turn))
        return min(events)

    # ------------------------------------------------------------------------------ result

    def _finish(self, turn: _Turn) -> Understanding:
        now = self._clock()
        nlu = self._decide(turn, now, final=True)
        assert nlu is not None  # final decisions always answer
        sentiment = turn.azure.value() if turn.azure is not None else None
        if sentiment is None:
            sentiment = self._embedded_sentiment.analyze(turn.text)
        failures = self._failures(turn, now)
        cloud_nlu = self._lex is not None or self._dialogflow is not None
        confident_cloud = nlu.provider != EMBEDDED and self._confident(nlu)
        nlu_degraded = not confident_cloud and any(
            name in failures for name in ("lex", "dialogflow")
        )
        sentiment_degraded = sentiment.provider == EMBEDDED and "azure" in failures
        degraded = nlu_degraded or sentiment_degraded
        elapsed_ms = (now - turn.started) * 1000
        self.telemetry.provider_answered(nlu.provider)
        self.telemetry.sentiment_answered(sentiment.provider)
        self.telemetry.understood(
            fallback=cloud_nlu and nlu.provider == EMBEDDED,
            degraded=degraded,
            elapsed_ms=elapsed_ms,
        )
        logger.info(
            "message understood",
            extra={
                "session": session_ref(turn.context.session_id),
                "excerpt": excerpt(turn.text),
                "nlu_provider": nlu.provider,
                "intent": nlu.intent,
                "confidence": nlu.confidence,
                "sentiment_provider": sentiment.provider,
                "degraded": degraded,
                "failures": failures,
                "elapsed_ms": round(elapsed_ms),
            },
        )
        return Understanding(nlu=nlu, sentiment=sentiment, degraded=degraded)

    def _failures(self, turn: _Turn, now: float) -> dict[str, str]:
        failures = dict(turn.skipped)
        calls: list[_Call[Any]] = [*turn.nlu_calls(), *([turn.azure] if turn.azure else [])]
        for call in calls:
            if call.done():
                outcome = call.future.result()
                if outcome.failure is not None and outcome.failure != "unconfigured":
                    failures[call.lane.name] = outcome.failure
            elif call.failed(now, final=True):
                failures[call.lane.name] = "deadline"
        return failures

    def _note_skips(self, turn: _Turn) -> None:
        lex, azure = self._lex, self._azure
        if lex is not None and turn.lex is None:
            turn.skipped[lex.name] = self._skip_reason(lex)
        if azure is not None and turn.azure is None:
            if azure.provider.ready or self.config.warm_up_delay_s is None:
                turn.skipped[azure.name] = self._skip_reason(azure)
            elif azure.warm_error not in (None, "unconfigured"):
                turn.skipped[azure.name] = f"warm-up {azure.warm_error}"

    @staticmethod
    def _skip_reason(lane: _Lane[Any]) -> str:
        return "open" if lane.breaker.state.value != "closed" else "saturated"

    # ------------------------------------------------------------------------------ warm-up

    def _request_warm_up(self) -> None:
        """Warm cold providers in the background, once at a time, backing off after failures."""
        delay = self.config.warm_up_delay_s
        if delay is None:
            return
        with self._warm_lock:
            if self._warming or self._clock() < self._warm_retry_at:
                return
            self._warming = True

        def warm_later() -> None:
            ready = False
            try:
                ready = self._closing.wait(delay) or self.warm_up()
            finally:
                with self._warm_lock:
                    self._warming = False
                    if not ready:
                        self._warm_retry_at = self._clock() + self.config.warm_retry_s

        try:
            self._executor.submit(warm_later)
        except RuntimeError:  # the pool is shutting down
            with self._warm_lock:
                self._warming = False

"""CloudUnderstander: Lex, Dialogflow and Azure in parallel, with deadlines, a hedge, circuit
breakers and the embedded models as the fallback. Implements
:class:`runtime.understanding.Understander`.

One message, step by step:

1. Lex and Azure start at once on a reused thread pool. The embedded NLU runs only if no cloud
   is confident (in the calling thread, milliseconds once loaded: its first call loads a large
   place list, which a cold start answered by Lex need not pay).
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
failed). Dialogflow and the embedded NLU are warmed the same way; a hedge that needs
Dialogflow calls it cold rather than not at all, but a merely slow Lex is hedged with a cold
Dialogflow only after ``cold_hedge_delay_s``. With ``warm_up_delay_s=None`` nothing warms in
the background and cold providers are called on the reply path.

Threads cannot pile up: each provider has at most ``max_in_flight`` calls running (a hung one
holds its slot until its SDK times out; beyond that the provider is skipped), the pool is sized
to that sum, and the breakers stop calling a provider that keeps failing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from runtime.nlu.base import NluProvider
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.hedge import HedgeDelay, LatencyHedgeDelay
from runtime.providers.lanes import Call, CloudNlu, CloudProvider, CloudSentiment, Lane, P
from runtime.providers.observability import InMemoryTelemetry, Telemetry, session_ref
from runtime.sentiment.base import SentimentProvider
from runtime.types import NluContext, NluResult, Understanding

logger = Logger(service="travelbot", child=True)

FALLBACK_INTENT = "FallbackIntent"
EMBEDDED = "embedded"
WARM_UP_TEXT = "What is the weather like in Lisbon?"

__all__ = ["CloudNlu", "CloudProvider", "CloudSentiment", "CloudUnderstander", "OrchestratorConfig"]


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


@dataclass
class _Turn:
    """One message's calls and what is known so far."""

    text: str
    context: NluContext
    started: float
    overall: float
    hedge_at: float
    embedded_nlu: NluProvider
    lex: Call[NluResult] | None = None
    dialogflow: Call[NluResult] | None = None
    dialogflow_started: bool = False
    azure: Call[Any] | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # lane -> why it was not called
    _embedded: NluResult | None = None

    def embedded(self) -> NluResult:
        """The embedded NLU's reading, computed on first need."""
        if self._embedded is None:
            self._embedded = self.embedded_nlu.recognize(self.text, self.context)
        return self._embedded

    def nlu_calls(self) -> list[Call[NluResult]]:
        return [c for c in (self.lex, self.dialogflow) if c is not None]

    def calls(self) -> list[Call[Any]]:
        return [*self.nlu_calls(), *([self.azure] if self.azure else [])]

    def pending_futures(self, now: float) -> list[Future[Any]]:
        return [c.future for c in self.calls() if c.pending(now, final=False)]


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
        self.hedge: HedgeDelay | LatencyHedgeDelay = (
            HedgeDelay(cfg.hedge_delay_s)
            if cfg.hedge_delay_s is not None
            else LatencyHedgeDelay(floor_s=cfg.hedge_floor_s, ceiling_s=cfg.lex_timeout_s)
        )
        self._lex = self._lane(lex, cfg.lex_timeout_s, self.hedge.observe)
        self._dialogflow = self._lane(dialogflow, cfg.dialogflow_timeout_s)
        self._azure = self._lane(sentiment, cfg.azure_timeout_s)
        lanes = sum(lane is not None for lane in self.lanes)
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, lanes * cfg.max_in_flight + 1),
            thread_name_prefix="travelbot-cloud",
        )
        self._closing = threading.Event()
        self._embedded_warm = threading.Event()
        self._warm_lock = threading.Lock()
        self._warming = False
        self._warm_retry_at = 0.0

    # ------------------------------------------------------------------------------ public

    @property
    def lanes(self) -> tuple[Lane[CloudNlu] | None, Lane[CloudNlu] | None, Lane[Any] | None]:
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
        lex_call = self._start_nlu(self._lex, text, context, now, overall)
        azure_call = None
        azure = self._azure
        if azure is not None and (azure.provider.ready or self.config.warm_up_delay_s is None):
            provider = azure.provider
            azure_call = azure.start(self._executor, lambda: provider.analyze(text), now, overall)
        turn = _Turn(
            text=text,
            context=context,
            started=now,
            overall=overall,
            hedge_at=now + self.hedge.delay_s() if lex_call else now,
            embedded_nlu=self._embedded_nlu,
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
        if not self._embedded_warm.is_set() or any(
            lane is not None and not lane.provider.ready for lane in self.lanes
        ):
            self._request_warm_up()
        return result

    def warm_up(self) -> bool:
        """Load every provider's SDK and client now, in this thread; True if all are ready.

        Failures are logged and remembered (an Azure that cannot warm up makes turns degraded).
        The embedded NLU is warmed too: its first reading loads a large place list, which a
        fallback under failure should not have to wait for.
        """
        results = [lane.warm() for lane in self.lanes if lane and not lane.provider.ready]
        if not self._embedded_warm.is_set():
            try:
                self._embedded_nlu.recognize(WARM_UP_TEXT, NluContext(session_id="warm-up"))
            except Exception as exc:  # best effort: the real call will report a real bug
                logger.info("embedded NLU warm-up failed", extra={"error": type(exc).__name__})
            self._embedded_warm.set()
        return all(results)

    def close(self) -> None:
        """Stop the background warm-up and let the pool's threads end (does not wait)."""
        self._closing.set()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------------------ lanes

    def _lane(
        self,
        provider: P | None,
        timeout_s: float,
        on_success: Callable[[float], None] | None = None,
    ) -> Lane[P] | None:
        if provider is None:
            return None
        breaker = CircuitBreaker(
            provider.name,
            failure_threshold=self.config.breaker_failures,
            cooldown_s=self.config.breaker_cooldown_s,
            clock=self._clock,
            on_open=self._opened,
        )
        return Lane(
            provider,
            timeout_s=timeout_s,
            max_in_flight=self.config.max_in_flight,
            breaker=breaker,
            telemetry=self.telemetry,
            clock=self._clock,
            on_success=on_success,
        )

    def _opened(self, name: str) -> None:
        self.telemetry.circuit_opened(name)
        logger.warning("circuit opened", extra={"provider": name})

    def _start_nlu(
        self,
        lane: Lane[CloudNlu] | None,
        text: str,
        context: NluContext,
        now: float,
        overall: float,
    ) -> Call[NluResult] | None:
        if lane is None:
            return None
        provider = lane.provider
        return lane.start(self._executor, lambda: provider.recognize(text, context), now, overall)

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
        turn.dialogflow = self._start_nlu(
            self._dialogflow, turn.text, turn.context, now, turn.overall
        )
        if turn.dialogflow is None:
            turn.skipped[self._dialogflow.name] = self._dialogflow.skip_reason()
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
        embedded = turn.embedded()
        if embedded.intent != FALLBACK_INTENT:
            return embedded
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
        return embedded

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
                "session": session_ref(turn.context.session_id),  # no message text: see chat turn
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
        """Provider -> why it did not help: a failure kind, ``deadline``, or why it was skipped."""
        failures = dict(turn.skipped)
        for call in turn.calls():
            failure = call.failure() if call.done() else "deadline"
            if failure is not None and failure != "unconfigured":
                failures[call.lane.name] = failure
        return failures

    def _note_skips(self, turn: _Turn) -> None:
        lex, azure = self._lex, self._azure
        if lex is not None and turn.lex is None:
            turn.skipped[lex.name] = lex.skip_reason()
        if azure is not None and turn.azure is None:
            if azure.provider.ready or self.config.warm_up_delay_s is None:
                turn.skipped[azure.name] = azure.skip_reason()
            elif azure.warm_error not in (None, "unconfigured"):
                turn.skipped[azure.name] = f"warm-up {azure.warm_error}"

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

"""CloudUnderstander: Lex, Dialogflow and Azure in parallel, with deadlines, a hedge, a patience,
circuit breakers and the embedded models as the fallback. Implements
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
   fired; after that, whichever cloud is confident first wins (the rules are in
   :mod:`runtime.providers.turn`).
4. The patience (:mod:`runtime.providers.patience`): once the turn has waited as long as the clouds
   lately needed for a confident answer (a high percentile, between a floor and a ceiling), a
   confident embedded reading answers and the turn is degraded; an unsure one waits on. Sentiment
   likewise: after Azure's patience, the embedded lexicon.
5. Deadlines: each provider has its own (Lex 5 s, Dialogflow 5 s from its start, Azure 3 s) and
   all are capped by the turn's budget (the Lambda's remaining time minus what the history write
   needs, passed in as ``budget_s``) and by ``overall_timeout_s``. Waiting stops there; threads
   are never killed, they end with their SDK's own read timeout, and a call the turn stopped
   waiting for still reports to its breaker, the hedge and the patience when it ends.
6. Nothing confident: the embedded answer if it found an intent, else the best cloud answer
   (as ``FallbackIntent``), else the embedded one. Sentiment: Azure's if it answered in time,
   else the embedded lexicon's.
7. ``degraded`` is set when a cloud provider failed (error, timeout, patience, open breaker,
   saturated) and a fallback took its place.

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
to that sum, and the breakers stop calling a provider that keeps failing. The patience ends turns
sooner than the deadlines, so a hanging cloud reaches that limit sooner; it never exceeds it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from runtime.nlu.base import NluProvider
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.hedge import HedgeDelay, LatencyHedgeDelay
from runtime.providers.lanes import (
    Call,
    CloudNlu,
    CloudProvider,
    CloudSentiment,
    Lane,
    Outcome,
    P,
)
from runtime.providers.observability import InMemoryTelemetry, Telemetry, session_ref
from runtime.providers.patience import Patience
from runtime.providers.turn import EMBEDDED, Turn, confident
from runtime.sentiment.base import SentimentProvider
from runtime.types import NluContext, NluResult, Sentiment, Understanding

logger = Logger(service="travelbot", child=True)

WARM_UP_TEXT = "What is the weather like in Lisbon?"
IDLE_WAIT_S = 0.05  # the longest sleep with nothing to wait on (the loop then looks again)

Waiter = Callable[[Sequence[Future[Any]], float], None]
"""Blocks until one of the futures is done or the timeout (seconds) has passed."""

__all__ = [
    "CloudNlu",
    "CloudProvider",
    "CloudSentiment",
    "CloudUnderstander",
    "OrchestratorConfig",
    "Waiter",
    "wait_for_any",
]


def wait_for_any(futures: Sequence[Future[Any]], timeout_s: float) -> None:
    """The :data:`Waiter` on the real clock."""
    if futures:
        wait(futures, timeout=timeout_s, return_when=FIRST_COMPLETED)
    elif timeout_s > 0:
        time.sleep(min(timeout_s, IDLE_WAIT_S))


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
    patience_floor_s: float = 0.5  # the patience: derived from the clouds' latency, within these
    patience_ceiling_s: float = 1.2
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
        waiter: Waiter = wait_for_any,
    ) -> None:
        """Providers left None are not configured (the embedded models stand in for them).

        ``clock`` and ``waiter`` go together: a test that moves its own clock also decides what
        waiting means. Raises ``ValueError`` for an impossible patience (floor above ceiling).
        """
        self.config = config or OrchestratorConfig()
        self.telemetry: Telemetry = telemetry or InMemoryTelemetry()
        self._embedded_nlu = embedded_nlu
        self._embedded_sentiment = embedded_sentiment
        self._clock = clock
        self._wait = waiter
        cfg = self.config
        self.hedge: HedgeDelay | LatencyHedgeDelay = (
            HedgeDelay(cfg.hedge_delay_s)
            if cfg.hedge_delay_s is not None
            else LatencyHedgeDelay(floor_s=cfg.hedge_floor_s, ceiling_s=cfg.lex_timeout_s)
        )
        self.patience = Patience(floor_s=cfg.patience_floor_s, ceiling_s=cfg.patience_ceiling_s)
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
        turn = Turn(
            text=text,
            context=context,
            threshold=self.config.confidence_threshold,
            embedded_nlu=self._embedded_nlu,
            started=now,
            overall=now + max(0.0, min(budget_s, self.config.overall_s)),
            patience_at=now + self.patience.nlu.delay_s(),
            sentiment_patience_at=now + self.patience.sentiment.delay_s(),
        )
        turn.lex = self._start_nlu(self._lex, turn, now)
        turn.hedge_at = now + self.hedge.delay_s() if turn.lex else now
        turn.azure = self._start_sentiment(turn, now)
        self._note_skips(turn)
        while True:
            now = self._clock()
            self._maybe_hedge(turn, now)
            decided = turn.decide(now, final=False)
            if decided is not None and turn.sentiment_settled(now):
                break
            if now >= turn.overall:
                break
            self._wait(turn.pending_futures(now), max(0.0, self._next_event(turn, now) - now))
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
        self, lane: Lane[CloudNlu] | None, turn: Turn, now: float
    ) -> Call[NluResult] | None:
        if lane is None:
            return None
        provider, text, context = lane.provider, turn.text, turn.context

        def observe(outcome: Outcome[NluResult]) -> None:
            # The patience's sample: when this turn first had a confident cloud answer.
            if confident(outcome.value, turn.threshold) and turn.first_confident_answer():
                self.patience.nlu.observe(self._clock() - turn.started)

        return lane.start(
            self._executor, lambda: provider.recognize(text, context), now, turn.overall, observe
        )

    def _start_sentiment(self, turn: Turn, now: float) -> Call[Sentiment] | None:
        lane = self._azure
        if lane is None or not (lane.provider.ready or self.config.warm_up_delay_s is None):
            return None
        provider, text = lane.provider, turn.text

        def observe(outcome: Outcome[Sentiment]) -> None:
            if outcome.value is not None:
                self.patience.sentiment.observe(self._clock() - turn.started)

        return lane.start(
            self._executor, lambda: provider.analyze(text), now, turn.overall, observe
        )

    # ------------------------------------------------------------------------------ timing

    def _maybe_hedge(self, turn: Turn, now: float) -> None:
        if self._dialogflow is None or turn.dialogflow_started:
            return
        lex = turn.lex
        if lex is not None and lex.done() and confident(lex.value(), turn.threshold):
            return
        if lex is not None and lex.pending(now, final=False) and now < self._hedge_at(turn):
            return
        turn.dialogflow_started = True
        turn.dialogflow = self._start_nlu(self._dialogflow, turn, now)
        if turn.dialogflow is None:
            turn.skipped[self._dialogflow.name] = self._dialogflow.skip_reason()
        elif self._lex is not None:
            self.telemetry.hedge_fired()

    def _hedge_at(self, turn: Turn) -> float:
        """When a slow Lex gets hedged; later while Dialogflow's SDK still has to load, since
        importing it would hold the GIL and slow Lex down."""
        if self._dialogflow is not None and not self._dialogflow.provider.ready:
            return max(turn.hedge_at, turn.started + self.config.cold_hedge_delay_s)
        return turn.hedge_at

    def _next_event(self, turn: Turn, now: float) -> float:
        """The next moment a decision may change without a call ending (always after ``now``)."""
        events = [turn.overall, turn.patience_at]
        events += [c.deadline for c in turn.nlu_calls() if c.pending(now, final=False)]
        if turn.azure is not None and turn.azure.pending(now, final=False):
            events += [turn.azure.deadline, turn.sentiment_patience_at]
        if self._dialogflow is not None and not turn.dialogflow_started:
            events.append(self._hedge_at(turn))
        return min((event for event in events if event > now), default=turn.overall)

    # ------------------------------------------------------------------------------ result

    def _finish(self, turn: Turn) -> Understanding:
        now = self._clock()
        nlu = turn.decide(now, final=True)
        assert nlu is not None  # final decisions always answer
        turn.by_patience = turn.by_patience and nlu.provider == EMBEDDED
        sentiment_by_patience = turn.sentiment_by_patience(now)
        sentiment = turn.azure.value() if turn.azure is not None else None
        if sentiment is None:
            sentiment = self._embedded_sentiment.analyze(turn.text)
        failures = turn.failures(now)
        cloud_nlu = self._lex is not None or self._dialogflow is not None
        confident_cloud = nlu.provider != EMBEDDED and confident(nlu, turn.threshold)
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
            patience=turn.by_patience,
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
                "by_patience": turn.by_patience,
                "sentiment_by_patience": sentiment_by_patience,
                "patience_ms": round((turn.patience_at - turn.started) * 1000),
                "sentiment_patience_ms": round((turn.sentiment_patience_at - turn.started) * 1000),
                "elapsed_ms": round(elapsed_ms),
            },
        )
        return Understanding(nlu=nlu, sentiment=sentiment, degraded=degraded)

    def _note_skips(self, turn: Turn) -> None:
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

"""One message's calls, what is known so far, and the rules that pick its answer.

:class:`Turn` holds the calls of one message and the times that matter to it (the hedge, the two
patiences, the overall deadline); :meth:`Turn.decide` says, at a moment, whether the answer can
still get better. The orchestrator (:mod:`runtime.providers.orchestrator`) drives the calls and
the waiting; everything here is decided from the state and the time it is given, never by
looking at a clock, and never by an intent's name other than ``FallbackIntent``.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from runtime.nlu.base import NluProvider
from runtime.providers.lanes import Call
from runtime.types import NluContext, NluResult, Sentiment

FALLBACK_INTENT = "FallbackIntent"
EMBEDDED = "embedded"
PATIENCE = "patience"  # why a call the turn stopped waiting for did not help
DEADLINE = "deadline"


def confident(result: NluResult | None, threshold: float) -> bool:
    """A reading worth acting on: an intent other than the fallback, at or over ``threshold``."""
    return (
        result is not None and result.intent != FALLBACK_INTENT and result.confidence >= threshold
    )


@dataclass
class Turn:
    """One message's calls and what is known so far (times on the orchestrator's clock)."""

    text: str
    context: NluContext
    threshold: float
    embedded_nlu: NluProvider
    started: float
    overall: float  # no waiting past this
    patience_at: float  # a confident embedded reading answers from here on
    sentiment_patience_at: float  # the embedded lexicon labels from here on
    hedge_at: float = 0.0  # when a slow Lex gets hedged (set once Lex has started)
    lex: Call[NluResult] | None = None
    dialogflow: Call[NluResult] | None = None
    dialogflow_started: bool = False
    azure: Call[Sentiment] | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # lane -> why it was not called
    by_patience: bool = False  # the embedded reading answered because the patience ran out
    _embedded: NluResult | None = None
    _sampled: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------------------ state

    def embedded(self) -> NluResult:
        """The embedded NLU's reading, computed on first need."""
        if self._embedded is None:
            self._embedded = self.embedded_nlu.recognize(self.text, self.context)
        return self._embedded

    def nlu_calls(self) -> list[Call[NluResult]]:
        """Lex's and Dialogflow's calls, in that order of preference."""
        return [c for c in (self.lex, self.dialogflow) if c is not None]

    def calls(self) -> list[Call[Any]]:
        """Every call made for this turn."""
        return [*self.nlu_calls(), *([self.azure] if self.azure else [])]

    def pending_futures(self, now: float) -> list[Future[Any]]:
        """The futures still worth waiting for."""
        return [c.future for c in self.calls() if c.pending(now, final=False)]

    def first_confident_answer(self) -> bool:
        """True exactly once per turn: for the first confident cloud answer (any thread)."""
        with self._lock:
            first = not self._sampled
            self._sampled = True
            return first

    # ------------------------------------------------------------------------------ rules

    def decide(self, now: float, final: bool) -> NluResult | None:
        """The answer to give at ``now``, or None while a better one may still come.

        The first confident answer in the order Lex > Dialogflow wins; a pending Lex blocks
        Dialogflow's answer until the hedge has fired. While a cloud is pending, only the
        patience can answer (:meth:`_patient`). With nothing pending (or ``final``): the embedded
        reading if it found an intent, else the best cloud answer as ``FallbackIntent``, else the
        embedded one.
        """
        for call in self.nlu_calls():
            value = call.value()
            if confident(value, self.threshold):
                return value
            overdue = call is self.lex and self.dialogflow is not None
            if call.pending(now, final) and not overdue:
                return self._patient(now)
        if any(call.pending(now, final) for call in self.nlu_calls()):
            return self._patient(now)
        embedded = self.embedded()
        if embedded.intent != FALLBACK_INTENT:
            return embedded
        for call in self.nlu_calls():
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

    def _patient(self, now: float) -> NluResult | None:
        """The embedded reading once the patience has run out and it is confident, else None."""
        if now < self.patience_at:
            return None
        embedded = self.embedded()
        if not confident(embedded, self.threshold):
            return None
        self.by_patience = True
        return embedded

    def sentiment_settled(self, now: float) -> bool:
        """Azure answered, was not called, or is no longer waited for (patience, deadline)."""
        call = self.azure
        return (
            call is None or call.done() or now >= call.deadline or now >= self.sentiment_patience_at
        )

    def sentiment_by_patience(self, now: float) -> bool:
        """Azure is still running within its deadline: the patience stopped the wait."""
        return self.azure is not None and self.azure.pending(now, final=False)

    def failures(self, now: float) -> dict[str, str]:
        """Provider -> why it did not help: a failure kind, ``deadline``, ``patience``, or why it
        was skipped. A call still running because a confident answer came first is not listed."""
        failures = dict(self.skipped)
        for call in self.calls():
            if call.done():
                failure = call.failure()
            elif now >= call.deadline:
                failure = DEADLINE
            elif call is self.azure or self.by_patience:
                failure = PATIENCE
            else:
                failure = None
            if failure is not None and failure != "unconfigured":
                failures[call.lane.name] = failure
        return failures

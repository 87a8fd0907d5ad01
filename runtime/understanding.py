"""The seam between the handler and the NLU layer.

An :class:`Understander` turns a message into an :class:`Understanding` within a time budget.
The embedded one here answers locally; the cloud orchestrator (parallel Lex, Dialogflow and
Azure with deadlines and fallbacks) implements the same protocol.
"""

from __future__ import annotations

import time
from typing import Protocol

from runtime.nlu.base import NluProvider
from runtime.providers.observability import Telemetry
from runtime.sentiment.base import SentimentProvider
from runtime.types import NluContext, Understanding


class Understander(Protocol):
    """Understands one message within ``budget_s`` seconds; never raises for provider faults."""

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        """Intent, slots and sentiment of ``text``."""
        ...


class EmbeddedUnderstander:
    """Local NLU and local sentiment: no network, always available.

    Reports the same per-turn metrics as the cloud orchestrator (``Turns``, ``NluFallback``,
    ``ProviderAnswered``), so dashboards and the fallback-rate alarm work for either.
    """

    def __init__(
        self, nlu: NluProvider, sentiment: SentimentProvider, telemetry: Telemetry | None = None
    ) -> None:
        self._nlu = nlu
        self._sentiment = sentiment
        self._telemetry = telemetry

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        """Run both local models; ``budget_s`` is ignored because they take milliseconds."""
        started = time.perf_counter()
        nlu = self._nlu.recognize(text, context)
        understanding = Understanding(nlu=nlu, sentiment=self._sentiment.analyze(text))
        if self._telemetry is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            self._telemetry.understood(
                fallback=nlu.intent == "FallbackIntent", degraded=False, elapsed_ms=elapsed_ms
            )
            self._telemetry.provider_answered(nlu.provider)
        return understanding

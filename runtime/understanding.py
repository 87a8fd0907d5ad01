"""The seam between the handler and the NLU layer.

An :class:`Understander` turns a message into an :class:`Understanding` within a time budget.
The embedded one here answers locally; the cloud orchestrator (parallel Lex, Dialogflow and
Azure with deadlines and fallbacks) implements the same protocol.
"""

from __future__ import annotations

from typing import Protocol

from runtime.nlu.base import NluProvider
from runtime.sentiment.base import SentimentProvider
from runtime.types import NluContext, Understanding


class Understander(Protocol):
    """Understands one message within ``budget_s`` seconds; never raises for provider faults."""

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        """Intent, slots and sentiment of ``text``."""
        ...


class EmbeddedUnderstander:
    """Local NLU and local sentiment: no network, always available."""

    def __init__(self, nlu: NluProvider, sentiment: SentimentProvider) -> None:
        self._nlu = nlu
        self._sentiment = sentiment

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        """Run both local models; ``budget_s`` is ignored because they take milliseconds."""
        return Understanding(
            nlu=self._nlu.recognize(text, context), sentiment=self._sentiment.analyze(text)
        )

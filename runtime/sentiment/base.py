"""The sentiment provider interface: Azure Language and the embedded lexicon implement it."""

from __future__ import annotations

from typing import Protocol

from runtime.types import Sentiment


class SentimentProvider(Protocol):
    """Labels a message positive, neutral, negative or mixed."""

    name: str

    def analyze(self, text: str) -> Sentiment:
        """Score ``text``; raises :class:`runtime.errors.ProviderError` on failure."""
        ...

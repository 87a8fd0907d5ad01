"""Embedded sentiment: the VADER lexicon, mapped to the contract's four labels.

VADER needs no network and loads in tens of milliseconds, so it is always available behind
Azure Language. Its ``compound`` score decides positive/negative/neutral with the thresholds
its authors recommend (±0.05); a message with strong positive *and* negative parts is "mixed",
as Azure would call it.
"""

from __future__ import annotations

from runtime.types import Sentiment

POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
MIXED_SHARE = 0.2  # both the positive and the negative share of the text at least this


class EmbeddedSentiment:
    """:class:`runtime.sentiment.base.SentimentProvider` backed by vaderSentiment."""

    name = "embedded"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def analyze(self, text: str) -> Sentiment:
        """Label and confidence in [0, 1] for ``text``."""
        scores = self._analyzer.polarity_scores(text)
        compound, pos, neg = scores["compound"], scores["pos"], scores["neg"]
        if pos >= MIXED_SHARE and neg >= MIXED_SHARE:
            return Sentiment(label="mixed", score=round(min(1.0, pos + neg), 4), provider=self.name)
        if compound >= POSITIVE_AT:
            return Sentiment(label="positive", score=round(compound, 4), provider=self.name)
        if compound <= NEGATIVE_AT:
            return Sentiment(label="negative", score=round(-compound, 4), provider=self.name)
        return Sentiment(
            label="neutral",
            score=round(1.0 - abs(compound) / POSITIVE_AT * 0.5, 4),
            provider=self.name,
        )

"""Deterministic sentiment scoring for the Azure Language fake.

A scorer maps one sentence to a :class:`SentimentScore`: a label and confidence scores for
positive, neutral and negative that sum to 1 (to two decimals, as the service reports them).
The default, :func:`word_list_scorer`, counts words from two small lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Label = Literal["positive", "neutral", "negative", "mixed"]

POSITIVE_WORDS = frozenset(
    {
        "love",
        "loved",
        "lovely",
        "great",
        "good",
        "excellent",
        "amazing",
        "wonderful",
        "happy",
        "fantastic",
        "nice",
        "thanks",
        "thank",
        "awesome",
        "perfect",
        "brilliant",
        "enjoy",
        "enjoyed",
        "glad",
        "delighted",
        "beautiful",
        "best",
    }
)
NEGATIVE_WORDS = frozenset(
    {
        "hate",
        "hated",
        "bad",
        "terrible",
        "awful",
        "horrible",
        "angry",
        "worst",
        "sad",
        "disappointed",
        "disappointing",
        "poor",
        "annoying",
        "useless",
        "cancelled",
        "canceled",
        "delayed",
        "rude",
        "broken",
        "lost",
    }
)
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class SentimentScore:
    """A label and its confidence scores (each in [0, 1], summing to ~1)."""

    label: Label
    positive: float
    neutral: float
    negative: float


SentimentScorer = Callable[[str], SentimentScore]


def scores(label: Label, positive: float, negative: float) -> SentimentScore:
    """A score whose neutral part is whatever is left, so the three sum to 1.

    Raises:
        ValueError: if ``positive + negative`` exceeds 1 or either is negative.
    """
    positive, negative = round(positive, 2), round(negative, 2)
    if positive < 0 or negative < 0 or positive + negative > 1:
        raise ValueError("positive and negative must be >= 0 and sum to at most 1")
    return SentimentScore(label, positive, round(1.0 - positive - negative, 2), negative)


def word_list_scorer(text: str) -> SentimentScore:
    """Score by counting positive and negative words (deterministic, no model).

    No such words: neutral. Only positive (or only negative) words: that label with a confidence
    growing with the count. Both: ``mixed``, split by the counts.
    """
    words = _WORD.findall(text.lower())
    pos = sum(word in POSITIVE_WORDS for word in words)
    neg = sum(word in NEGATIVE_WORDS for word in words)
    if pos == 0 and neg == 0:
        return scores("neutral", 0.04, 0.03)
    if neg == 0:
        return scores("positive", min(0.99, 0.75 + 0.08 * pos), 0.01)
    if pos == 0:
        return scores("negative", 0.01, min(0.99, 0.75 + 0.08 * neg))
    return scores("mixed", 0.9 * pos / (pos + neg), 0.9 * neg / (pos + neg))

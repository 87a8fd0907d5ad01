"""Intent classification learned from the bot model's sample utterances.

A multinomial naive Bayes over word unigrams, bigrams and in-word character trigrams (which
make it tolerant of typos such as "weahter" or "fligths"). Slot values are replaced by type
placeholders (``__place__``, ``__money__``, ...) both in training and at inference, so "trip to
Lisbon" and "trip to Oslo" look the same to the classifier.

Naive Bayes ranks well but its raw probabilities are over-confident, so the scores are
calibrated with a temperature fitted by k-fold cross-validation on the training utterances
(minimising the negative log-likelihood of the held-out folds). The counts take a few
milliseconds and are learned at cold start from the one bot model file; the calibration takes
~180 ms and is fitted at build time (:mod:`runtime.nlu.artefact`) when it can be.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runtime.nlu.text import fold, tokenize

CHAR_GRAM_WEIGHT = 0.35
SMOOTHING = 0.3
FOLDS = 5
TEMPERATURES = tuple(0.5 + 0.25 * i for i in range(40))  # 0.5 .. 10.25


def features(text: str) -> dict[str, float]:
    """Weighted features of already-placeholdered text."""
    words = [t.text for t in tokenize(fold(text))]
    feats: defaultdict[str, float] = defaultdict(float)
    padded = ["<s>", *words, "</s>"]
    for word in words:
        feats["w:" + word] += 1.0
        if not word.startswith("__"):
            marked = f"<{word}>"
            for i in range(len(marked) - 2):
                feats["c:" + marked[i : i + 3]] += CHAR_GRAM_WEIGHT
    for left, right in itertools.pairwise(padded):
        feats[f"b:{left}_{right}"] += 1.0
    return feats


@dataclass(frozen=True)
class Prediction:
    """Calibrated probabilities per intent, best first."""

    ranking: tuple[tuple[str, float], ...]

    @property
    def intent(self) -> str:
        """The most probable intent."""
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        """Its calibrated probability."""
        return self.ranking[0][1]


class NaiveBayes:
    """Multinomial naive Bayes with additive smoothing over weighted feature counts."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        counts: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
        docs: Counter[str] = Counter()
        for text, label in examples:
            for feature, weight in features(text).items():
                counts[label][feature] += weight
            docs[label] += 1
        self.labels = sorted(docs)
        self.vocabulary = {f for c in counts.values() for f in c}
        total_docs = sum(docs.values())
        size = len(self.vocabulary)
        self._prior = {label: math.log(docs[label] / total_docs) for label in self.labels}
        self._log_p: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for label in self.labels:
            total = sum(counts[label].values()) + SMOOTHING * size
            self._log_p[label] = {
                f: math.log((n + SMOOTHING) / total) for f, n in counts[label].items()
            }
            self._unseen[label] = math.log(SMOOTHING / total)

    def scores(self, text: str) -> dict[str, float]:
        """Joint log-likelihood per label; features never seen in training are ignored."""
        feats = {f: n for f, n in features(text).items() if f in self.vocabulary}
        return {
            label: self._prior[label]
            + sum(n * self._log_p[label].get(f, self._unseen[label]) for f, n in feats.items())
            for label in self.labels
        }


def softmax(scores: dict[str, float], temperature: float) -> dict[str, float]:
    """Probabilities from log-scores at ``temperature``."""
    top = max(scores.values())
    exp = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def fit_temperature(folds: Iterable[tuple[dict[str, float], str]]) -> float:
    """The temperature minimising the negative log-likelihood of held-out predictions."""
    data = list(folds)
    best, best_nll = 1.0, math.inf
    for temperature in TEMPERATURES:
        nll = -sum(
            math.log(max(softmax(s, temperature).get(label, 0.0), 1e-12)) for s, label in data
        )
        if nll < best_nll:
            best, best_nll = temperature, nll
    return best


class IntentClassifier:
    """Naive Bayes plus temperature calibration, trained on ``(text, intent)`` examples.

    ``temperature``: a calibration already fitted on these examples (skips the fit).
    """

    def __init__(
        self, examples: Sequence[tuple[str, str]], *, temperature: float | None = None
    ) -> None:
        if len({label for _, label in examples}) < 2:
            raise ValueError("the classifier needs examples of at least two intents")
        self._model = NaiveBayes(examples)
        if temperature is None:
            temperature = fit_temperature(self._cross_validated(examples))
        self.temperature = temperature

    @staticmethod
    def _cross_validated(examples: Sequence[tuple[str, str]]) -> list[tuple[dict[str, float], str]]:
        held_out: list[tuple[dict[str, float], str]] = []
        for fold_index in range(FOLDS):
            train = [e for i, e in enumerate(examples) if i % FOLDS != fold_index]
            test = [e for i, e in enumerate(examples) if i % FOLDS == fold_index]
            model = NaiveBayes(train)
            held_out.extend((model.scores(text), label) for text, label in test)
        return held_out

    def predict(self, text: str) -> Prediction:
        """Calibrated probabilities of every intent for placeholdered ``text``."""
        probabilities = softmax(self._model.scores(text), self.temperature)
        ranking = tuple(sorted(probabilities.items(), key=lambda kv: kv[1], reverse=True))
        return Prediction(ranking)

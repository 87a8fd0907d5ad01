"""Asking "which one?" and reading the answer.

When a mention could mean several values (Portland, Oregon or Maine; 03/04/2027 as 3 April or
4 March) the dialogue asks, and the next message picks one: by position ("the first", "the
second one", "2"), by a value the NLU read from it ("3 april"), or by the words that tell the
options apart ("Oregon", "the Spanish one", "in maine"). Nationality words are matched to their
country by a shared stem ("Venezuelan" → Venezuela) or by a short table for the irregular ones
("Spanish" → Spain, "Dutch" → Netherlands). A numeric date's readings can also be picked by
convention ("the European way" is day first, "American" month first).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from runtime.nlu.text import fold, tokenize
from runtime.types import SlotValue

_ORDINALS = {
    "first": 0,
    "1st": 0,
    "1": 0,
    "former": 0,
    "second": 1,
    "2nd": 1,
    "2": 1,
    "third": 2,
    "3rd": 2,
    "3": 2,
    "fourth": 3,
    "4th": 3,
    "4": 3,
}
_LAST = frozenset({"last", "latter"})
_DEMONYMS = {
    "spanish": "spain",
    "french": "france",
    "dutch": "netherlands",
    "british": "kingdom",
    "english": "england",
    "scottish": "scotland",
    "welsh": "wales",
    "irish": "ireland",
    "american": "states",
    "us": "states",
    "usa": "states",
    "uk": "kingdom",
    "swiss": "switzerland",
    "polish": "poland",
    "danish": "denmark",
    "finnish": "finland",
    "filipino": "philippines",
    "philippine": "philippines",
    "czech": "czechia",
    "greek": "greece",
    "thai": "thailand",
    "peruvian": "peru",
    "kiwi": "zealand",
    "aussie": "australia",
}
_FILLER = frozenset(
    """
    the one a an in of i mean meant please that it is its city town place country state which
    yes no not i'm im think guess oh ok okay
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_MONTHS = {fold(name): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({fold(name): number for number, name in enumerate(calendar.month_abbr) if name})


def _related(word: str, option_word: str) -> bool:
    """Whether an answer word names an option word (equal, a nationality, a shared stem)."""
    if word == option_word or _DEMONYMS.get(word) == option_word:
        return True
    stem = min(len(word), len(option_word), 5)
    return stem >= 4 and word[:stem] == option_word[:stem]


def _by_position(words: Sequence[str], options: Sequence[str]) -> str | None:
    for word in words:
        if word in _ORDINALS and _ORDINALS[word] < len(options):
            return options[_ORDINALS[word]]
        if word in _LAST:
            return options[-1]
    return None


def _by_month(words: Sequence[str], options: Sequence[str]) -> str | None:
    months = {_MONTHS[w] for w in words if w in _MONTHS}
    matching = [
        o for o in options if re.fullmatch(r"\d{4}-\d{2}-\d{2}", o) and int(o[5:7]) in months
    ]
    return matching[0] if len(matching) == 1 else None


_DAY_FIRST = frozenset({"european", "europe", "uk", "british", "day", "dd"})
_MONTH_FIRST = frozenset({"american", "us", "usa", "mm"})


def _by_convention(words: Sequence[str], options: Sequence[str]) -> str | None:
    """For a numeric date's two readings (day first, then month first): "the European way"."""
    if len(options) != 2 or not all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", o) for o in options):
        return None
    said = set(words)
    if said & _DAY_FIRST and not said & _MONTH_FIRST:
        return options[0]
    if said & _MONTH_FIRST and not said & _DAY_FIRST:
        return options[1]
    return None


def _by_words(words: Sequence[str], options: Sequence[str]) -> str | None:
    """The one option named by the words that tell the options apart."""
    option_words = [{t.text for t in tokenize(option)} for option in options]
    shared = set.intersection(*option_words) if option_words else set()
    content = [w for w in words if w not in _FILLER and w not in shared]
    scores = [
        sum(any(_related(w, ow) for ow in own - shared) for w in content) for own in option_words
    ]
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return options[scores.index(best)]


def pick(message: str, understood: SlotValue | None, options: Sequence[str]) -> str | None:
    """The option the answer ``message`` picks (``understood``: the value the NLU read from
    it for the slot, if any), or None when it picks none or several."""
    if isinstance(understood, str) and understood in options:
        return understood
    words = [t.text for t in tokenize(message)]
    return (
        _by_position(words, options)
        or _by_month(words, options)
        or _by_convention(words, options)
        or _by_words([fold(w) for w in words], options)
    )

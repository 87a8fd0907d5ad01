"""Text helpers shared by the embedded NLU: folding and tokenising with character offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*|[$€£¥]", re.UNICODE)

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "couple": 2,
    "few": 3,
}


@dataclass(frozen=True)
class Token:
    """A word of the message: folded text and its span in the original string."""

    text: str
    start: int
    end: int
    original: str


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Zürich" and "zurich" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("’", "'")


def tokenize(text: str) -> list[Token]:
    """Words (letters/digits with inner apostrophes, dots or hyphens) and currency symbols."""
    return [Token(fold(m.group()), m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def number_value(word: str) -> int | None:
    """``"5"`` → 5, ``"five"`` → 5, ``"a"`` → 1; ``None`` for anything else."""
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


_FILLERS_RE = re.compile(
    r"^(?:\W*\b(?:h+m+|u+m+|u+h+|erm|er|oh+|ah+|well|so|welp)\b)+[\s,.!;:-]*", re.IGNORECASE
)


_PLEASE_RE = re.compile(r"[\s,]+(?:please|pls|plz)\W*$", re.IGNORECASE)


def without_fillers(text: str) -> str:
    """``text`` without the hesitation it opens with ("hmm, yeah sure" → "yeah sure"), a
    closing "please" ("1200 please" → "1200"), and trailing full stops or exclamation marks;
    ``text`` itself when that is all it is."""
    stripped = _FILLERS_RE.sub("", text.strip(), count=1).rstrip(".!").strip()
    stripped = _PLEASE_RE.sub("", stripped).strip()
    return stripped or text.strip().rstrip(".!")

"""IATA airport codes in text: "LHR", "SYD-AKL", and in lower case when paired ("zrh to vie").

A code in capitals is a code. In lower case a three-letter word is read as a code only beside
another code across "to", "from" or a dash, and, when the word is also a place's name, only
when its partner is not: "fco to ath" is Rome to Athens (not to Ath in Belgium: "fco" names
no place, so the pair is codes), "goa to leh" is Goa to Leh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from runtime.nlu.entities import Mention
from runtime.nlu.text import Token
from runtime.places.lookup import Places


def code_pair(places: Places, token: Token) -> list[Mention]:
    """ "SYD-AKL": two airport codes written as one word, as two place mentions (or none)."""
    parts = token.original.split("-")
    if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
        return []
    served = [places.serving(p) for p in parts]
    if None in served:
        return []
    start = token.start
    return [
        Mention("place", start, start + 3, served[0], ""),
        Mention("place", start + 4, token.end, served[1], ""),
    ]


def code_at(
    places: Places,
    text: str,
    tokens: Sequence[Token],
    index: int,
    is_common: Callable[[str], bool],
) -> str | None:
    """The place token ``index`` names as an airport code, or ``None`` (see the module
    docstring). ``is_common`` tells words of everyday talk, which are never codes in lower
    case ("for", "the")."""
    original = tokens[index].original
    if original.isupper():
        return places.serving(original)
    key = original.lower()
    if is_common(key):
        return None
    partners = _partners(places, text, tokens, index)
    if not partners:
        return None
    if places.lookup(key) is not None and all(places.lookup(p) is not None for p in partners):
        return None
    return places.serving(original)


def _partners(places: Places, text: str, tokens: Sequence[Token], index: int) -> list[str]:
    """The airport codes across "to"/"from" or a dash from token ``index``."""
    pairs = [(index - 2, index - 1), (index + 2, index + 1), (index - 1, -1), (index + 1, -1)]
    partners = []
    for other, between in pairs:
        if not 0 <= other < len(tokens):
            continue
        if between >= 0:
            if not 0 <= between < len(tokens) or tokens[between].text not in ("to", "from"):
                continue
        else:
            left, right = sorted((index, other))
            if "-" not in text[tokens[left].end : tokens[right].start]:
                continue
        word = tokens[other].text
        if len(word) == 3 and word.isalpha() and places.serving(word) is not None:
            partners.append(word)
    return partners

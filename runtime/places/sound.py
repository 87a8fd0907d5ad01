"""How a place name sounds, roughly: a key that spellings of one pronunciation share.

People misspell names they have heard rather than read: "cancoon" (Cancún), "edinborough"
(Edinburgh), "morroco" (Morocco), "mozambik" (Mozambique). Such a typo is often one edit
beyond what edit distance alone allows a name of its length; sounding the same earns it that
edit (:meth:`runtime.places.lookup.Places.typo`).
:func:`sound_key` is a small Metaphone-like key, in the spirit of Lawrence Philips' Metaphone
(1990) but much reduced: spellings of one sound are merged ("ph" = "f", "ck" = "k", a soft
"c" = "s", "ch" = "sh"), a silent "gh" goes, the first letter is kept, the later vowels are
dropped and doubled letters collapsed. It is only ever compared for equality, and only between
a typo and names already within a small edit distance of it, so its coarseness cannot make a
far name match.
"""

from __future__ import annotations

import re

_VOWELS = frozenset("aeiouy")
# Ordered spelling rewrites (applied to a folded key without spaces).
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=.)gh", ""),  # "edinburgh", "leigh": silent after the first letter
        (r"ph", "f"),
        (r"tch", "ch"),
        (r"sch", "sk"),
        (r"ch|sh", "1"),  # one symbol for the "sh" sound, apart from the letter x
        (r"ck|q", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"dg", "j"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"th", "t"),
        (r"(?<=.)h", ""),  # "hanoi" keeps its h, "bhutan"/"rhodes" lose it
        (r"w(?=[^aeiouy]|$)", ""),  # "w" after a vowel is part of the vowel
    )
)


def sound_key(key: str) -> str:
    """The sound key of a folded name (:func:`runtime.places.keys.fold_key`): "cancun" and
    "cancoon" -> "knkn", "edinburgh" and "edinborough" -> "ednbr"."""
    text = key.replace(" ", "")
    if not text:
        return ""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    if not text:
        return ""
    out = [text[0]]
    for char in text[1:]:
        if char in _VOWELS or char == out[-1]:
            continue
        out.append(char)
    return "".join(out)

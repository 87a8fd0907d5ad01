"""Name keys: the folded form under which the index stores every name and the NLU looks it up.

Case, accents, apostrophes and punctuation do not matter ("Xi’an" = "xian", "Genève" =
"geneve", "Aix-la-Chapelle" = "aix la chapelle", "Portland, Maine" = "portland maine"). The
builder and the reader must fold identically, so both use :func:`fold_key`.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter and a combining mark.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
        "ß": "ss",
    }
)
_APOSTROPHES = re.compile(r"['’‘ʻʼ`´ʿʾ]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def fold_key(text: str) -> str:
    """The index key of a name: lower case ASCII letters and digits separated by single spaces."""
    if text.isascii():
        return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_SPECIAL)
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", stripped)).strip()

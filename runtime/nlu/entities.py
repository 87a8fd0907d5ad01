"""Finds and normalises durations and amounts of money in free text (dates: :mod:`.dates`).

Each finder returns :class:`Mention` objects with character spans, so the classifier can replace
them with placeholder tokens and the slot filler can assign them. Values follow the ``/chat``
contract: durations in whole days, money as ``{"amount", "currency"}`` with an ISO 4217 code,
The same normalisers read the raw values cloud NLUs return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from runtime.nlu.currencies import CURRENCY_WORDS, ENGLISH_WORD_CODES
from runtime.nlu.text import NUMBER_WORDS, number_value


@dataclass(frozen=True)
class Mention:
    """A typed value found in the message at ``[start, end)``."""

    kind: str  # "duration", "money", "date", "place" or "currency" (a currency without amount)
    start: int
    end: int
    value: Any
    cue: str = ""  # the word before the mention ("to", "from", ...), folded
    options: tuple[Any, ...] = ()
    """The values an ambiguous mention could mean (``value`` is then None), e.g. both readings
    of "03/04/2027"; empty for a mention that reads one way."""

    def overlaps(self, other: Mention) -> bool:
        """True when the two spans share a character."""
        return self.start < other.end and other.start < self.end


NUMBER_PATTERN = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

# ---------------------------------------------------------------- durations
_UNIT_DAYS = {"day": 1, "night": 1, "week": 7, "fortnight": 14, "month": 30}
_DURATION_RE = re.compile(
    rf"\b(?:(?P<num>{NUMBER_PATTERN})(?:\s+of)?[\s-]+|(?P<half>half\s+a\s+))"
    r"(?P<unit>days?|nights?|weeks?|fortnights?|months?)(?:[\s-]+long)?\b",
    re.IGNORECASE,
)
_FIXED_DURATIONS = {
    "a long weekend": 3,
    "long weekend": 3,
    "the weekend": 2,
    "a weekend": 2,
    "weekend": 2,
    "a fortnight": 14,
    "fortnight": 14,
    "week-long": 7,
    "weeklong": 7,
    "overnight": 1,
}
_FIXED_DURATION_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k) for k in sorted(_FIXED_DURATIONS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_ISO_DURATION_RE = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$")


def find_durations(text: str) -> list[Mention]:
    """``"a week"`` → 7, ``"10 days"`` → 10, ``"6 nights"`` → 6, ``"a long weekend"`` → 3."""
    found: list[Mention] = []
    for match in _DURATION_RE.finditer(text):
        unit = match.group("unit").lower().rstrip("s")
        if match.group("half"):
            days = max(1, _UNIT_DAYS[unit] // 2)
        else:
            count = number_value(match.group("num").lower())
            if count is None or count <= 0:
                continue
            days = count * _UNIT_DAYS[unit]
        if 0 < days <= 366:
            found.append(Mention("duration", match.start(), match.end(), days))
    for match in _FIXED_DURATION_RE.finditer(text):
        mention = Mention(
            "duration", match.start(), match.end(), _FIXED_DURATIONS[match.group().lower()]
        )
        if not any(mention.overlaps(m) for m in found):
            found.append(mention)
    return found


def parse_duration(value: str) -> int | None:
    """Whole days from free text (``"two weeks"``), a bare number, or ISO 8601 (``"P1W"``)."""
    value = value.strip()
    iso = _ISO_DURATION_RE.match(value.upper())
    if iso and any(iso.groups()[:4]):
        years, months, weeks, days = (int(g) if g else 0 for g in iso.groups()[:4])
        total = years * 365 + months * 30 + weeks * 7 + days
        return total if total > 0 else None
    number = number_value(value.lower())
    if number is not None and value.lower() not in ("a", "an"):
        return number if 0 < number <= 366 else None
    found = find_durations(value)
    return int(found[0].value) if found else None


# ---------------------------------------------------------------- money
_SYMBOLS = {
    "us$": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "r$": "BRL",
}
_WORDS = CURRENCY_WORDS
_AMOUNT = (
    r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<mult>k|thousand|grand|m|million)\b)?"
)
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_WORD_ALT = "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))
_CODE_ALT = "|".join(sorted(code.upper() for code in ENGLISH_WORD_CODES))
_MONEY_PATTERNS = (
    re.compile(
        rf"(?P<symbol>{_SYMBOL_ALT})\s?{_AMOUNT}(?:\s*(?P<word>{_WORD_ALT})\b)?", re.IGNORECASE
    ),
    re.compile(rf"(?<![\w.,]){_AMOUNT}\s*(?P<word>{_WORD_ALT})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<word>{_WORD_ALT})\s?{_AMOUNT}", re.IGNORECASE),
    re.compile(rf"(?<![\w.,]){_AMOUNT}\s?(?P<symbol>{_SYMBOL_ALT})", re.IGNORECASE),
    # Codes that are English words count in capitals only: "500 TRY", not "try 500".
    re.compile(rf"(?<![\w.,]){_AMOUNT}\s*(?P<code>{_CODE_ALT})\b"),
    re.compile(rf"\b(?P<code>{_CODE_ALT})\s?{_AMOUNT}"),
)
_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "million": 1_000_000}


def _amount(raw: str, mult: str | None) -> int | float:
    value = float(raw.replace(",", "")) * _MULTIPLIERS.get((mult or "").lower(), 1)
    return int(value) if value == int(value) else round(value, 2)


def find_money(text: str) -> list[Mention]:
    """``"$1,500"`` → 1500 USD, ``"2k euros"`` → 2000 EUR, ``"£800"``, ``"900 USD"``."""
    found: list[Mention] = []
    for pattern in _MONEY_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            symbol = (groups.get("symbol") or "").lower()
            word = (groups.get("word") or "").lower()
            code = groups.get("code")
            currency = _WORDS.get(word) if word and not symbol else _SYMBOLS.get(symbol)
            if code:
                currency = code
            if symbol == "$" and word in _WORDS and _WORDS[word] != "EUR":
                currency = _WORDS[word]  # "$500 AUD"
            if currency is None:
                continue
            amount = _amount(match.group("amount"), groups.get("mult"))
            mention = Mention(
                "money", match.start(), match.end(), {"amount": amount, "currency": currency}
            )
            if amount > 0 and not any(mention.overlaps(m) for m in found):
                found.append(mention)
    return found


_CURRENCY_WORD_RE = re.compile(rf"(?<![\w$€£¥])(?P<word>{_WORD_ALT})\b", re.IGNORECASE)


def find_currencies(text: str) -> list[Mention]:
    """Currencies named without an amount ("pounds, not dollars", "in euros"): ``currency``
    mentions whose value is the ISO 4217 code, for changing the currency of a known budget.
    A currency that is part of an amount ("800 dollars") is a ``money`` mention instead, and
    the longer mention wins where both are found."""
    return [
        Mention("currency", m.start(), m.end(), _WORDS[m.group("word").lower()])
        for m in _CURRENCY_WORD_RE.finditer(text)
    ]


def parse_money(value: str, default_currency: str = "USD") -> dict[str, Any] | None:
    """Money from free text; a bare number takes ``default_currency``."""
    found = find_money(value)
    if found:
        return dict(found[0].value)
    bare = re.fullmatch(r"\s*" + _AMOUNT + r"\s*", value, re.IGNORECASE)
    if bare:
        amount = _amount(bare.group("amount"), bare.group("mult"))
        if amount > 0:
            return {"amount": amount, "currency": default_currency}
    return None

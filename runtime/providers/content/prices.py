"""Prices out of a travel guide's words: "€8", "Doubles €90-120", "2,500 yen", "Free".

Wikivoyage writes prices in the local currency, with its symbol or code, in many shapes. Only
amounts marked with the expected currency are read (a "US$20" in a euro country is not taken
for euros); a range counts as its middle; the first amount of a list is taken ("Adults €10,
children €5" is €10, the adult price); "free" with no amount is 0. Thousands separators and
decimal commas are told apart by the digits after them, and currencies without minor units
(yen, won, ...) read "1.500" as fifteen hundred.
"""

from __future__ import annotations

import functools
import re

#: Symbols and words that mark an amount in a currency (besides its ISO code).
MARKERS: dict[str, tuple[str, ...]] = {
    "EUR": ("€", "euro", "euros", "eur"),
    "USD": ("us$", "usd", "$"),
    "GBP": ("£", "gbp", "pounds"),
    "JPY": ("¥", "yen", "円"),
    "CNY": ("¥", "yuan", "rmb", "元"),
    "KRW": ("₩", "won"),
    "THB": ("฿", "baht"),
    "INR": ("₹", "rs.", "rs", "rupees"),
    "IDR": ("rp", "rupiah"),
    "MYR": ("rm", "ringgit"),
    "PHP": ("₱", "peso", "pesos"),
    "VND": ("₫", "dong", "đ"),
    "TRY": ("₺", "tl", "lira"),
    "CHF": ("chf", "fr.", "sfr"),
    "SEK": ("kr", "sek"),
    "NOK": ("kr", "nok"),
    "DKK": ("kr", "dkk"),
    "ISK": ("kr", "isk"),
    "CZK": ("kč", "czk"),
    "PLN": ("zł", "pln"),
    "HUF": ("ft", "huf"),
    "AUD": ("a$", "aud", "$"),
    "NZD": ("nz$", "nzd", "$"),
    "CAD": ("c$", "cad", "$"),
    "MXN": ("mx$", "mxn", "pesos", "$"),
    "BRL": ("r$", "brl", "reais"),
    "ZAR": ("r", "zar", "rand"),
    "ILS": ("₪", "nis", "shekel", "shekels"),
    "SGD": ("s$", "sgd", "$"),
    "HKD": ("hk$", "hkd", "$"),
}
#: Currencies without minor units in everyday prices.
NO_MINOR_UNITS = frozenset({"JPY", "KRW", "ISK", "HUF", "IDR", "VND", "CLP", "PYG", "UGX"})
_NUMBER = r"\d{1,3}(?:[.,\s ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_FREE = re.compile(r"\bfree\b", re.IGNORECASE)


def _markers(currency: str) -> list[str]:
    words = {currency.lower(), *MARKERS.get(currency, ())}
    return sorted(words, key=len, reverse=True)


@functools.lru_cache(maxsize=64)
def _amount_pattern(currency: str) -> re.Pattern[str]:
    marker = "|".join(re.escape(m) for m in _markers(currency))
    amount = rf"(?P<n>{_NUMBER})(?:\s*[-–—]\s*(?P<m>{_NUMBER}))?"
    before = rf"(?<![a-z])(?:{marker})\s*{amount}"
    after = rf"{amount}\s*(?:{marker})(?![a-z])"
    after = after.replace("?P<n>", "?P<n2>").replace("?P<m>", "?P<m2>")
    return re.compile(rf"{before}|{after}", re.IGNORECASE)


def to_number(text: str, currency: str) -> float | None:
    """A written number as a float: "1,500" and "1.500" (yen) → 1500; "12,50" → 12.5."""
    digits = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not digits:
        return None
    groups = re.split(r"[.,]", digits)
    if len(groups) > 1 and len(groups[-1]) in (1, 2) and currency not in NO_MINOR_UNITS:
        return float(f"{''.join(groups[:-1])}.{groups[-1]}")  # a decimal part
    return float("".join(groups))


def parse_price(text: str, currency: str) -> float | None:
    """The representative amount in ``currency`` that ``text`` gives, or None.

    Raises:
        ValueError: ``currency`` is not an ISO 4217 code.
    """
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    match = _amount_pattern(currency).search(text)
    if match is None:
        return 0.0 if _FREE.search(text) else None
    low_text = match.group("n") or match.group("n2")
    high_text = match.group("m") or match.group("m2")
    low = to_number(low_text, currency)
    if low is None:
        return None
    high = to_number(high_text, currency) if high_text else None
    if high is not None and high >= low:
        return (low + high) / 2
    return low

"""The local redactor: personal data found by patterns and checksums, no network, no model.

What it finds, and how it avoids eating travel talk (dates, budgets, flight numbers):

- **Card numbers** (``CARD``): 13-19 digits, optionally grouped by single spaces or dashes,
  that pass the Luhn check; "4111 1111 1111 1111 123" yields the card and leaves the 123 to the
  CVV rule. A budget or a date never has 13 digits.
- **CVVs and expiry dates** (``CVV``, ``EXPIRY``): 3-4 digits after "cvv", "cvc", "csc",
  "security code"; a month/year after "exp", "expiry", "expires".
- **Emails** (``EMAIL``).
- **IBANs** (``IBAN``): a country code, two check digits and 11-30 letters or digits (spaces
  allowed), accepted only when the ISO 7064 mod-97 check passes.
- **US Social Security numbers** (``SSN``): ``AAA-GG-SSSS`` or with spaces, without the never
  issued areas (000, 666, 9xx), group 00 or serial 0000.
- **UK National Insurance numbers** and ids after "passport", "SSN", "national id", "id
  number" (``NATIONAL_ID``; the contextual ones must hold a digit).
- **Phone numbers** (``PHONE``): 9-15 digits, optionally led by ``+`` and grouped by spaces,
  dots, dashes or parentheses, that overlap no ISO date (``2027-05-04``) and follow no currency
  sign; an ungrouped run without ``+`` counts only up to 12 digits, so epoch timestamps and turn
  keys in operational logs stay readable. Eight digits or fewer are never a phone number here:
  dates and amounts stay readable.

It is the default for stored turns (``redactStoredPii``), the fallback of the Comprehend
redactor, and what every log record passes through (:mod:`runtime.providers.observability`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from runtime.redaction.base import PiiSpan, apply_spans

CARD_DIGITS = range(13, 20)
PHONE_DIGITS = range(9, 16)
PLAIN_PHONE_DIGITS = range(9, 13)  # an ungrouped run with no "+": 13+ digits are timestamps
IBAN_LENGTH = range(15, 35)

_DIGIT_RUN = re.compile(r"(?<![\d])\d+(?:[ -]\d+)*(?![\d])")
_GROUP = re.compile(r"\d+")
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,24}(?![\w-])")
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|cid|security\s+code)\b(?:\s+is)?\W{0,3}(\d{3,4})(?!\d)",
    re.IGNORECASE,
)
_EXPIRY = re.compile(
    r"\b(?:exp(?:iry|ires|iration)?(?:\s+date)?)\W{0,3}(\d{1,2}\s?/\s?\d{2,4})(?!\d)",
    re.IGNORECASE,
)
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]*")
_IBAN_MORE = re.compile(r" ?[A-Za-z0-9]+")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ID_CONTEXT = re.compile(
    r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?))?|passport(?:\s+(?:number|no\.?))?"
    r"|national\s+id(?:entity)?(?:\s+(?:number|card|no\.?))?|id\s+(?:number|no\.?))"
    r"\s*(?:is|was|:|#|=)?\s*([A-Za-z0-9][A-Za-z0-9-]{4,19})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w/+$€£¥.,])(?:\+|\()?\d[\d ().-]{5,24}\d(?![\w/])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum (every payment card number does)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """Whether ``candidate`` (no spaces) passes the IBAN mod-97 check (ISO 13616 / ISO 7064)."""
    text = candidate.upper()
    if len(text) not in IBAN_LENGTH or not text[:2].isalpha() or not text[2:4].isdigit():
        return False
    rearranged = text[4:] + text[:4]
    try:
        number = int("".join(str(int(char, 36)) for char in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _cards(text: str) -> Iterator[PiiSpan]:
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run[0])]
        first = 0
        while first < len(groups):
            found = _longest_card(text, groups, first)
            if found is None:
                first += 1
                continue
            last = found
            yield PiiSpan(groups[first][0], groups[last][1], "CARD")
            first = last + 1


def _longest_card(text: str, groups: list[tuple[int, int]], first: int) -> int | None:
    """The index of the last group of the longest Luhn-valid card starting at ``first``."""
    for last in range(len(groups) - 1, first - 1, -1):
        digits = "".join(text[start:end] for start, end in groups[first : last + 1])
        if len(digits) in CARD_DIGITS and luhn_valid(digits):
            return last
    return None


def _ibans(text: str) -> Iterator[PiiSpan]:
    for start in _IBAN_START.finditer(text):
        end, compact = start.end(), start[0]
        best = end if iban_valid(compact) else None
        while (more := _IBAN_MORE.match(text, end)) is not None and len(compact) < max(IBAN_LENGTH):
            compact += more[0].strip()
            end = more.end()
            if iban_valid(compact):
                best = end
        if best is not None:
            yield PiiSpan(start.start(), best, "IBAN")


def _phones(text: str) -> Iterator[PiiSpan]:
    dates = [(m.start(), m.end()) for m in _ISO_DATE.finditer(text)]
    for match in _PHONE.finditer(text):
        digits = sum(char.isdigit() for char in match[0])
        plain = match[0].isdigit()
        if digits not in (PLAIN_PHONE_DIGITS if plain else PHONE_DIGITS):
            continue
        if any(start < match.end() and match.start() < end for start, end in dates):
            continue
        yield PiiSpan(match.start(), match.end(), "PHONE")


def _groups(
    pattern: re.Pattern[str], text: str, kind: str, *, need_digit: bool = False
) -> Iterator[PiiSpan]:
    """The first group of each match of ``pattern`` (the value after its context word)."""
    for match in pattern.finditer(text):
        if need_digit and not any(char.isdigit() for char in match[1]):
            continue
        yield PiiSpan(match.start(1), match.end(1), kind)


class LocalRedactor:
    """:class:`runtime.redaction.base.Redactor` by patterns and checksums (thread-safe)."""

    def find(self, text: str) -> list[PiiSpan]:
        """Every span of personal data in ``text``, unmerged and unsorted."""
        spans: list[PiiSpan] = []
        spans.extend(_cards(text))
        spans.extend(_groups(_CVV, text, "CVV"))
        spans.extend(_groups(_EXPIRY, text, "EXPIRY"))
        spans.extend(PiiSpan(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text))
        spans.extend(_ibans(text))
        spans.extend(PiiSpan(m.start(), m.end(), "SSN") for m in _SSN.finditer(text))
        spans.extend(PiiSpan(m.start(), m.end(), "NATIONAL_ID") for m in _NINO.finditer(text))
        spans.extend(_groups(_ID_CONTEXT, text, "NATIONAL_ID", need_digit=True))
        spans.extend(_phones(text))
        return spans

    def redact(self, text: str) -> str:
        """``text`` with every span :meth:`find` reports replaced by ``[KIND]``."""
        return apply_spans(text, self.find(text)) if text else text


_DEFAULT = LocalRedactor()


def redact(text: str) -> str:
    """Redact ``text`` with the shared :class:`LocalRedactor`."""
    return _DEFAULT.redact(text)

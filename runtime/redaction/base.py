"""The redactor interface, the span a detector reports, and how spans become placeholders.

A detector reports :class:`PiiSpan` s (character offsets into the text, end exclusive, and a
kind); :func:`apply_spans` merges overlapping ones and replaces each with ``[KIND]`` so a reader
of a log line or an exported turn still sees *that* something was there, never what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, order=True)
class PiiSpan:
    """``text[start:end]`` is personal data of ``kind`` (``CARD``, ``EMAIL``, ``PHONE``...)."""

    start: int
    end: int
    kind: str


class Redactor(Protocol):
    """Replaces personal data in a text with placeholders; never raises for any text."""

    def redact(self, text: str) -> str:
        """``text`` with every detected piece of personal data replaced by ``[KIND]``."""
        ...


#: When spans overlap, the merged one is named after the most specific kind: a checksum-backed
#: card or IBAN before a formatted SSN, before an id found by its context word, before the
#: catch-all phone pattern. Kinds not listed rank after these.
SPECIFICITY = ("CARD", "IBAN", "SSN", "NATIONAL_ID", "CVV", "EXPIRY", "EMAIL", "PHONE")


def _rank(kind: str) -> int:
    return SPECIFICITY.index(kind) if kind in SPECIFICITY else len(SPECIFICITY)


def merge_spans(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Sorted, non-overlapping spans; overlapping ones become one, named by :data:`SPECIFICITY`."""
    merged: list[PiiSpan] = []
    for span in sorted(s for s in spans if s.end > s.start):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=_rank)
            merged[-1] = PiiSpan(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


def apply_spans(text: str, spans: Iterable[PiiSpan]) -> str:
    """``text`` with each (merged) span replaced by ``[KIND]``; spans outside it are clipped."""
    parts: list[str] = []
    position = 0
    for span in merge_spans(spans):
        start, end = max(span.start, position), min(span.end, len(text))
        if start >= end:
            continue
        parts.append(text[position:start])
        parts.append(f"[{span.kind}]")
        position = end
    parts.append(text[position:])
    return "".join(parts)

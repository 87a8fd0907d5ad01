"""Places: finds city mentions in text and maps them to canonical city names and airport codes.

Two sources, both shipped in the package (no network, a few MB):
- the bot model's ``City`` slot type (popular destinations with synonyms and IATA codes), which
  always wins and is matched anywhere in a message;
- the ``airportsdata`` package (about 7,900 airports with IATA codes and their cities, plus
  metropolitan codes such as NYC and LON), loaded lazily on first use, for the long tail.

A long-tail city must look like a place (capitalised mid-sentence, or after a cue word such as
"to", "in" or "from") and must not be an everyday word, so "have a nice day" is not a trip to
Nice. Typos are tolerated with a fuzzy match (``rapidfuzz``) near cue words.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from runtime.model import SlotTypeValue
from runtime.nlu.entities import Mention
from runtime.nlu.text import Token, fold, tokenize

DESTINATION_CUES = frozenset(
    {
        "to",
        "in",
        "for",
        "at",
        "visit",
        "visiting",
        "around",
        "near",
        "into",
        "about",
        "of",
        "towards",
        "see",
    }
)
ORIGIN_CUES = frozenset({"from", "leaving", "departing", "depart", "departure", "ex"})
CUES = DESTINATION_CUES | ORIGIN_CUES
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    get go going good great had has have having he her here hers him his how i if in into is it
    its just know like me more most my no nor not now of off ok okay on once only or other our
    out over own please same she should so some such than thank thanks that the their them then
    there these they this those through time to too under until up very want was we well were
    what when where which while who whom why will with would yes yet you your yours day days
    week weeks night nights month weekend long trip travel flight flights weather hello hi hey
    help bye cheap best next last first new old big small nice fine sure way back home city
    town place beach sun rain snow hot cold warm summer winter spring autumn fall holiday
    vacation tour
    """.split()  # noqa: SIM905 - a word list reads better as text
)
MAX_SPAN_TOKENS = 4
FUZZY_CURATED_CUTOFF = 80.0
FUZZY_LONG_TAIL_CUTOFF = 88.0


@dataclass(frozen=True)
class City:
    """A canonical city and the airport code that flight searches use for it."""

    name: str
    code: str | None


class _LongTail:
    """Cities and IATA codes from ``airportsdata``, loaded once, on first use (about 100 ms)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self.by_name: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.code_of: dict[str, str] = {}
        self.names: list[str] = []

    def ensure(self) -> _LongTail:
        if self._loaded:
            return self
        with self._lock:
            if not self._loaded:
                self._load()
                self._loaded = True
        return self

    def _load(self) -> None:
        import airportsdata  # deferred: only needed for cities outside the bot model

        airports = airportsdata.load("IATA")
        per_name: dict[str, Counter[str]] = defaultdict(Counter)
        codes: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for code, airport in airports.items():
            city = airport["city"].strip()
            if not city:
                continue
            self.by_code[code] = city
            per_name[fold(city)][city] += 1
            rank = 0 if "international" in airport["name"].lower() else 1
            codes[fold(city)].append((rank, code))
        for mac_code, mac in airportsdata.load_iata_macs().items():
            self.by_code[mac_code] = mac["name"]
            codes[fold(mac["name"])].insert(0, (-1, mac_code))
        for key, spellings in per_name.items():
            self.by_name[key] = spellings.most_common(1)[0][0]
        for key, ranked in codes.items():
            self.code_of[key] = min(ranked)[1]
        self.names = sorted(self.by_name)


class Gazetteer:
    """Finds and canonicalises cities. Thread-safe; build once per process."""

    def __init__(self, cities: Sequence[SlotTypeValue], vocabulary: Iterable[str] = ()) -> None:
        self._curated: dict[str, str] = {}
        self._curated_codes: dict[str, str] = {}
        self._short_aliases: set[str] = set()
        for entry in cities:
            self._curated[fold(entry.value)] = entry.value
            for synonym in entry.synonyms:
                self._curated[fold(synonym).rstrip(".")] = entry.value
                if len(synonym) <= 3:
                    self._short_aliases.add(fold(synonym).rstrip("."))
                if (
                    len(synonym) == 3
                    and synonym.isupper()
                    and entry.value not in self._curated_codes
                ):
                    self._curated_codes[entry.value] = synonym
        self._curated_names = sorted(self._curated)
        self._common = STOPWORDS | {fold(w) for w in vocabulary}
        self._long_tail = _LongTail()

    # ------------------------------------------------------------------ public API
    def find(self, text: str) -> list[Mention]:
        """Every city mentioned in ``text``, longest match first, with the cue word before it."""
        tokens = tokenize(text)
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            mention, used = self._match_at(tokens, index)
            if mention is not None:
                found.append(mention)
                index += used
            else:
                index += 1
        return found

    def resolve(self, raw: str) -> str | None:
        """Canonical city name for a raw value (from a cloud NLU or a bare answer), or ``None``."""
        key = self._key(tokenize(raw))
        if not key:
            return None
        if key in self._curated:
            return self._curated[key]
        long_tail = self._long_tail.ensure()
        if raw.strip().isupper() and raw.strip() in long_tail.by_code:
            return long_tail.by_code[raw.strip()]
        if key in long_tail.by_name:
            return long_tail.by_name[key]
        return self._fuzzy(key, allow_long_tail=True)

    def city(self, name: str) -> City:
        """The city with its airport (or metropolitan) code for flight searches."""
        if name in self._curated_codes:
            return City(name, self._curated_codes[name])
        return City(name, self._long_tail.ensure().code_of.get(fold(name)))

    # ------------------------------------------------------------------ matching
    @staticmethod
    def _key(tokens: Sequence[Token]) -> str:
        words = [t.text[:-2] if t.text.endswith("'s") else t.text for t in tokens]
        return " ".join(words).strip(".")

    @staticmethod
    def _cue(tokens: Sequence[Token], index: int) -> str:
        if index == 0:
            return ""
        cue = tokens[index - 1].text
        if cue == "of" and index >= 2 and tokens[index - 2].text == "out":
            return "from"
        return cue

    def _looks_like_place(self, tokens: Sequence[Token], index: int, span: Sequence[Token]) -> bool:
        capitalised = all(t.original[:1].isupper() for t in span) and index > 0
        key = self._key(span)
        if key in self._common:
            return capitalised
        return capitalised or self._cue(tokens, index) in CUES

    def _match_at(self, tokens: Sequence[Token], index: int) -> tuple[Mention | None, int]:
        cue = self._cue(tokens, index)
        for length in range(min(MAX_SPAN_TOKENS, len(tokens) - index), 0, -1):
            span = tokens[index : index + length]
            city = self._exact(tokens, index, span)
            if city is not None:
                return Mention("place", span[0].start, span[-1].end, city, cue), length
        fuzzy = self._fuzzy_at(tokens, index)
        if fuzzy is not None:
            name, length = fuzzy
            span = tokens[index : index + length]
            return Mention("place", span[0].start, span[-1].end, name, cue), length
        return None, 1

    def _exact(self, tokens: Sequence[Token], index: int, span: Sequence[Token]) -> str | None:
        key = self._key(span)
        original = " ".join(t.original for t in span)
        if key in self._curated:
            if key in self._short_aliases and not original.isupper():
                return None  # "mad", "sin", "la" are words unless written as codes
            if key in self._common and not self._looks_like_place(tokens, index, span):
                return None
            return self._curated[key]
        if len(span) == 1 and len(original) == 3 and original.isupper():
            return self._long_tail.ensure().by_code.get(original)
        if any(not t.text.isalpha() for t in span if "-" not in t.text and "." not in t.text):
            return None
        long_tail = self._long_tail.ensure()
        if key in long_tail.by_name and self._looks_like_place(tokens, index, span):
            return long_tail.by_name[key]
        return None

    def _fuzzy_at(self, tokens: Sequence[Token], index: int) -> tuple[str, int] | None:
        cue = self._cue(tokens, index) in CUES
        for length in (2, 1):
            span = tokens[index : index + length]
            if len(span) < length or not all(t.text.isalpha() for t in span):
                continue
            key = self._key(span)
            if len(key) < 4 or any(t.text in self._common for t in span):
                continue
            if not cue and (length > 1 or len(key) < 5):
                continue
            city = self._fuzzy(key, allow_long_tail=cue)
            if city is not None:
                return city, length
        return None

    def _fuzzy(self, key: str, *, allow_long_tail: bool) -> str | None:
        match = process.extractOne(
            key, self._curated_names, scorer=fuzz.ratio, score_cutoff=FUZZY_CURATED_CUTOFF
        )
        if match is not None and len(match[0]) > 3:
            return self._curated[match[0]]
        if not allow_long_tail:
            return None
        long_tail = self._long_tail.ensure()
        match = process.extractOne(
            key, long_tail.names, scorer=fuzz.ratio, score_cutoff=FUZZY_LONG_TAIL_CUTOFF
        )
        return long_tail.by_name[match[0]] if match is not None else None

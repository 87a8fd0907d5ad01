"""Places in text: finds place mentions and reads them against the places index.

Two sources:
- the bot model's ``City`` slot type (popular destinations, their synonyms and codes), always
  matched and mapped onto the index's canonical names ("Big Apple" -> New York);
- the places index (:mod:`runtime.places`): any populated place, country, region or island,
  with alternate and historical names, airport codes, typos, ambiguity.

A mention of a small place, or one whose name is an English word, must look like a place: be
capitalised mid-sentence or follow a cue word ("to", "in", "from"), so "have a nice day" is
not a trip to Nice. A place may be narrowed by what follows it ("Portland, Maine", "Taos, New
Mexico"). Typos resolve only when unambiguous. A name several places share, with none
dominant, becomes an :class:`AmbiguousPlace` (the dialogue asks which one); a word after a cue
that is not English and names nothing becomes an :class:`UnknownPlace` ("I couldn't find
Atlantis"): nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runtime.model import SlotTypeValue
from runtime.nlu.entities import Mention
from runtime.nlu.text import Token, fold, tokenize
from runtime.places.keys import fold_key
from runtime.places.lookup import Places, Resolution
from runtime.places.place import Place

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
UNKNOWN_CUES = frozenset({"to", "in", "from", "visit", "visiting"})
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
    help bye cheap best next last first new old big small fine sure way back home city
    town place beach sun rain snow hot cold warm summer winter spring autumn fall holiday
    vacation tour january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday today tomorrow
    tonight morning evening afternoon
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Words a place name may start with although they are stop words ("The Hague", "Los Angeles").
NAME_STARTS = frozenset({"the", "new", "la", "le", "el", "los", "las", "san", "st", "saint"})
MAX_SPAN_TOKENS = 4
MAX_QUALIFIER_TOKENS = 3
MIN_KEY_LENGTH = 3
MIN_UNCUED_TYPO = 5


@dataclass(frozen=True)
class City:
    """A canonical place and the airport code that flight searches use for it."""

    name: str
    code: str | None


@dataclass(frozen=True)
class AmbiguousPlace:
    """A mention several places could be: ``candidates`` are their canonical names."""

    text: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class UnknownPlace:
    """A mention that looks like a place but names none."""

    text: str


@dataclass(frozen=True)
class PlaceReading:
    """How a raw value reads as a place: one canonical name, candidates, or nothing."""

    text: str
    name: str | None = None
    candidates: tuple[str, ...] = ()


class Gazetteer:
    """Finds and canonicalises places. Thread-safe; build once per process."""

    def __init__(
        self,
        cities: Sequence[SlotTypeValue],
        vocabulary: Iterable[str] = (),
        places: Places | None = None,
    ) -> None:
        self.places = places if places is not None else Places()
        self._curated: dict[str, str] = {}
        self._curated_codes: dict[str, str] = {}
        self._short_aliases: set[str] = set()
        for entry in cities:
            self._curated[fold_key(entry.value)] = entry.value
            for synonym in entry.synonyms:
                key = fold_key(synonym)
                self._curated[key] = entry.value
                if len(synonym) <= 3:
                    self._short_aliases.add(key)
                if len(synonym) == 3 and synonym.isupper():
                    self._curated_codes.setdefault(entry.value, synonym)
        self._common = STOPWORDS | {fold(w) for w in vocabulary}
        self._canonical: dict[str, str] = {}
        self._curated_canonical: frozenset[str] | None = None

    # ------------------------------------------------------------------ public API
    def find(self, text: str) -> list[Mention]:
        """Every place mentioned in ``text``, longest match first, with the cue word before it.

        A mention's value is a canonical name (``str``), an :class:`AmbiguousPlace` or an
        :class:`UnknownPlace`.
        """
        tokens = tokenize(text)
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            pair = self._code_pair(tokens[index])
            if pair:
                found.extend(pair)
                index += 1
                continue
            mention, used = self._match_at(text, tokens, index)
            if mention is not None:
                found.append(mention)
                index += used
            else:
                index += 1
        return found

    def _code_pair(self, token: Token) -> list[Mention]:
        """ "SYD-AKL": two airport codes written as one word."""
        parts = token.original.split("-")
        if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
            return []
        served = [self.places.serving(p) for p in parts]
        if None in served:
            return []
        start = token.start
        return [
            Mention("place", start, start + 3, served[0], ""),
            Mention("place", start + 4, token.end, served[1], ""),
        ]

    def read(self, raw: str) -> PlaceReading:
        """A raw value (a cloud NLU's slot value, a bare answer) read as a place."""
        text = raw.strip().rstrip(".!?")
        tokens = tokenize(text)
        if not tokens:
            return PlaceReading(raw)
        curated = self._curated_name(tokens, whole=True)
        if curated is not None:
            return PlaceReading(raw, curated)
        if len(tokens) == 1 and len(tokens[0].original) == 3 and tokens[0].original.isupper():
            served = self.places.serving(tokens[0].original)
            if served is not None:
                return PlaceReading(raw, served)
        resolution = self._lookup(text) or self._qualified_whole(text, tokens)
        if resolution is None:
            resolution = self.places.typo(text)
        return _reading(raw, resolution)

    def resolve(self, raw: str) -> str | None:
        """Canonical name for a raw value, or ``None`` (unknown or ambiguous)."""
        return self.read(raw).name

    def place(self, name: str) -> Place | None:
        """The :class:`Place` of a canonical name."""
        return self.places.place(self.canonical(name))

    def city(self, name: str) -> City:
        """The place with its airport (or metropolitan) code for flight searches."""
        place = self.place(name)
        if place is not None:
            return City(place.name, place.iata)
        return City(name, self._curated_codes.get(name))

    def canonical(self, value: str) -> str:
        """The index's canonical name of a bot-model city value ("Rio De Janeiro" ->
        "Rio de Janeiro"); the value itself when the index lacks it."""
        if value not in self._canonical:
            resolution = self.places.lookup(value)
            name = resolution.name if resolution is not None else None
            self._canonical[value] = name if name is not None else value
        return self._canonical[value]

    # ------------------------------------------------------------------ matching
    def _lookup(self, text: str) -> Resolution | None:
        resolution = self.places.lookup(text)
        if resolution is None and fold_key(text).startswith("the "):
            resolution = self.places.lookup(fold_key(text)[4:])
        return resolution

    def _qualified_whole(self, text: str, tokens: Sequence[Token]) -> Resolution | None:
        """ "Portland, Maine" as a whole value: a name then a country or region."""
        for split in range(len(tokens) - 1, 0, -1):
            head = text[tokens[0].start : tokens[split - 1].end]
            tail = text[tokens[split].start : tokens[-1].end]
            resolution = self.places.qualified(head, tail)
            if resolution is not None:
                return resolution
        return None

    def _curated_name(self, span: Sequence[Token], *, whole: bool = False) -> str | None:
        key = fold_key(" ".join(_strip_possessive(t) for t in span))
        if key not in self._curated:
            return None
        original = " ".join(t.original for t in span)
        if key in self._short_aliases and not original.isupper():
            return None  # "mad", "sin", "la" are words unless written as codes
        return self.canonical(self._curated[key])

    @staticmethod
    def _cue(tokens: Sequence[Token], index: int) -> str:
        if index == 0:
            return ""
        cue = tokens[index - 1].text
        if cue == "of" and index >= 2 and tokens[index - 2].text == "out":
            return "from"
        return cue

    def _match_at(
        self, text: str, tokens: Sequence[Token], index: int
    ) -> tuple[Mention | None, int]:
        cue = self._cue(tokens, index)
        first = tokens[index]
        if first.text in self._common and first.text not in NAME_STARTS:
            return None, 1
        for length in range(min(MAX_SPAN_TOKENS, len(tokens) - index), 0, -1):
            span = tokens[index : index + length]
            value = self._exact(text, tokens, index, span)
            if value is not None:
                narrowed, length = self._narrowed(text, tokens, index, length, value)
                end = tokens[index + length - 1].end
                return Mention("place", first.start, end, narrowed or value, cue), length
            if length > 1:  # "luang phabang": a two-word typo beats a one-word alternate name
                typo = self._typo_at(text, tokens, index, length)
                if typo is not None:
                    end = tokens[index + length - 1].end
                    return Mention("place", first.start, end, typo, cue), length
        typo = self._typo_at(text, tokens, index, 1)
        if typo is not None:
            return Mention("place", first.start, first.end, typo, cue), 1
        if self._unknown_at(tokens, index):
            return Mention("place", first.start, first.end, UnknownPlace(first.original), cue), 1
        return None, 1

    def _exact(
        self, text: str, tokens: Sequence[Token], index: int, span: Sequence[Token]
    ) -> str | AmbiguousPlace | None:
        curated = self._curated_name(span)
        if curated is not None:
            key = fold_key(span[0].text)
            if len(span) == 1 and key in self._common and not self._place_like(tokens, index):
                return None
            return curated
        original = text[span[0].start : span[-1].end]
        if len(span) == 1 and len(original) == 3 and original.isalpha():
            code = self._code(text, tokens, index)
            if code is not None:
                return code
        if not all(_wordlike(t) for t in span) or len(fold_key(original)) < MIN_KEY_LENGTH:
            return None
        resolution = self._lookup(original)
        if resolution is None or not resolution.names:
            return None
        if span[0].text == "the" and resolution.everyday and not resolution.key.startswith("the "):
            return None  # "in the bath"
        if not self._acceptable(resolution, tokens, index, span):
            value, _ = self._narrowed(text, tokens, index, len(span), None)
            return value  # "Taos, New Mexico": the region vouches for a small place
        return _value(original, resolution)

    def _code(self, text: str, tokens: Sequence[Token], index: int) -> str | None:
        """An IATA code: written in capitals, or in lower case paired with another code
        across "to", "from" or a dash ("zrh to vie") when it names no place itself."""
        original = tokens[index].original
        if original.isupper():
            return self.places.serving(original)
        key = original.lower()
        if key in self._common or self.places.lookup(key) is not None:
            return None
        if not self._paired(text, tokens, index):
            return None
        return self.places.serving(original)

    def _paired(self, text: str, tokens: Sequence[Token], index: int) -> bool:
        """Whether another code sits across "to"/"from" or a dash from token ``index``."""
        pairs = [(index - 2, index - 1), (index + 2, index + 1), (index - 1, -1), (index + 1, -1)]
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
            if len(word) == 3 and word.isalpha() and self.places.serving(word) is not None:
                return True
        return False

    def _acceptable(
        self, resolution: Resolution, tokens: Sequence[Token], index: int, span: Sequence[Token]
    ) -> bool:
        """Whether a name found in the index is meant as a place here.

        An everyday word ("nice") needs a cue or capitals; a small place named by an English
        word needs capitals; in the middle of a sentence, without cue or capitals, only a
        notable place's own name counts ("paris and rome", not a town's foreign name)."""
        place_like = self._place_like(tokens, index, span)
        if resolution.everyday or resolution.key in self._common:
            return place_like and (resolution.notable or _capitalised(span))
        if resolution.word and not resolution.notable:
            return _capitalised(span) and (index > 0 or self._cue(tokens, index) in CUES)
        if index > 0 and not place_like:
            return resolution.notable and not resolution.alternate_only
        return True

    def _place_like(
        self, tokens: Sequence[Token], index: int, span: Sequence[Token] | None = None
    ) -> bool:
        span = span if span is not None else tokens[index : index + 1]
        capitalised = _capitalised(span) and index > 0
        return capitalised or self._cue(tokens, index) in CUES

    def _narrowed(
        self,
        text: str,
        tokens: Sequence[Token],
        index: int,
        length: int,
        value: str | AmbiguousPlace | None,
    ) -> tuple[str | AmbiguousPlace | None, int]:
        """Absorb a following country or region that narrows the place ("Paris, Texas")."""
        name_text = text[tokens[index].start : tokens[index + length - 1].end]
        after = index + length
        for extra in range(min(MAX_QUALIFIER_TOKENS, len(tokens) - after), 0, -1):
            qualifier = text[tokens[after].start : tokens[after + extra - 1].end]
            if tokens[after].text in self._common and tokens[after].text not in NAME_STARTS:
                break
            resolution = self.places.qualified(name_text, qualifier)
            if resolution is not None and resolution.name is not None:
                return resolution.name, length + extra
        return value, length

    def _typo_at(self, text: str, tokens: Sequence[Token], index: int, length: int) -> str | None:
        """The place a misspelt span of ``length`` tokens means, when unambiguous. Without a
        cue, capitals or the start of the message only the bot model's cities are guessed
        ("flihgts frm londn"); at the start of a message, only notable places ("barcelna in
        may?", but not "blorp fnord" as Blora)."""
        cued = self._cue(tokens, index) in CUES or _capitalised(tokens[index:])
        positioned = cued or index == 0
        if not positioned and (length > 1 or len(tokens[index].text) < MIN_UNCUED_TYPO):
            return None
        span = tokens[index : index + length]
        if len(span) < length or not all(t.text.isalpha() for t in span):
            return None
        if span[-1].text in self._common or self.places.english_word(span[-1].text):
            return None
        if any(t.text in self._common and t.text not in NAME_STARTS for t in span):
            return None
        resolution = self.places.typo(text[span[0].start : span[-1].end])
        name = resolution.name if resolution is not None else None
        if name is None or name in self._curated_names():
            return name
        if not positioned:
            return None
        # Only first in the message, with no cue and no capital ("blorp fnord"): a guess at a
        # misspelling is worth making only for a place people travel to.
        return name if cued or (resolution is not None and resolution.notable) else None

    def _curated_names(self) -> frozenset[str]:
        """The bot model's cities under their canonical names."""
        if self._curated_canonical is None:
            self._curated_canonical = frozenset(
                self.canonical(v) for v in set(self._curated.values())
            )
        return self._curated_canonical

    def _unknown_at(self, tokens: Sequence[Token], index: int) -> bool:
        """A word after "to", "in", "from" or "visit" that is neither English nor a place: "a
        trip to Wakanda"."""
        token = tokens[index]
        if self._cue(tokens, index) not in UNKNOWN_CUES or not token.text.isalpha():
            return False
        if len(token.text) < MIN_KEY_LENGTH or token.text in self._common:
            return False
        return not self.places.english_word(token.text) and self.places.available


def _strip_possessive(token: Token) -> str:
    return token.text[:-2] if token.text.endswith("'s") else token.text


def _wordlike(token: Token) -> bool:
    return all(part.isalpha() for part in token.text.replace("-", " ").replace(".", " ").replace(
        "'", " ").split())  # fmt: skip


def _capitalised(span: Sequence[Token]) -> bool:
    return bool(span) and all(t.original[:1].isupper() for t in span)


def _value(text: str, resolution: Resolution) -> str | AmbiguousPlace:
    name = resolution.name
    return name if name is not None else AmbiguousPlace(text, resolution.names)


def _reading(raw: str, resolution: Resolution | None) -> PlaceReading:
    if resolution is None or not resolution.names:
        return PlaceReading(raw)
    if resolution.name is not None:
        return PlaceReading(raw, resolution.name)
    return PlaceReading(raw, None, resolution.names)

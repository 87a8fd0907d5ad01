"""Places in text: finds place mentions and reads them against the places index.

Two sources:
- the bot model's ``City`` slot type (popular destinations, their synonyms and codes), always
  matched and mapped onto the index's canonical names ("Big Apple" -> New York);
- the places index (:mod:`runtime.places`): any populated place, country, region or island,
  with alternate and historical names, airport codes, typos, ambiguity.

A mention of a small place, or one whose name is an English word, must look like a place: be
capitalised mid-sentence or follow a cue word ("to", "in", "from"), so "have a nice day" is
not a trip to Nice; a notable place's own name made of several everyday words may also open
the message ("lake district for 5 days", "key west weather"). A word of everyday talk only
starts a longer name ("port douglas"). A place may be narrowed by what follows it ("Portland,
Maine", "Taos, New Mexico"). Typos resolve only when unambiguous; airport codes are read by
:mod:`runtime.nlu.place_codes`. A name several places share, with none
dominant, becomes an :class:`AmbiguousPlace` (the dialogue asks which one); a word after a cue
that is not English and names nothing becomes an :class:`UnknownPlace` ("I couldn't find
Atlantis"): nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runtime.model import SlotTypeValue
from runtime.nlu.entities import Mention
from runtime.nlu.place_codes import code_at, code_pair
from runtime.nlu.place_words import (
    CUES,
    DESTINATION_CUES,
    INFINITIVE_VERBS,
    NAME_STARTS,
    ORIGIN_CUES,
    STOPWORDS,
    UNKNOWN_CUES,
)
from runtime.nlu.text import Token, fold, tokenize
from runtime.places.keys import fold_key
from runtime.places.layout import FLAG_EVERYDAY, FLAG_NOTABLE
from runtime.places.lookup import Places, Resolution
from runtime.places.place import Place

__all__ = [
    "DESTINATION_CUES",
    "ORIGIN_CUES",
    "AmbiguousPlace",
    "City",
    "Gazetteer",
    "PlaceReading",
    "UnknownPlace",
]

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
        self._vocabulary = {fold(w) for w in vocabulary} - STOPWORDS
        self._vocabulary_places: dict[str, bool] = {}
        self._canonical: dict[str, str] = {}
        self._curated_canonical: frozenset[str] | None = None

    def _is_common(self, word: str) -> bool:
        """Whether a folded word is a stop word or a word of the bot model's utterances,
        which is not read as a place unless written as one ("plan", "weather"). A word the
        utterances happen to use that names a notable place and is no everyday English word
        ("what is the capital of australia") stays a place name."""
        if word in STOPWORDS:
            return True
        if word not in self._vocabulary:
            return False
        if word not in self._vocabulary_places:
            flags = self.places.flags(word)
            self._vocabulary_places[word] = (
                flags is not None and bool(flags & FLAG_NOTABLE) and not flags & FLAG_EVERYDAY
            )
        return not self._vocabulary_places[word]

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
            pair = code_pair(self.places, tokens[index])
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
        # A word of everyday talk only starts a longer name of a place: "key west", "port
        # douglas", "lake district" (and then the place's own name, not a foreign alternate).
        common = self._is_common(first.text) and first.text not in NAME_STARTS
        shortest = 2 if common else 1
        for length in range(min(MAX_SPAN_TOKENS, len(tokens) - index), shortest - 1, -1):
            span = tokens[index : index + length]
            value = self._exact(text, tokens, index, span, own_name=common)
            if value is not None:
                narrowed, length = self._narrowed(text, tokens, index, length, value)
                end = tokens[index + length - 1].end
                return Mention("place", first.start, end, narrowed or value, cue), length
            if length > 1:  # "luang phabang": a two-word typo beats a one-word alternate name
                typo = self._typo_at(text, tokens, index, length)
                if typo is not None:
                    end = tokens[index + length - 1].end
                    return Mention("place", first.start, end, typo, cue), length
        if common:
            return None, 1
        typo = self._typo_at(text, tokens, index, 1)
        if typo is not None:
            return Mention("place", first.start, first.end, typo, cue), 1
        if self._unknown_at(tokens, index):
            return Mention("place", first.start, first.end, UnknownPlace(first.original), cue), 1
        return None, 1

    def _exact(
        self,
        text: str,
        tokens: Sequence[Token],
        index: int,
        span: Sequence[Token],
        *,
        own_name: bool = False,
    ) -> str | AmbiguousPlace | None:
        if not all(_wordlike(t) for t in span):  # "edinburgh £": a symbol is no part of a name
            return None
        curated = self._curated_name(span)
        if curated is not None:
            key = fold_key(span[0].text)
            if len(span) == 1 and self._is_common(key) and not self._place_like(tokens, index):
                return None
            return curated
        original = text[span[0].start : span[-1].end]
        if len(span) == 1 and len(original) == 3 and original.isalpha():
            code = code_at(self.places, text, tokens, index, self._is_common)
            if code is not None:
                return code
        if not all(_wordlike(t) for t in span) or len(fold_key(original)) < MIN_KEY_LENGTH:
            return None
        resolution = self._lookup(original)
        if resolution is None or not resolution.names:
            return None
        if own_name and resolution.alternate_only:
            return None
        if (
            span[0].text == "the"
            and resolution.everyday
            and not resolution.key.startswith("the ")
            and not _compound_name(resolution)
        ):
            return None  # "in the bath", but "the black forest"
        if not self._acceptable(resolution, tokens, index, span):
            value, _ = self._narrowed(text, tokens, index, len(span), None)
            return value  # "Taos, New Mexico": the region vouches for a small place
        return _value(original, resolution)

    def _acceptable(
        self, resolution: Resolution, tokens: Sequence[Token], index: int, span: Sequence[Token]
    ) -> bool:
        """Whether a name found in the index is meant as a place here.

        An everyday word ("nice") needs a cue or capitals; a small place named by an English
        word needs capitals; in the middle of a sentence, without cue or capitals, only a
        notable place's own name counts ("paris and rome", not a town's foreign name)."""
        place_like = self._place_like(tokens, index, span)
        if resolution.everyday or self._is_common(resolution.key):
            if place_like:
                return resolution.notable or _capitalised(span)
            return index == 0 and _compound_name(resolution)  # "lake district for 5 days"
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
            if self._is_common(tokens[after].text) and tokens[after].text not in NAME_STARTS:
                break
            if not all(_wordlike(t) for t in tokens[after : after + extra]):
                continue  # "edinburgh, £700": a symbol or a number narrows nothing
            resolution = self.places.qualified(name_text, qualifier)
            if resolution is not None and resolution.name is not None:
                return resolution.name, length + extra
        return value, length

    def _typo_at(self, text: str, tokens: Sequence[Token], index: int, length: int) -> str | None:
        """The place a misspelt span of ``length`` tokens means, when unambiguous. Without a
        cue, capitals or the start of the message only the bot model's cities are guessed
        ("flihgts frm londn"); at the start of a message, only notable places ("barcelna in
        may?", but not "blorp fnord" as Blora). A name of several words may stand after an
        article and its cue ("hiking in the lake distrct")."""
        cue = self._cue(tokens, index)
        if cue == "the" and length > 1:
            cue = self._cue(tokens, index - 1)
        cued = cue in CUES or _capitalised(tokens[index:])
        positioned = cued or index == 0
        if not positioned and (length > 1 or len(tokens[index].text) < MIN_UNCUED_TYPO):
            return None
        span = tokens[index : index + length]
        if len(span) < length or not all(t.text.isalpha() for t in span):
            return None
        if self._is_common(span[-1].text) or self.places.english_word(span[-1].text):
            return None
        if any(self._is_common(t.text) and t.text not in NAME_STARTS for t in span):
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
        trip to Wakanda". Not after "need to", "want to" and the like, where "to" starts a verb
        the word list may lack ("need to acclimatise")."""
        token = tokens[index]
        cue = self._cue(tokens, index)
        if cue not in UNKNOWN_CUES or not token.text.isalpha():
            return False
        if cue == "to" and index >= 2 and tokens[index - 2].text in INFINITIVE_VERBS:
            return False
        if len(token.text) < MIN_KEY_LENGTH or self._is_common(token.text):
            return False
        return not self.places.english_word(token.text) and self.places.available


def _strip_possessive(token: Token) -> str:
    return token.text[:-2] if token.text.endswith("'s") else token.text


def _wordlike(token: Token) -> bool:
    return all(part.isalpha() for part in token.text.replace("-", " ").replace(".", " ").replace(
        "'", " ").split())  # fmt: skip


def _compound_name(resolution: Resolution) -> bool:
    """A notable place's own name made of several everyday words ("lake district", "key west",
    "black forest"): distinctive enough to be read as a place first in a message, uncued and
    in lower case, where one everyday word ("nice") is not. A name starting with "the" is
    more often a description ("the valley"), a foreign alternate name often a word-for-word
    transliteration, so neither counts."""
    key = resolution.key
    return (
        " " in key
        and resolution.notable
        and not resolution.alternate_only
        and not key.startswith("the ")
    )


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

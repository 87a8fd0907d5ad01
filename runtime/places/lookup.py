"""Looking places up by name, by qualified name, by typo and by airport code.

:class:`Places` answers with :class:`Resolution` values, canonical names only: one name when
the text resolves, several when it is ambiguous (the dialogue asks which one), none when no
place has that name. Typos resolve only when unambiguous: the nearest names (by edit
distance, a transposition counting as one edit; a name that sounds the same is allowed one
edit more) must mean one place, or one of their places must dominate the others.

The index opens lazily on first use (``mmap``, about a millisecond); when it is missing or
unreadable every lookup answers "no place" and the failure is logged once: the bot keeps
working with the bot model's own cities (see :mod:`runtime.nlu.gazetteer`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from runtime.errors import PlacesIndexError
from runtime.places.artefact import INDEX_PATH
from runtime.places.index import KeyEntry, PlaceIndex
from runtime.places.keys import fold_key
from runtime.places.layout import (
    FLAG_EVERYDAY,
    FLAG_FUZZY,
    FLAG_NOTABLE,
    FLAG_WORD,
    PLACE_PROTECTED,
)
from runtime.places.place import Place
from runtime.places.sound import sound_key

logger = logging.getLogger(__name__)

MAX_TYPO_CANDIDATES = 24
PEER_RATIO = 10.0
"""How much more populous one of a typo's equally near meanings must be to win (as in
:mod:`runtime.places.builder.rules`, which the runtime does not ship)."""
PROTECTED_TYPO_RATIO = 100.0
"""The same between two destinations: a typo as near to both is ambiguous unless one is a
hundred times the other (a country beside a small island of a similar name)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a name means: ``names`` has one canonical name, several (ambiguous) or none."""

    key: str
    names: tuple[str, ...]
    flags: int = 0
    typo: bool = False
    alternate_only: bool = False
    """The name is only a GeoNames alternate name of the places (any language)."""

    @property
    def name(self) -> str | None:
        """The canonical name when the text resolves to exactly one place."""
        return self.names[0] if len(self.names) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Several places have this name and none dominates."""
        return len(self.names) > 1

    @property
    def everyday(self) -> bool:
        """The name is an everyday English word ("nice", "split")."""
        return bool(self.flags & FLAG_EVERYDAY)

    @property
    def word(self) -> bool:
        """The name is an English word, even a rare one."""
        return bool(self.flags & FLAG_WORD)

    @property
    def notable(self) -> bool:
        """It names a notable place (country, region, destination, capital, known city)."""
        return bool(self.flags & FLAG_NOTABLE)


def max_edits(key: str) -> int:
    """How many edits a typo of a name this long may have (short names get none)."""
    letters = len(key.replace(" ", ""))
    if letters <= 4:
        return 0
    if letters <= 7:
        return 1
    return 2 if letters <= 11 else 3


class Places:
    """Name, typo and code lookups over the places index. Thread-safe."""

    def __init__(self, index: PlaceIndex | None = None, *, path: Path = INDEX_PATH) -> None:
        self._index = index
        self._path = path
        self._lock = threading.Lock()
        self._failed = False
        self._typo_keys: dict[str, list[str]] | None = None

    # ---------------------------------------------------------------- loading
    @property
    def index(self) -> PlaceIndex | None:
        """The index, opened on first use; ``None`` when it cannot be read."""
        if self._index is None and not self._failed:
            with self._lock:
                if self._index is None and not self._failed:
                    try:
                        self._index = PlaceIndex.open(self._path)
                    except PlacesIndexError as exc:
                        self._failed = True
                        logger.warning("places index unavailable, cities only: %s", exc)
        return self._index

    @property
    def available(self) -> bool:
        """Whether the index could be opened."""
        return self.index is not None

    # ---------------------------------------------------------------- names
    def lookup(self, text: str) -> Resolution | None:
        """What ``text`` names exactly (case, accents and punctuation folded), or ``None``."""
        key = fold_key(text)
        index = self.index
        if not key or index is None:
            return None
        entry = index.entry(key)
        return None if entry is None else self._resolution(index, entry)

    def flags(self, text: str) -> int | None:
        """The key flags of ``text`` without decoding any place (``None``: no such name)."""
        index = self.index
        return None if index is None else index.flags_of(fold_key(text))

    @staticmethod
    def _resolution(index: PlaceIndex, entry: KeyEntry, *, typo: bool = False) -> Resolution:
        names = tuple(index.name(place_id) for place_id in entry.contenders)
        alternate_only = all(h.match == "alternate" for h in entry.holdings if h.contender)
        return Resolution(entry.key, names, entry.flags, typo, alternate_only)

    def qualified(self, text: str, qualifier: str) -> Resolution | None:
        """``text`` narrowed by a country or region ("Portland" + "Maine", "Taos" + "New
        Mexico", "Cordoba" + "Spain"), or ``None`` when the qualifier names neither or no
        holder of ``text`` lies in it."""
        index = self.index
        if index is None:
            return None
        area_key = fold_key(qualifier)
        if not area_key:  # punctuation or a symbol ("£") names no area
            return None
        entry = index.entry(fold_key(text))
        area = index.entry(area_key)
        if entry is None or area is None:
            return None
        areas = [a for a in area.contenders if index.kind_of(a) != "city"]
        if not areas:
            return None
        inside = []
        for holding in entry.holdings:
            place = holding.place_id
            for area_id in areas:
                if index.country_of(place) != index.country_of(area_id):
                    continue
                whole_country = index.kind_of(area_id) == "country"
                if whole_country or index.region_of(place) == index.region_of(area_id):
                    inside.append(place)
        if not inside:
            return None
        chosen = inside[0]  # holdings come best first: contenders, then by match and size
        return Resolution(entry.key, (index.name(chosen),), entry.flags)

    def typo(self, text: str) -> Resolution | None:
        """The one place a misspelt name means, or ``None``.

        Candidates are the well-known names with the same first letter within
        :func:`max_edits` edits, or one edit more when they sound the same
        (:func:`runtime.places.sound.sound_key`: "cancoon" is two edits from "cancun" and
        sounds like it). The nearest win. When they mean different places, the one notable
        place is preferred to the others, then the one that dominates them all ("chicgo" is
        one edit from Chicago and from Chico: :func:`_prominent`); otherwise the typo is
        ambiguous and ``None`` is returned. (Sounding alike does not break a tie: measured on
        thousands of generated typos it chose wrongly about as often as rightly.)
        """
        key = fold_key(text)
        edits = max_edits(key)
        index = self.index
        if edits == 0 or index is None:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        matches = process.extract(
            key,
            self._typo_choices(index).get(key[0], []),
            scorer=OSA.distance,
            score_cutoff=edits + 1,
            limit=MAX_TYPO_CANDIDATES,
        )
        sound = sound_key(key)
        ranked = [
            (distance, candidate)
            for candidate, distance in ((c, _distance(key, c, d)) for c, d, _ in matches)
            if distance <= edits or sound_key(candidate) == sound
        ]
        if not ranked:
            return None
        best = min(distance for distance, _ in ranked)
        nearest = [candidate for distance, candidate in ranked if distance == best]
        return self._typo_meaning(index, key, nearest)

    def _typo_meaning(self, index: PlaceIndex, key: str, nearest: list[str]) -> Resolution | None:
        """The one place the nearest names of a typo mean, if they mean one: the one notable
        meaning, else the one that dominates the others (:func:`_prominent`)."""
        meanings: dict[tuple[str, ...], _Meaning] = {}
        flags = 0
        for candidate in nearest:
            entry = index.entry(candidate)
            if entry is None:
                continue
            resolution = self._resolution(index, entry, typo=True)
            meanings[resolution.names] = _Meaning(entry.contenders, resolution.notable)
            flags |= resolution.flags
        if len(meanings) > 1:  # "hallstat": Hallstatt, not the Bavarian town of Hallstadt
            meanings = {n: m for n, m in meanings.items() if m.notable} or meanings
        if len(meanings) > 1:  # "chicgo": Chicago, not Chico
            meanings = _prominent(index, meanings)
        if len(meanings) != 1:
            return None
        (names,) = meanings
        return Resolution(key, names, flags, typo=True) if len(names) == 1 else None

    def _typo_choices(self, index: PlaceIndex) -> dict[str, list[str]]:
        """Typo targets by first letter: a typo keeps the first letter (which also keeps
        "Wakanda" from becoming Akanda)."""
        if self._typo_keys is None:
            with self._lock:
                if self._typo_keys is None:
                    by_letter: dict[str, list[str]] = {}
                    for key in index.keys_with(FLAG_FUZZY):
                        by_letter.setdefault(key[0], []).append(key)
                    self._typo_keys = by_letter
        return self._typo_keys

    # ---------------------------------------------------------------- places and codes
    def place(self, name: str) -> Place | None:
        """The place with this canonical name (as a :class:`Resolution` gives it)."""
        index = self.index
        if index is None or not name.strip():
            return None
        for prefix in _prefixes(name):
            entry = index.entry(fold_key(prefix))
            if entry is None:
                continue
            for holding in entry.holdings:
                if index.name(holding.place_id) == name:
                    return index.place(holding.place_id)
        return None

    def serving(self, code: str) -> str | None:
        """The canonical name of the place an IATA airport or metro code serves."""
        index = self.index
        if index is None:
            return None
        place_id = index.code(code)
        return None if place_id is None else index.name(place_id)

    def english_word(self, word: str) -> bool:
        """Whether ``word`` is a reasonably common English word (never an unknown place)."""
        index = self.index
        return index is not None and fold_key(word) in index.english_words

    def cities_in(
        self, country_code: str, limit: int = 5, *, own_airport: bool = False
    ) -> list[Place]:
        """The largest cities of a country (for "which city in Vietnam?"); with
        ``own_airport``, those with an airport, destinations first (for a flight's end)."""
        index = self.index
        return (
            [] if index is None else index.cities_in(country_code, limit, own_airport=own_airport)
        )


@dataclass(frozen=True, slots=True)
class _Meaning:
    """What one of a typo's nearest names means: its places, and how it compares."""

    places: tuple[int, ...]
    notable: bool


def _distance(key: str, candidate: str, osa: int) -> int:
    """The edit distance of a typo from a name, two letters swapped across a third counting
    as one edit, as two neighbours swapped do ("chigaco" is one slip from "chicago", not two
    substitutions)."""
    if osa == 2 and len(key) == len(candidate):
        diff = [i for i, (a, b) in enumerate(zip(key, candidate, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] - diff[0] == 2:
            first, last = diff
            if key[first] == candidate[last] and key[last] == candidate[first]:
                return 1
    return osa


def _prominent(
    index: PlaceIndex, meanings: dict[tuple[str, ...], _Meaning]
) -> dict[tuple[str, ...], _Meaning]:
    """The one meaning that dominates the others, much as the builder's rule lets a name's
    holder dominate (:mod:`runtime.places.builder.rules`): the one protected meaning (a
    destination, country, region or island) among meanings that are not; among protected
    meanings, one ``PROTECTED_TYPO_RATIO`` times as populous as each other one (Italy, not the
    Scottish island of Islay, for "itlay"; but "guana" is Ghana or Guyana); among unprotected
    meanings, one ``PEER_RATIO`` times as populous. A near name that is itself ambiguous counts
    as protected when any of its places is, and weighs what its largest place weighs ("bangok"
    is one edit from Bangkok and from Bangor, a name of several towns none of them a
    destination: Bangkok). All of them when none dominates (the typo stays ambiguous); a
    dominant meaning that is itself ambiguous leaves the typo unresolved."""

    def protected(meaning: _Meaning) -> bool:
        return any(index.place_flags(i) & PLACE_PROTECTED for i in meaning.places)

    guarded = [n for n, m in meanings.items() if protected(m)]
    if len(guarded) == 1:
        return {guarded[0]: meanings[guarded[0]]}
    pool = guarded or list(meanings)
    ratio = PROTECTED_TYPO_RATIO if guarded else PEER_RATIO
    sizes = sorted(
        ((max(index.population_of(i) for i in meanings[n].places), n) for n in pool),
        reverse=True,
    )
    if sizes[0][0] >= ratio * max(sizes[1][0], 1):
        return {sizes[0][1]: meanings[sizes[0][1]]}
    return meanings


def _prefixes(name: str) -> Iterable[str]:
    """``name``, then its short forms ("Portland, Maine" -> "Portland, Maine", "Portland")."""
    yield name
    for separator in (" (", ", "):
        position = name.find(separator)
        while position > 0:
            yield name[:position]
            position = name.find(separator, position + 1)

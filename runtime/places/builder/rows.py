"""Places and their names, assembled from the sources (build time only).

Every place becomes a :class:`Row` with its English name and every key it can be called by,
each with the strength of that match (:data:`runtime.places.layout.MATCHES`): its name
(English and GeoNames main name), curated aliases, short forms of the name ("Newcastle" for
Newcastle upon Tyne), and GeoNames alternate names in Latin script (those of well-known places
only: a village's alternate spellings cost index space and are rarely typed).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from runtime.places.builder.sources import Curated, Inputs
from runtime.places.keys import fold_key
from runtime.places.layout import MATCHES

NAME, ALIAS, SHORT, ALTERNATE = (MATCHES.index(m) for m in MATCHES)

#: Countries whose place names GeoNames romanises from another script: the transliteration
#: marks (macrons, dots below, ayns) are dropped from display names, as English does.
ROMANISED = frozenset(
    [
        "AE",
        "AF",
        "AM",
        "BD",
        "BG",
        "BH",
        "BT",
        "BY",
        "CN",
        "DZ",
        "EG",
        "ER",
        "ET",
        "GE",
        "GR",
        "IL",
        "IN",
        "IQ",
        "IR",
        "JO",
        "JP",
        "KG",
        "KH",
        "KP",
        "KR",
        "KW",
        "KZ",
        "LA",
        "LB",
        "LK",
        "LY",
        "MA",
        "MM",
        "MN",
        "MV",
        "NP",
        "OM",
        "PK",
        "PS",
        "QA",
        "RU",
        "SA",
        "SD",
        "SY",
        "TH",
        "TJ",
        "TM",
        "TN",
        "TW",
        "UA",
        "UZ",
        "YE",
    ]
)
GENERIC_SUFFIXES = (" city", " town")
SAINTS = (("saint ", "st "), ("sainte ", "ste "), ("mount ", "mt "), ("fort ", "ft "))
MIN_NOTABLE_POPULATION = 100_000
NOTABLE_ALTERNATES = 40
KNOWN_ALTERNATES = 20
KNOWN_POPULATION = 15_000
HAMLET = 5_000
HAMLET_ALTERNATES = 5
OUTWEIGH = 10
MAX_JOINED_PARTS = 3


@dataclass
class Row:
    """A place being built."""

    gid: str
    name: str
    kind: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    population: int
    admin1: str = ""
    alternates: int = 0
    capital: bool = False
    protected: bool = False
    keys: dict[str, int] = field(default_factory=dict)
    region: str = ""
    qualifier: int = 0
    suffix: str = ""
    geonames: str = ""
    anchor: Row | None = None

    @property
    def notable(self) -> bool:
        """Worth asking about when a name is ambiguous; typos of its name are looked for."""
        if self.protected or self.capital or self.kind != "city":
            return True
        if self.population >= MIN_NOTABLE_POPULATION and self.alternates >= 5:
            return True
        if self.population >= KNOWN_POPULATION and self.alternates >= KNOWN_ALTERNATES:
            return True
        return self.alternates >= NOTABLE_ALTERNATES

    def add_key(self, text: str, match: int) -> None:
        """Record that ``text`` names this place (the strongest match is kept)."""
        key = fold_key(text)
        if len(key) >= 2 and not key.isdigit():
            self.keys[key] = min(match, self.keys.get(key, match))


def latin(name: str) -> bool:
    """Whether every letter of ``name`` is Latin (GeoNames lists names in every script)."""
    if name.isascii():
        return True
    return all(
        ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF or 0x2C60 <= ord(c) <= 0x2C7F
        for c in name
        if c.isalpha()
    )


def display_form(name: str, country: str) -> str:
    """GeoNames' main name as English writes it (see :data:`ROMANISED`)."""
    if country == "RO":  # GeoNames writes Romanian ş/ţ with a cedilla, Romanian a comma
        name = name.translate(str.maketrans("şţŞŢ", "șțȘȚ"))
    if country not in ROMANISED:
        return name
    decomposed = unicodedata.normalize("NFKD", name.replace("‘", "").replace("ʿ", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain.replace("’", "'")).rstrip("'")


def usable_alternate(name: str) -> bool:
    """An alternate name worth indexing: Latin script, no digits, not a code, not a phrase."""
    if not name or len(name) > 50 or not latin(name) or any(c.isdigit() for c in name):
        return False
    is_code = name.isupper() and len(name) <= 4
    return "http" not in name and not is_code


def add_name_keys(row: Row, name: str, match: int) -> None:
    """``name`` and its spelling variants (Saint/St, Mount/Mt, without "City")."""
    row.add_key(name, match)
    key = fold_key(name)
    for long, short in SAINTS:
        if key.startswith(long):
            row.add_key(short + key[len(long) :], match)
        elif key.startswith(short):
            row.add_key(long + key[len(short) :], match)


def city_rows(inputs: Inputs) -> list[Row]:
    """One row per GeoNames populated place."""
    rows = []
    for city in inputs.cities:
        name = display_form(city["name"], city["countrycode"])
        row = Row(
            gid=f"gn:{city['geonameid']}",
            name=name,
            geonames=city["name"],
            kind="city",
            country=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            timezone=city["timezone"],
            population=int(city["population"] or 0),
            admin1=str(city.get("admin1code") or ""),
            alternates=len(city["alternatenames"]),
        )
        add_name_keys(row, city["name"], NAME)
        add_name_keys(row, name, NAME)
        add_alternates(row, city["alternatenames"])
        rows.append(row)
    return rows


def well_known(row: Row) -> bool:
    """Known beyond its surroundings: typos of its names are looked for, its alternate names
    indexed (a town of some size, or one many languages have a name for)."""
    return row.population >= KNOWN_POPULATION or row.alternates >= KNOWN_ALTERNATES // 2


def add_alternates(row: Row, names: Iterable[str]) -> None:
    """GeoNames alternate names: short forms of the name are strong, the others weak.

    A romanisation that GeoNames hyphenates by syllable is also written run together
    ("Pei-p'ing" is Peiping, "Alma-Ata" Almaata, "Hsi-an" Hsian), so a name of up to
    ``MAX_JOINED_PARTS`` hyphenated parts is also indexed joined."""
    own = fold_key(row.geonames or row.name)
    for alternate in names:
        if not usable_alternate(alternate):
            continue
        key = fold_key(alternate)
        strong = own.startswith(key + " ") or any(own == key + s for s in GENERIC_SUFFIXES)
        row.add_key(alternate, SHORT if strong else ALTERNATE)
        parts = alternate.split("-")
        if 1 < len(parts) <= MAX_JOINED_PARTS and " " not in alternate:
            row.add_key("".join(parts), ALTERNATE)


def kept(row: Row, airport_towns: AbstractSet[str] = frozenset()) -> bool:
    """Whether a populated place goes into the index: a hamlet (under ``HAMLET`` people, and
    with fewer than ``HAMLET_ALTERNATES`` names in other languages) is left out: nobody plans
    a trip there from a chat, its name is often an everyday word, and the index must fit the
    Lambda package. A hamlet an airport is named for (``airport_towns``, GeoNames ids) stays:
    people fly there."""
    return (
        row.protected
        or row.capital
        or row.population >= HAMLET
        or row.alternates >= HAMLET_ALTERNATES
        or row.gid in airport_towns
    )


def prune(rows: list[Row], airport_towns: AbstractSet[str] = frozenset()) -> list[Row]:
    """The rows the index keeps (:func:`kept`), without the weak alternate names of places
    that are not notable (once the curated files, which find places by those names, have been
    applied)."""
    out = []
    for row in rows:
        if not kept(row, airport_towns):
            continue
        if not row.notable:
            row.keys = {k: m for k, m in row.keys.items() if m != ALTERNATE}
        out.append(row)
    return out


class Finder:
    """Finds the GeoNames row a curated entry means: by name in its country, largest first."""

    def __init__(self, rows: list[Row]) -> None:
        self._by_key: dict[tuple[str, str], list[Row]] = defaultdict(list)
        self._alternate: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows:
            for key, match in row.keys.items():
                target = self._by_key if match <= NAME else self._alternate
                target[(row.country, key)].append(row)

    def find(self, name: str, country: str, admin1: str = "") -> Row | None:
        """The most populous place called ``name`` (its main name first) in ``country``."""
        return _choose(self._candidates(name, [country], admin1))

    def find_anywhere(self, name: str, countries: Iterable[str]) -> Row | None:
        """The most populous place called ``name`` (its main name first) in any country."""
        return _choose(self._candidates(name, countries, ""))

    def _candidates(
        self, name: str, countries: Iterable[str], admin1: str
    ) -> tuple[list[Row], list[Row]]:
        key = fold_key(name)
        found: tuple[list[Row], list[Row]] = ([], [])
        for country in countries:
            for table, out in ((self._by_key, found[0]), (self._alternate, found[1])):
                out.extend(
                    r for r in table.get((country, key), ()) if not admin1 or r.admin1 == admin1
                )
        return found


def _choose(found: tuple[list[Row], list[Row]]) -> Row | None:
    """The largest holder of the name as its main name, unless a holder by an alternate name
    outweighs it ``OUTWEIGH`` times ("New York": a hamlet's main name, New York City's
    alternate); the largest alternate holder when no place has it as its main name."""
    by_size = lambda r: (r.population, r.alternates)  # noqa: E731
    primary = max(found[0], key=by_size, default=None)
    alternate = max(found[1], key=by_size, default=None)
    if primary is None:
        return alternate
    if alternate is not None and alternate.population >= OUTWEIGH * max(primary.population, 1):
        return alternate
    return primary


def apply_curated(finder: Finder, entries: Iterable[Curated], *, protect: bool) -> None:
    """English names (and protection) from a curated city file; a missing place is an error."""
    for entry in entries:
        anchor, _, admin1 = (entry.geonames or entry.name).partition("|")
        row = finder.find(anchor, entry.country, admin1 or entry.admin1)
        if row is None:
            raise ValueError(f"curated place {entry.name!r} ({entry.country}) is not in GeoNames")
        if entry.name != row.name:
            row.name = entry.name
        add_name_keys(row, entry.name, NAME)
        for alias in entry.aliases:
            add_name_keys(row, alias, ALIAS)
        row.protected = row.protected or protect


def apply_city_values(
    finder: Finder, values: Iterable[tuple[str, tuple[str, ...]]], countries: list[str]
) -> None:
    """The bot model's ``City`` values are destinations; their synonyms are aliases.

    A value names the largest place holding it as its name (else as an alternate name); the
    value becomes its English name unless a curated file named it, or the two differ only in
    letter case ("Rio De Janeiro" keeps GeoNames' "Rio de Janeiro").
    """
    for value, synonyms in values:
        row = finder.find_anywhere(value, countries)
        if row is None:
            continue  # the runtime still resolves it through the bot model's own list
        if not row.protected and value.casefold() != row.name.casefold():
            row.name = value
        row.protected = True
        add_name_keys(row, value, NAME)
        for synonym in synonyms:
            if len(synonym) > 3:  # codes and short forms are read by the runtime overlay
                add_name_keys(row, synonym, ALIAS)


def mark_capitals(finder: Finder, countries: dict[str, dict[str, Any]]) -> dict[str, Row]:
    """Flag each country's capital; returns them by country code."""
    capitals: dict[str, Row] = {}
    for code, country in countries.items():
        capital = str(country.get("capital") or "")
        row = finder.find(capital, code) if capital else None
        if row is not None:
            row.capital = True
            capitals[code] = row
    return capitals

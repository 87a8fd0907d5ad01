"""Assembles the places index from the sources (build time only).

Order matters: rows first (GeoNames places, then curated English names and destinations, the
bot model's cities, capitals), then the areas anchored on them (countries, US states, curated
regions and islands), first-level division names, display names, airport codes, and last the
keys with their resolutions (:mod:`runtime.places.builder.rules`) and word flags.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from runtime.places.builder.airports import Served, airport_towns, serve_codes
from runtime.places.builder.areas import country_rows, region_rows, us_state_rows
from runtime.places.builder.names import assign_display_names, assign_regions, holder
from runtime.places.builder.rows import (
    ALTERNATE,
    Finder,
    Row,
    apply_city_values,
    apply_curated,
    city_rows,
    mark_capitals,
    prune,
    well_known,
)
from runtime.places.builder.rules import contenders
from runtime.places.builder.sources import Inputs
from runtime.places.keys import fold_key
from runtime.places.layout import (
    FLAG_EVERYDAY,
    FLAG_FUZZY,
    FLAG_NOTABLE,
    FLAG_WORD,
)

EVERYDAY_FREQUENCY = 5_000
"""Words at least this frequent (pyspellchecker's English counts: "nice" 698,611, "split"
72,141, "cherry" 12,418; "rome" 2,246, "florence" 1,648) are everyday words."""
WORD_LIST_FREQUENCY = 500
"""Words shipped for telling an unknown place from an English word ("trip to somewhere")."""
FUZZY_MIN_LENGTH = 4


@dataclass
class Assembled:
    """Rows in index order, and per key its postings: (row index, match, contender)."""

    rows: list[Row]
    keys: dict[str, list[tuple[int, int, bool]]]
    key_flags: dict[str, int]
    codes: dict[str, Served]
    words: list[str]
    stats: dict[str, int] = field(default_factory=dict)


def assemble(inputs: Inputs) -> Assembled:
    """Every place, name, code and word flag of the index."""
    cities = city_rows(inputs)
    finder = Finder(cities)
    apply_curated(finder, inputs.exonyms, protect=False)
    apply_curated(finder, inputs.destinations, protect=True)
    apply_city_values(finder, inputs.city_values, sorted(inputs.countries))
    capitals = mark_capitals(finder, inputs.countries)
    assign_regions(cities, inputs)
    areas = country_rows(inputs, capitals, cities)
    areas += us_state_rows(inputs, cities) + region_rows(inputs, finder)
    cities = prune(cities, airport_towns(cities, inputs.airports))
    rows = sorted(cities + areas, key=lambda r: (r.country, r.kind == "city", -r.population, r.gid))
    country_names = {r.country: r.name for r in rows if r.kind == "country"}
    assign_display_names(rows, country_names)
    codes = serve_codes(rows, inputs.airports, inputs.metros)
    keys = resolve_keys(rows)
    word_floor = min(inputs.words.values(), default=0)
    return Assembled(
        rows=rows,
        keys=keys,
        key_flags={
            key: key_flags(key, postings, rows, inputs.words, word_floor)
            for key, postings in keys.items()
        },
        codes=codes,
        words=sorted(
            w for w, n in inputs.words.items() if n >= WORD_LIST_FREQUENCY and w.isalpha()
        ),
        stats={"places": len(rows), "keys": len(keys), "codes": len(codes)},
    )


def resolve_keys(rows: list[Row]) -> dict[str, list[tuple[int, int, bool]]]:
    """Per key: its holders, contenders first (the places the key resolves to), best first."""
    holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, row in enumerate(rows):
        for key, match in row.keys.items():
            holders[key].append((index, match))
    resolved: dict[str, list[tuple[int, int, bool]]] = {}
    for key, held in holders.items():
        candidates = [
            holder(i, rows[i], alternate_only=m == ALTERNATE, variant=spelling_of(key, rows[i]))
            for i, m in held
        ]
        winners = [h.id for h in contenders(candidates)]
        chosen = set(winners)
        others = sorted(
            ((i, m) for i, m in held if i not in chosen),
            key=lambda pair: (pair[1], -rows[pair[0]].population, pair[0]),
        )
        match_of = dict(held)
        resolved[key] = [(i, match_of[i], True) for i in winners] + [
            (i, m, False) for i, m in others
        ]
    return resolved


def spelling_of(key: str, row: Row) -> bool:
    """Whether ``key`` is a spelling of ``row``'s own name rather than another name: within
    the edits a typo of that name may have ("edinburg" of Edinburgh; not "salem" of
    Jerusalem), as :meth:`runtime.places.lookup.Places.typo` allows them."""
    from rapidfuzz.distance import OSA

    from runtime.places.lookup import max_edits

    owns = {fold_key(row.name), fold_key(row.geonames)} - {""}
    return any(OSA.distance(key, own) <= max(1, max_edits(own)) for own in owns)


def key_flags(
    key: str,
    postings: list[tuple[int, int, bool]],
    rows: list[Row],
    words: dict[str, int],
    word_floor: int = 0,
) -> int:
    """The :mod:`runtime.places.layout` ``FLAG_*`` bits of one key.

    A key is an English word when every part of it was counted above ``word_floor``, the
    count pyspellchecker gives the words of its list that its corpus did not attest (two
    thirds of its 160,000 words, many of them names: "taos", "kirkwall", "svalbard",
    "vlissingen"; "whistler" is counted 188 times). Typos are looked for in a notable place's
    own name unless it is one everyday word ("nice", "split"); a name of several everyday
    words ("cook islands", "lake district", "north island") is no word a typo could be of.
    """
    flags = 0
    parts = key.split()
    if all(words.get(p, 0) >= EVERYDAY_FREQUENCY for p in parts):
        flags |= FLAG_EVERYDAY
    if all(words.get(p, 0) > word_floor for p in parts):
        flags |= FLAG_WORD
    if any(rows[i].notable for i, _, contender in postings if contender):
        flags |= FLAG_NOTABLE
    named = [rows[i] for i, m, _ in postings if m < ALTERNATE]
    compound = " " in key and any(r.notable for r in named)
    if (
        len(key) >= FUZZY_MIN_LENGTH
        and (not flags & FLAG_EVERYDAY or compound)
        and any(r.notable or well_known(r) for r in named)
    ):
        flags |= FLAG_FUZZY
    return flags

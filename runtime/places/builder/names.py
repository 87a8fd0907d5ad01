"""Unique display names (build time only).

The dominant holder of a name keeps it bare ("Paris"); among holders no rule separates, the
first in rank keeps it too, a travel destination (a curated place, country, region or island)
before a larger place ("Valencia" is Spain's, beside "Valencia, Venezuela"; "Portland" is
Oregon's, beside "Portland, Maine"): the name still asks which one is meant, but the place a
traveller most likely means keeps the name travel guides give it. Two countries or regions
sharing a name are both qualified ("Georgia (country)", "Georgia (U.S. state)"). The other
holders are qualified (the index stores the qualifier's
kind, not its text): by US state ("Portland, Maine"), by the first-level division where the
curated regions name it ("Hamilton, Ontario", "Perth, Scotland"), else by country ("Córdoba,
Argentina"); countries and
US states as Wikipedia does ("Georgia (country)",
"Georgia (U.S. state)"). Places still sharing a qualified name are told apart by the nearest
notable place ("San Juan, Philippines (near Manila)"), and as a last resort by GeoNames id.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from runtime.places.builder.rows import Row
from runtime.places.builder.rules import AREAS, Holder, contenders
from runtime.places.builder.sources import Inputs
from runtime.places.keys import fold_key
from runtime.places.layout import QUALIFIERS

GRID_DEGREES = 1.0


def holder(index: int, row: Row, *, alternate_only: bool = False, variant: bool = False) -> Holder:
    """The rule's view of a row (``variant``: the name is a spelling of the row's own name)."""
    return Holder(
        id=index,
        kind=row.kind,
        country=row.country,
        population=row.population,
        protected=row.protected,
        notable=row.notable,
        alternate_only=alternate_only,
        variant=variant,
        capital=row.capital,
        admin1=row.admin1,
        latitude=row.latitude,
        longitude=row.longitude,
    )


def assign_regions(rows: Iterable[Row], inputs: Inputs) -> None:
    """Name each place's first-level division where it is known (US states, curated ones)."""
    for row in rows:
        if row.region or not row.admin1:
            continue
        if row.country == "US":
            row.region = inputs.us_states.get(row.admin1, "")
        else:
            row.region = inputs.admin1_names.get(f"{row.country}.{row.admin1}", "")


def qualifier(row: Row) -> int:
    """The :data:`runtime.places.layout.QUALIFIERS` index that tells ``row`` from namesakes."""
    if row.kind == "country":
        return QUALIFIERS.index(" (country)")
    if row.kind == "region" and row.country == "US" and row.region == row.name:
        return QUALIFIERS.index(" (U.S. state)")
    if row.region and row.region != row.name:
        return QUALIFIERS.index(", {region}")
    return QUALIFIERS.index(", {country}")


def display_name(row: Row, country_names: dict[str, str]) -> str:
    """The unique name of ``row``: short name, qualifier, suffix."""
    template = QUALIFIERS[row.qualifier]
    country = country_names.get(row.country, row.country)
    return row.name + template.format(region=row.region, country=country) + row.suffix


def assign_display_names(rows: list[Row], country_names: dict[str, str]) -> None:
    """Give every row a unique display name (``qualifier`` and ``suffix``)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        groups[fold_key(row.name)].append(index)
    for members in groups.values():
        if len(members) == 1:
            continue
        winners = contenders([holder(i, rows[i]) for i in members])  # best first
        top = winners[0] if winners else None
        if top is None or (
            top.kind in AREAS and any(w.kind in AREAS for w in winners[1:])
        ):  # two countries or regions: both qualified, "Georgia (country)"
            bare: int | None = None
        else:  # the travel destination, else the largest, keeps the name: "Valencia"
            bare = top.id
        for i in members:
            rows[i].qualifier = 0 if i == bare else qualifier(rows[i])
    _separate_namesakes(rows, country_names)


def _separate_namesakes(rows: list[Row], country_names: dict[str, str]) -> None:
    """Places that still share a display name get "(near X)", then their GeoNames id."""
    by_display: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_display[fold_key(display_name(row, country_names))].append(row)
    clashes = [group for group in by_display.values() if len(group) > 1]
    if not clashes:
        return
    grid = _NotableGrid(rows, country_names)
    taken = set(by_display)
    for group in clashes:
        group.sort(key=lambda r: (r.kind == "city", -r.population, r.gid))
        for row in group[1:]:
            near = grid.nearest(row)
            row.suffix = f" (near {near})" if near else ""
            if not near or fold_key(display_name(row, country_names)) in taken:
                row.suffix = f" (GeoNames {row.gid.partition(':')[2]})"
            taken.add(fold_key(display_name(row, country_names)))


class _NotableGrid:
    """Notable cities bucketed by whole degrees, for "near X" qualifiers."""

    def __init__(self, rows: Iterable[Row], country_names: dict[str, str]) -> None:
        self._country_names = country_names
        self._cells: dict[tuple[int, int], list[Row]] = defaultdict(list)
        for row in rows:
            if row.kind == "city" and row.notable:
                self._cells[self._cell(row.latitude, row.longitude)].append(row)

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / GRID_DEGREES), math.floor(longitude / GRID_DEGREES)

    def nearest(self, row: Row) -> str:
        """The display name of the nearest notable city of the same country, not a namesake."""
        cell_lat, cell_lon = self._cell(row.latitude, row.longitude)
        best: tuple[float, str] | None = None
        own = fold_key(row.name)
        for d_lat in (-1, 0, 1):
            for d_lon in (-1, 0, 1):
                for other in self._cells.get((cell_lat + d_lat, cell_lon + d_lon), ()):
                    if other.country != row.country or fold_key(other.name) == own:
                        continue
                    distance = (other.latitude - row.latitude) ** 2 + (
                        (other.longitude - row.longitude) * math.cos(math.radians(row.latitude))
                    ) ** 2
                    if best is None or distance < best[0]:
                        best = (distance, display_name(other, self._country_names))
        return best[1] if best else ""

"""Which place a name means: the dominance rule, applied when the index is built.

A name is held by every place that has it as its name, an alias or an alternate name. Among
the holders, the *notable* ones (countries, regions, islands, curated destinations, capitals,
sizeable or internationally known cities) are considered when there are any; small places
only compete among themselves. A holder *dominates* another when one of these applies, in
order:

1. **Containment** (same country): a city beats the region of the same name around it ("New
   York" the city, not the state) when the name is the city's own, not one of its foreign
   alternates ("Goa" is the state, though GeoNames lists it among Mormugao's names); an
   island beats the town of the same name on it ("Ibiza"); a country beats a city of its
   name unless that city holds half the country ("Singapore").
2. **Own names.** A notable place bearing the name as its own beats a place that only another
   language or another era calls so, when that other name is not merely a spelling of the
   place's own ("Salem" is Salem, India or Salem, Oregon, never Jerusalem, whose Hebrew-
   derived short name GeoNames lists; "Waterloo" is a Waterloo, not Austin, Texas, so named
   until 1839; but "Edinburg", one letter from Edinburgh's own name, may still mean it).
   Being a destination does not carry over to a name that is not the place's own: a
   traveller who says "Salem" is not asking for Jerusalem. Where no notable place bears the
   name as its own, the other name still means the place it names ("Bombay", "Canton").
3. **Tourism prominence.** A *protected* holder (a curated destination, country, region or
   island: a place travellers go) is never beaten by an unprotected one. It beats an
   unprotected one of no greater weight ("Venice": Italy's, not California's), and a heavier
   one too unless that one is *sizeable*, a capital or a place of ``SIZEABLE`` people that
   some travellers mean in their own right ("Queenstown" is New Zealand's resort, not the
   South African town of 118,000 nor a Singapore estate; but "Lagos" asks, Nigeria or the
   Algarve, and so do "Valencia" and "Córdoba"). Two protected holders are both places
   travellers go, so the name asks unless one outweighs the other ``DESTINATION_RATIO``
   times (between places of one kind; "Cartagena": Colombia's or Spain's, "St Petersburg":
   Russia's or Florida's, "Granada", "León", "La Paz"; "Congo": the Democratic Republic,
   16 times as populous, or the Republic: a traveller naming a country means a country, and
   its size says no more about which than a city's does); a protected holder by its own name
   beats one named so only in another language.
4. **Size**: otherwise the heavier must weigh ``PEER_RATIO`` times the other (``AREA_RATIO``
   between an area and a city: a region's population is spread over its area).

Why this and not size or fame alone: measured over every name the index holds, no signal in
the data tells Cartagena, Spain (214,000 people, 41 names in other languages), a place people
travel to, from Manchester, New Hampshire (110,000, 60 names), which an English-speaking
traveller rarely means by "Manchester": any size or fame threshold that makes "Cartagena"
ask also makes "Athens", "Manchester", "Vancouver" and "Barcelona" ask. Whether a place is
one travellers go to is therefore curated (``destinations.csv``, a source per row), and the
rule only decides what follows: both curated, ask; one curated and the other not sizeable,
answer the curated one; neither, size decides. Asking costs one question; a wrong answer
costs a wrong plan, so between two places travellers go the rule asks.

Weight is population; a holder named only by a GeoNames alternate name (any language, some
of them odd: "Rome" is listed for Lomé, "Bali" for Bari) weighs ``1 / ALTERNATE_DISCOUNT`` of
it, except a protected holder facing an unprotected one ("Edinburg" is Edinburgh's German name
and a town in Texas: Edinburgh wins). The name resolves to a holder that no other holder
dominates when there is exactly one such holder; several undominated holders make the name
ambiguous and they are the candidates the dialogue offers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PEER_RATIO = 10.0
AREA_RATIO = 50.0
ALTERNATE_DISCOUNT = 20.0
NEAR_KM = 40.0
CITY_STATE_SHARE = 0.5
MAX_CANDIDATES = 4
SIZEABLE = 250_000
DESTINATION_RATIO = 25.0
"""Between two curated destinations only a far bigger one is the primary meaning (a world city
beside a resort town); 10 would let Saint Petersburg (5.4M) out-vote St. Petersburg,
Florida (260k)."""
AREAS = frozenset({"country", "region", "island"})


@dataclass(frozen=True)
class Holder:
    """One place holding a name, with what the rule needs to know about it."""

    id: int
    kind: str
    country: str
    population: int
    protected: bool = False
    notable: bool = False
    alternate_only: bool = False
    variant: bool = False
    """An alternate name that is a spelling of the holder's own name ("Edinburg")."""
    capital: bool = False
    admin1: str = ""
    latitude: float = 0.0
    longitude: float = 0.0

    @property
    def weight(self) -> float:
        """Population, discounted when the name is only a GeoNames alternate name."""
        population = float(max(self.population, 1))
        return population / ALTERNATE_DISCOUNT if self.alternate_only else population

    @property
    def full_weight(self) -> float:
        """Population, whatever the name (a destination's foreign name still means it)."""
        return float(max(self.population, 1))


def distance_km(a: Holder, b: Holder) -> float:
    """Great-circle distance between two holders."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def contains(area: Holder, city: Holder) -> bool:
    """Whether ``city`` lies in ``area`` (same country; same division, or near its anchor)."""
    if area.kind not in AREAS or city.kind != "city" or area.country != city.country:
        return False
    if area.kind == "country":
        return True
    if area.admin1 and city.admin1:
        return area.admin1 == city.admin1
    return distance_km(area, city) <= NEAR_KM


def containment_winner(a: Holder, b: Holder) -> Holder | None:
    """The winner when one holder lies in the other, else ``None`` (rule 1)."""
    for area, city in ((a, b), (b, a)):
        if not contains(area, city):
            continue
        if area.kind == "island" or city.alternate_only:
            return area  # "Goa" is the state, though GeoNames lists it among Mormugao's names
        if area.kind == "region":
            return city
        share = city.population / max(area.population, 1)
        return city if share >= CITY_STATE_SHARE else area
    return None


def own_name_winner(a: Holder, b: Holder) -> Holder | None:
    """The notable holder of the name as its own, against one that only another language or
    era calls so (rule 2), else ``None``."""
    for own, other in ((a, b), (b, a)):
        if own.notable and not own.alternate_only and other.alternate_only and not other.variant:
            return own
    return None


def sizeable(holder: Holder) -> bool:
    """A place some travellers mean in its own right: a capital or a large place, by its own
    name."""
    return (holder.capital or holder.population >= SIZEABLE) and not holder.alternate_only


def dominates(a: Holder, b: Holder) -> bool:
    """Whether ``a`` wins the name over ``b`` (see the module docstring)."""
    winner = containment_winner(a, b)
    if winner is None:
        winner = own_name_winner(a, b)
    if winner is not None:
        return winner is a
    if b.protected and not a.protected:
        return False
    if a.protected and not b.protected:
        return a.full_weight >= b.weight or (not a.alternate_only and not sizeable(b))
    ratio = AREA_RATIO if (a.kind in AREAS) != (b.kind in AREAS) else PEER_RATIO
    if a.protected and b.protected:
        if a.alternate_only != b.alternate_only:
            return b.alternate_only
        if a.kind == b.kind:  # two cities, two countries ("Congo"), two islands
            ratio = DESTINATION_RATIO
    return a.weight >= ratio * b.weight


def rank(holder: Holder) -> tuple[bool, float, int]:
    """Sort key, best first: protected, then weight, then the lower id (stable)."""
    return (not holder.protected, -holder.weight, holder.id)


def contenders(holders: Sequence[Holder]) -> list[Holder]:
    """The holders a name may mean: one when it resolves, several when it is ambiguous.

    Notable holders only compete among themselves when there are any; the result is ordered
    best first and capped at ``MAX_CANDIDATES``.
    """
    if not holders:
        return []
    pool = [h for h in holders if h.notable] or list(holders)
    undominated = [
        h for h in pool if not any(other is not h and dominates(other, h) for other in pool)
    ]
    if not undominated:  # a cycle through the containment rule: fall back to the heaviest
        undominated = [min(pool, key=rank)]
    return sorted(undominated, key=rank)[:MAX_CANDIDATES]

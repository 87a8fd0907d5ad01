"""Which airport a flight search uses for a place (from the index's code table).

A place with a metropolitan code flies from it (Tokyo: TYO); a place served by airports of its
own flies from the best of them (an international one first, then the nearest); any other
place from the nearest airport within ``REACH_KM``, an international one counting as if it
were ``INTERNATIONAL_PULL`` times nearer (Hallstatt: Salzburg, 56 km, rather than a closer
airfield). ``None`` beyond that: the flight fulfilment says there is no airport near.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from runtime.places.layout import AIRPORT_INTERNATIONAL, AIRPORT_METRO, COORD_SCALE, NO_PLACE

REACH_KM = 150.0
INTERNATIONAL_PULL = 2.0
EARTH_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Airport:
    """The code a flight search uses for a place, and how far it is (0: the place's own)."""

    code: str
    km: int


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


class Airports:
    """The code table: codes (3 bytes each, sorted), served place, position, flags."""

    def __init__(
        self,
        codes: memoryview,
        places: memoryview,
        latitudes: memoryview,
        longitudes: memoryview,
        flags: memoryview,
    ) -> None:
        self._codes = bytes(codes)
        self._places = places
        self._lat = latitudes
        self._lon = longitudes
        self._flags = flags
        self.count = len(places)
        self._own: dict[int, list[int]] | None = None
        self._lock = threading.Lock()

    def code_at(self, number: int) -> str:
        """The code in position ``number``."""
        return self._codes[number * 3 : number * 3 + 3].decode()

    def _number(self, code: str) -> int:
        target = code.upper().encode()
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if self._codes[mid * 3 : mid * 3 + 3] < target:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self.count and self._codes[lo * 3 : lo * 3 + 3] == target else -1

    def place_of(self, code: str) -> int | None:
        """The place a code serves, if the code exists and serves one."""
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            return None
        number = self._number(code)
        if number < 0 or self._places[number] == NO_PLACE:
            return None
        return int(self._places[number])

    def _own_codes(self) -> dict[int, list[int]]:
        if self._own is None:
            with self._lock:
                if self._own is None:
                    own: dict[int, list[int]] = {}
                    for number in range(self.count):
                        place = self._places[number]
                        if place != NO_PLACE:
                            own.setdefault(int(place), []).append(number)
                    self._own = own
        return self._own

    def has_own(self, place_id: int) -> bool:
        """Whether an airport or metropolitan code is the place's own (not its nearest)."""
        return place_id in self._own_codes()

    def for_place(self, place_id: int, latitude: float, longitude: float) -> Airport | None:
        """The airport a flight search from or to the place should use."""
        own = self._own_codes().get(place_id)
        if own:
            best = min(
                own,
                key=lambda n: (
                    not self._flags[n] & AIRPORT_METRO,
                    not self._flags[n] & AIRPORT_INTERNATIONAL,
                    self._km(n, latitude, longitude),
                ),
            )
            return Airport(self.code_at(best), 0)
        return self.nearest(latitude, longitude)

    def _km(self, number: int, latitude: float, longitude: float) -> float:
        return distance_km(
            latitude,
            longitude,
            self._lat[number] / COORD_SCALE,
            self._lon[number] / COORD_SCALE,
        )

    def nearest(self, latitude: float, longitude: float) -> Airport | None:
        """The nearest airport within ``REACH_KM`` (international ones pull harder)."""
        best: tuple[float, int, float] | None = None
        window = REACH_KM / 111.0
        for number in range(self.count):
            if self._flags[number] & AIRPORT_METRO:
                continue
            if abs(self._lat[number] / COORD_SCALE - latitude) > window:
                continue
            km = self._km(number, latitude, longitude)
            if km > REACH_KM:
                continue
            pull = INTERNATIONAL_PULL if self._flags[number] & AIRPORT_INTERNATIONAL else 1.0
            score = km / pull
            if best is None or score < best[0]:
                best = (score, number, km)
        return None if best is None else Airport(self.code_at(best[1]), round(best[2]))

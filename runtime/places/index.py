"""Reads the places index (:mod:`runtime.places.layout`) in place, through ``mmap``.

Opening costs a JSON header parse (a few hundred countries, time zones and regions) and
builds nothing else: a key lookup is a binary search over the sorted key offsets (about 20
comparisons of short byte strings), a place is decoded from its row only when asked for.
"""

from __future__ import annotations

import bisect
import itertools
import json
import mmap
import struct
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from runtime.errors import PlacesIndexError
from runtime.places.airports import Airports
from runtime.places.layout import (
    ALIGN,
    BLOCK,
    CONTENDER,
    COORD_SCALE,
    MAGIC,
    MATCH_MASK,
    MATCH_SHIFT,
    MATCHES,
    PLACE_MASK,
    PLACE_PROTECTED,
    QUALIFIERS,
    SECTIONS,
    VERSION,
)
from runtime.places.place import KINDS, Place

_PREFIX = struct.Struct("<8sII")


@dataclass(frozen=True, slots=True)
class Holding:
    """One place a key names, and how (``"display"``, ``"name"``, ``"alias"``, ...)."""

    place_id: int
    match: str
    contender: bool


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """Everything the index knows about one name key."""

    key: str
    flags: int
    holdings: tuple[Holding, ...]

    @property
    def contenders(self) -> tuple[int, ...]:
        """The places the key resolves to: one, or several when it is ambiguous."""
        return tuple(h.place_id for h in self.holdings if h.contender)


class PlaceIndex:
    """A read-only view of an index file. Thread-safe (nothing is mutated after opening)."""

    def __init__(self, data: bytes | mmap.mmap, *, source: str = "<bytes>") -> None:
        if sys.byteorder != "little":  # the arrays are read with native byte order
            raise PlacesIndexError(f"{source}: the places index needs a little-endian machine")
        if len(data) < _PREFIX.size:
            raise PlacesIndexError(f"{source}: too short to be a places index")
        magic, version, header_len = _PREFIX.unpack_from(data, 0)
        if magic != MAGIC:
            raise PlacesIndexError(f"{source}: not a places index (bad magic)")
        if version != VERSION:
            raise PlacesIndexError(f"{source}: format version {version}, expected {VERSION}")
        self._data = data
        self._view = memoryview(data)
        try:
            self.header: dict[str, Any] = json.loads(
                bytes(self._view[_PREFIX.size : _PREFIX.size + header_len])
            )
            self._sections = {name: self._section(name) for name in SECTIONS}
        except (ValueError, KeyError, TypeError) as exc:
            raise PlacesIndexError(f"{source}: corrupt places index ({exc})") from exc
        s = self._sections
        self._names_at = self.header["sections"]["names"][0]
        self._name_block: memoryview = s["name_block"]
        self._keys: bytes | mmap.mmap = data
        self._keys_at = self.header["sections"]["keys"][0]
        self._block_off: memoryview = s["block_off"]
        self._block_post: memoryview = s["block_post"]
        self._key_flags: memoryview = s["key_flags"]
        self._post_count: memoryview = s["post_count"]
        self._post: memoryview = s["post"]
        self.size = len(s["population"])
        self.key_count = len(s["key_flags"])
        self._blocks = len(self._block_off) - 1
        self._countries: list[list[Any]] = self.header["countries"]
        self._timezones: list[str] = self.header["timezones"]
        self._regions: list[str] = self.header["regions"]

    @classmethod
    def open(cls, path: Path) -> PlaceIndex:
        """Map ``path`` read-only. Raises :class:`PlacesIndexError` when it is missing or bad."""
        try:
            with path.open("rb") as handle:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise PlacesIndexError(f"cannot open the places index {path}: {exc}") from exc
        return cls(mapped, source=str(path))

    def _section(self, name: str) -> memoryview:
        offset, length = self.header["sections"][name]
        if offset % ALIGN or offset + length > len(self._data):
            raise ValueError(f"section {name} out of bounds")
        raw = self._view[offset : offset + length]
        code = SECTIONS[name]
        return raw.cast(code) if code else raw  # type: ignore[call-overload]

    # ---------------------------------------------------------------- keys
    def _first_key(self, block: int) -> bytes:
        start = self._keys_at + self._block_off[block]
        return self._keys[start : self._keys.find(b"\n", start)]

    def _find(self, key: bytes) -> int:
        """The number of ``key`` in key order, or -1: bisect the blocks, scan one."""
        lo, hi = 0, self._blocks
        while lo < hi:  # the last block whose first key is <= key
            mid = (lo + hi) // 2
            if self._first_key(mid) <= key:
                lo = mid + 1
            else:
                hi = mid
        block = lo - 1
        if block < 0:
            return -1
        start = self._keys_at + self._block_off[block]
        end = self._keys_at + self._block_off[block + 1]
        for offset, candidate in enumerate(self._keys[start:end].split(b"\n")):
            if candidate == key:
                return block * BLOCK + offset
        return -1

    def _postings(self, number: int) -> memoryview:
        block = number // BLOCK
        first = self._block_post[block] + sum(self._post_count[block * BLOCK : number])
        return self._post[first : first + self._post_count[number]]

    def entry(self, key: str) -> KeyEntry | None:
        """The entry of a folded key (:func:`runtime.places.keys.fold_key`), if any."""
        number = self._find(key.encode())
        if number < 0:
            return None
        holdings = tuple(
            Holding(
                place_id=posting & PLACE_MASK,
                match=MATCHES[(posting >> MATCH_SHIFT) & MATCH_MASK],
                contender=bool(posting & CONTENDER),
            )
            for posting in self._postings(number)
        )
        return KeyEntry(key, int(self._key_flags[number]), holdings)

    def flags_of(self, key: str) -> int | None:
        """The flags of ``key``, or ``None`` when no place has that name."""
        number = self._find(key.encode())
        return None if number < 0 else int(self._key_flags[number])

    def keys_with(self, flag: int) -> list[str]:
        """Every key carrying ``flag``, in key order (for the typo matcher; ~20 ms)."""
        start = self._keys_at
        keys = bytes(self._keys[start : start + self._block_off[self._blocks]]).split(b"\n")
        chosen = itertools.compress(keys, [f & flag for f in self._key_flags])
        return [key.decode() for key in chosen]

    # ---------------------------------------------------------------- places
    def short_name(self, place_id: int) -> str:
        """The name of a place without its qualifier ("Portland")."""
        if not 0 <= place_id < self.size:
            raise IndexError(place_id)
        block, offset = divmod(place_id, BLOCK)
        start = self._names_at + self._name_block[block]
        for _ in range(offset):
            start = self._data.find(b"\n", start) + 1
        return bytes(self._data[start : self._data.find(b"\n", start)]).decode()

    def name(self, place_id: int) -> str:
        """The unique display name of a place ("Portland, Maine")."""
        short = self.short_name(place_id)
        template = QUALIFIERS[self._sections["qualifier"][place_id]]
        country = self._countries[self._sections["country"][place_id]][1]
        region = self.region_of(place_id) or ""
        return short + template.format(region=region, country=country) + self._suffix(place_id)

    def _suffix(self, place_id: int) -> str:
        ids = self._sections["suffix_ids"]
        position = bisect.bisect_left(ids, place_id)
        if position == len(ids) or ids[position] != place_id:
            return ""
        return self._suffix_lines[position]

    @cached_property
    def _suffix_lines(self) -> list[str]:
        return bytes(self._sections["suffixes"]).decode().split("\n")

    def place(self, place_id: int) -> Place:
        """The place in row ``place_id``. Raises IndexError for an id outside the index."""
        s = self._sections
        short = self.short_name(place_id)
        code, country_name, currency = self._countries[s["country"][place_id]][:3]
        kind = KINDS[s["kind"][place_id]]
        latitude = s["lat"][place_id] / COORD_SCALE
        longitude = s["lon"][place_id] / COORD_SCALE
        airport = (
            None if kind == "country" else self.airports.for_place(place_id, latitude, longitude)
        )
        return Place(
            name=self.name(place_id),
            kind=kind,
            country_code=code,
            country=country_name,
            latitude=latitude,
            longitude=longitude,
            timezone=self._timezones[s["timezone"][place_id]],
            population=int(s["population"][place_id]),
            iata=airport.code if airport else None,
            currency=currency or None,
            short_name=short,
            region=self.region_of(place_id),
            airport_km=airport.km if airport else None,
        )

    @cached_property
    def airports(self) -> Airports:
        """The airport and metropolitan codes, for flight searches."""
        s = self._sections
        return Airports(
            s["code_keys"], s["code_place"], s["code_lat"], s["code_lon"], s["code_flags"]
        )

    def place_flags(self, place_id: int) -> int:
        """The :mod:`runtime.places.layout` ``PLACE_*`` flags of a place."""
        return int(self._sections["flags"][place_id])

    def population_of(self, place_id: int) -> int:
        """The population of a place, without decoding the rest of it."""
        return int(self._sections["population"][place_id])

    def country_of(self, place_id: int) -> str:
        """The ISO country code of a place, without decoding the rest of it."""
        return str(self._countries[self._sections["country"][place_id]][0])

    def region_of(self, place_id: int) -> str | None:
        """The first-level division of a place, when known."""
        region = self._sections["region"][place_id]
        return self._regions[region] if region else None

    def kind_of(self, place_id: int) -> str:
        """``"city"``, ``"country"``, ``"region"`` or ``"island"``."""
        return KINDS[self._sections["kind"][place_id]]

    def cities_in(self, country_code: str, limit: int, *, own_airport: bool = False) -> list[Place]:
        """The most populous cities of a country, largest first (places are stored that way);
        with ``own_airport``, only cities with an airport of their own, the places travellers
        go (protected: curated destinations) first."""
        span = self.header["country_rows"].get(country_code.upper())
        if not span:
            return []
        found: list[tuple[bool, int]] = []
        for place_id in range(span[0], span[1]):
            if self.kind_of(place_id) != "city":
                continue
            if own_airport and not self.airports.has_own(place_id):
                continue
            found.append((not self.place_flags(place_id) & PLACE_PROTECTED, place_id))
            if not own_airport and len(found) >= limit:
                break
        if own_airport:
            found.sort(key=lambda pair: pair[0])  # stable: by size within each group
        return [self.place(place_id) for _, place_id in found[:limit]]

    # ---------------------------------------------------------------- codes and words
    def code(self, iata: str) -> int | None:
        """The place an IATA airport or metropolitan code serves ("NRT" -> Tokyo)."""
        return self.airports.place_of(iata)

    @cached_property
    def english_words(self) -> frozenset[str]:
        """Reasonably common English words (a mention made of them is not an unknown place)."""
        words = self._sections["words"]
        return frozenset(bytes(words).decode().split("\n")) if len(words) else frozenset()

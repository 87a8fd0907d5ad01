"""The places index file: one binary file, read in place through ``mmap`` (nothing is parsed
at start-up but a small JSON header).

Layout: ``MAGIC`` (8 bytes), the format version and the header length (two little-endian
u32), the header (UTF-8 JSON), then the sections the header lists as ``[offset, length]``,
each 8-byte aligned. Per place (ids are row numbers, places sorted by country, areas first,
then by population, descending) there are parallel arrays. Name keys are sorted byte-wise,
one per line; every ``BLOCK``-th key's offset and first posting are stored (a lookup bisects
the blocks, then scans one), and per key its flags and number of postings.

A posting is a u32: the place id in the low 24 bits, the :data:`MATCHES` index of how the key
names the place in bits 24-27, and :data:`CONTENDER` set on the places the key resolves to
(one: resolved; several: ambiguous, the dialogue asks which one). Contenders come first.
"""

from __future__ import annotations

MAGIC = b"TBPLACES"
VERSION = 1
ALIGN = 8
BLOCK = 16
MAX_POSTINGS = 48
"""Holders kept per key (contenders first): enough to pick one by a qualifier ("San Juan,
Argentina") without storing every hamlet of a common name."""

#: How a key names a place, in order of strength (the u4 stored in a posting).
MATCHES = ("name", "alias", "short", "alternate")
PLACE_BITS = 24
PLACE_MASK = (1 << PLACE_BITS) - 1
MATCH_SHIFT = 24
MATCH_MASK = 0xF
CONTENDER = 1 << 31

#: Key flags (u8 per key).
FLAG_EVERYDAY = 1
"""The key is an everyday English word ("nice", "split", "bath"): a place only when written
as one (capitalised, or after "to"/"in"/"from")."""
FLAG_WORD = 2
"""The key is an English word, though a rare one ("whistler"): small places need capitals."""
FLAG_FUZZY = 4
"""Typos of the key are looked for (names of notable places)."""
FLAG_NOTABLE = 8
"""A contender of the key is notable (a country, region, island, destination, capital or a
sizeable city): lower-case mentions at the start of a message count."""

#: Place flags (u8 per place).
PLACE_NOTABLE = 1
PLACE_PROTECTED = 2
PLACE_CAPITAL = 4

#: How a display name is built from the short name (u8 per place).
QUALIFIERS = ("", ", {region}", ", {country}", " (country)", " (U.S. state)")

#: Airport flags (u8 per code).
AIRPORT_INTERNATIONAL = 1
AIRPORT_METRO = 2

#: Section name -> array type code (``memoryview.cast``), or "" for raw bytes.
SECTIONS: dict[str, str] = {
    "lat": "i",  # degrees * COORD_SCALE
    "lon": "i",
    "population": "I",
    "names": "",  # short names, one per line, in place order
    "name_block": "I",  # offset in "names" of every BLOCK-th place, then the end
    "qualifier": "B",  # index into QUALIFIERS
    "suffix_ids": "I",  # sorted ids of places whose display name needs a suffix
    "suffixes": "",  # their suffixes (" (near Manila)"), one per line, in the same order
    "timezone": "H",  # index into header["timezones"]
    "country": "H",  # index into header["countries"]
    "region": "H",  # index into header["regions"] (0 = none)
    "kind": "B",  # index into runtime.places.place.KINDS
    "flags": "B",
    "keys": "",  # sorted, each followed by a newline
    "block_off": "I",  # offset in "keys" of every BLOCK-th key, then the end
    "block_post": "I",  # index in "post" of every BLOCK-th key's first posting, then the end
    "key_flags": "B",
    "post_count": "B",
    "post": "I",
    "code_keys": "",  # sorted IATA airport and metropolitan codes, 3 bytes each
    "code_place": "I",  # the place each code serves (NO_PLACE: none)
    "code_lat": "i",
    "code_lon": "i",
    "code_flags": "B",
    "words": "",  # everyday English words, sorted, one per line
}
NO_PLACE = 0xFFFFFFFF
COORD_SCALE = 1_000

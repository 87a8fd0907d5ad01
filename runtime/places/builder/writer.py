"""Writes an assembled index in the :mod:`runtime.places.layout` format (build time only)."""

from __future__ import annotations

import json
import struct
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.places.builder.assemble import Assembled
from runtime.places.layout import (
    AIRPORT_INTERNATIONAL,
    AIRPORT_METRO,
    ALIGN,
    BLOCK,
    CONTENDER,
    COORD_SCALE,
    MAGIC,
    MATCH_SHIFT,
    MAX_POSTINGS,
    NO_PLACE,
    PLACE_BITS,
    PLACE_CAPITAL,
    PLACE_NOTABLE,
    PLACE_PROTECTED,
    SECTIONS,
    VERSION,
)
from runtime.places.place import KINDS


def encode(built: Assembled, countries: dict[str, dict[str, Any]], meta: dict[str, Any]) -> bytes:
    """The index file's bytes. Raises ValueError when the data outgrows the layout."""
    rows = built.rows
    if len(rows) >= 1 << PLACE_BITS:
        raise ValueError(f"{len(rows)} places do not fit in {PLACE_BITS}-bit ids")
    if any("\n" in r.name or "\n" in r.suffix for r in rows):
        raise ValueError("a place name contains a line break")
    country_codes = sorted({r.country for r in rows})
    country_index = {code: i for i, code in enumerate(country_codes)}
    names_by_code = {r.country: r.name for r in rows if r.kind == "country"}
    timezones = sorted({r.timezone for r in rows})
    regions = ["", *sorted({r.region for r in rows if r.region})]
    sections: dict[str, bytes] = {}

    def put(name: str, values: list[int] | bytes) -> None:
        code = SECTIONS[name]
        sections[name] = values if isinstance(values, bytes) else array(code, values).tobytes()

    put("lat", [round(r.latitude * COORD_SCALE) for r in rows])
    put("lon", [round(r.longitude * COORD_SCALE) for r in rows])
    put("population", [max(0, r.population) for r in rows])
    names = [(r.name + "\n").encode() for r in rows]
    put("names", b"".join(names))
    put("name_block", _block_offsets(names))
    put("qualifier", [r.qualifier for r in rows])
    suffixed = [(i, r.suffix) for i, r in enumerate(rows) if r.suffix]
    put("suffix_ids", [i for i, _ in suffixed])
    put("suffixes", "".join(suffix + "\n" for _, suffix in suffixed).encode())
    tz_index = {tz: i for i, tz in enumerate(timezones)}
    put("timezone", [tz_index[r.timezone] for r in rows])
    put("country", [country_index[r.country] for r in rows])
    region_index = {name: i for i, name in enumerate(regions)}
    put("region", [region_index[r.region] if r.region else 0 for r in rows])
    kind_index: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
    put("kind", [kind_index[r.kind] for r in rows])
    put("flags", [_place_flags(r.notable, r.protected, r.capital) for r in rows])
    _put_keys(built, put)
    codes = [built.codes[c] for c in sorted(built.codes)]
    put("code_keys", "".join(c.code for c in codes).encode())
    put("code_place", [NO_PLACE if c.row is None else c.row for c in codes])
    put("code_lat", [round(c.latitude * COORD_SCALE) for c in codes])
    put("code_lon", [round(c.longitude * COORD_SCALE) for c in codes])
    put(
        "code_flags",
        [
            (AIRPORT_INTERNATIONAL if c.international else 0) | (AIRPORT_METRO if c.metro else 0)
            for c in codes
        ],
    )
    put("words", "\n".join(built.words).encode())
    header = {
        **meta,
        "countries": [
            [c, names_by_code.get(c, c), str(countries.get(c, {}).get("currencycode") or "")]
            for c in country_codes
        ],
        "timezones": timezones,
        "regions": regions,
        "country_rows": _country_rows(built),
        "counts": built.stats,
    }
    return _layout(header, sections)


def _put_keys(built: Assembled, put: Callable[[str, list[int] | bytes], None]) -> None:
    """Keys one per line, block offsets, flags, and postings (contenders first)."""
    keys = sorted(built.keys, key=str.encode)
    encoded = [(k + "\n").encode() for k in keys]
    put("keys", b"".join(encoded))
    put("block_off", _block_offsets(encoded))
    block_post: list[int] = []
    counts: list[int] = []
    postings: list[int] = []
    for number, key in enumerate(keys):
        if number % BLOCK == 0:
            block_post.append(len(postings))
        held = built.keys[key][:MAX_POSTINGS]  # contenders come first: never cut
        counts.append(len(held))
        for place, match, contender in held:
            postings.append(place | match << MATCH_SHIFT | (CONTENDER if contender else 0))
    put("block_post", [*block_post, len(postings)])
    put("key_flags", [built.key_flags[k] for k in keys])
    put("post_count", counts)
    put("post", postings)


def _layout(header: dict[str, Any], sections: dict[str, bytes]) -> bytes:
    """Header and sections with offsets; the header is sized with its own offsets in it."""
    prefix = struct.calcsize("<8sII")
    header["sections"] = {name: [0, len(data)] for name, data in sections.items()}
    for _ in range(3):  # the offsets' digits change the header's length: converge
        blob = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
        offset = _align(prefix + len(blob))
        placed = {}
        for name in SECTIONS:
            placed[name] = [offset, len(sections[name])]
            offset = _align(offset + len(sections[name]))
        if placed == header["sections"]:
            break
        header["sections"] = placed
    blob = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
    out = bytearray(struct.pack("<8sII", MAGIC, VERSION, len(blob)) + blob)
    for name in SECTIONS:
        out.extend(b"\0" * (header["sections"][name][0] - len(out)))
        out.extend(sections[name])
    return bytes(out)


def _align(offset: int) -> int:
    return (offset + ALIGN - 1) // ALIGN * ALIGN


def _block_offsets(blobs: list[bytes]) -> list[int]:
    """Offset of every ``BLOCK``-th blob in their concatenation, then the total length."""
    offsets, total = [], 0
    for number, blob in enumerate(blobs):
        if number % BLOCK == 0:
            offsets.append(total)
        total += len(blob)
    return [*offsets, total]


def _place_flags(notable: bool, protected: bool, capital: bool) -> int:
    return (
        (PLACE_NOTABLE if notable else 0)
        | (PLACE_PROTECTED if protected else 0)
        | (PLACE_CAPITAL if capital else 0)
    )


def _country_rows(built: Assembled) -> dict[str, list[int]]:
    spans: dict[str, list[int]] = {}
    for index, row in enumerate(built.rows):
        span = spans.setdefault(row.country, [index, index + 1])
        span[1] = index + 1
    return spans


def write(path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)

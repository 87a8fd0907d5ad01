"""The places index: built from its inputs, current, read in place, refusing bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from runtime.errors import PlacesIndexError
from runtime.places.artefact import INDEX_PATH
from runtime.places.builder.__main__ import is_current
from runtime.places.index import PlaceIndex
from runtime.places.keys import fold_key
from runtime.places.layout import MAGIC, VERSION
from runtime.places.lookup import Places


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return PlaceIndex.open(INDEX_PATH)


def test_the_built_index_is_current_with_its_builder_and_inputs() -> None:
    # make install builds it; a stale one means the curated data or the builder changed since
    assert is_current(INDEX_PATH), "run: python -m runtime.places.builder"


def test_every_place_has_a_unique_display_name(index: PlaceIndex) -> None:
    names = [index.name(i) for i in range(index.size)]
    assert len(set(names)) == len(names)


def test_every_place_can_be_found_again_by_its_display_name(index: PlaceIndex) -> None:
    places = Places(index)
    for place_id in range(0, index.size, 997):  # a spread sample: the full check takes ~30 s
        name = index.name(place_id)
        place = places.place(name)
        assert place is not None and place.name == name


@pytest.mark.parametrize(
    ("text", "key"),
    [("Xi’an", "xian"), ("Genève", "geneve"), ("Portland, Maine", "portland maine"),
     ("Łódź", "lodz"), ("Aix-la-Chapelle", "aix la chapelle"), ("東京", "")],
)  # fmt: skip
def test_names_fold_to_ascii_keys(text: str, key: str) -> None:
    assert fold_key(text) == key


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.idx"
    path.write_bytes(b"not an index at all")
    with pytest.raises(PlacesIndexError, match="bad magic"):
        PlaceIndex.open(path)


def test_an_index_of_another_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.idx"
    path.write_bytes(struct.pack("<8sII", MAGIC, VERSION + 1, 2) + b"{}")
    with pytest.raises(PlacesIndexError, match="format version"):
        PlaceIndex.open(path)


def test_a_corrupt_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.idx"
    path.write_bytes(struct.pack("<8sII", MAGIC, VERSION, 5) + b"{nope")
    with pytest.raises(PlacesIndexError, match="corrupt"):
        PlaceIndex.open(path)


def test_a_missing_index_makes_every_lookup_answer_no_place(tmp_path: Path) -> None:
    places = Places(path=tmp_path / "missing.idx")
    assert places.lookup("Paris") is None
    assert places.place("Paris") is None
    assert places.serving("CDG") is None
    assert not places.available


def test_the_largest_cities_of_a_country_come_first(index: PlaceIndex) -> None:
    cities = Places(index).cities_in("VN", 2)
    assert [c.name for c in cities] == ["Ho Chi Minh City", "Hanoi"]


def test_a_countrys_cities_with_their_own_airport_put_destinations_first(index: PlaceIndex) -> None:
    # GIVEN Thailand, whose second and third largest cities are no destinations of the bot
    cities = Places(index).cities_in("TH", 3, own_airport=True)
    # THEN the cities offered have an airport of their own, destinations before mere size
    assert [c.name for c in cities][:2] == ["Bangkok", "Chiang Mai"]
    assert all(c.iata and c.airport_km == 0 for c in cities)

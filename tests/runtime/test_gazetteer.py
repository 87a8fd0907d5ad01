"""Places: canonical city names from names, synonyms, typos and IATA codes; words are not cities."""

from __future__ import annotations

import pytest

from runtime.model import default_model
from runtime.nlu.embedded import model_vocabulary
from runtime.nlu.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    model = default_model()
    return Gazetteer(model.slot_types["City"].values, model_vocabulary(model))


@pytest.mark.parametrize(
    ("text", "cities"),
    [
        ("trip to Lisbon", ["Lisbon"]),
        ("weather in lisbon", ["Lisbon"]),
        ("going to lisbn", ["Lisbon"]),
        ("to barcelna for a week", ["Barcelona"]),
        ("flights from JFK to LHR", ["New York", "London"]),
        ("fly CDG to FCO", ["Paris", "Rome"]),
        ("a trip to new york city", ["New York"]),
        ("visiting Zürich", ["Zurich"]),
        ("flights out of Boston to Reykjavik", ["Boston", "Reykjavik"]),
        ("weather in Edinburgh?", ["Edinburgh"]),
        ("trip to Porto Alegre", ["Porto Alegre"]),
        ("weather in san fransisco", ["San Francisco"]),
    ],
)
def test_places_resolve_to_canonical_cities(
    gazetteer: Gazetteer, text: str, cities: list[str]
) -> None:
    assert [m.value for m in gazetteer.find(text)] == cities


@pytest.mark.parametrize(
    "text",
    ["have a nice day", "I am mad about this", "can you help me", "plan a trip", "hello there"],
)
def test_everyday_words_are_not_cities(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


def test_cue_words_give_origin_and_destination_roles(gazetteer: Gazetteer) -> None:
    found = gazetteer.find("flying out of chicago to mexico city")
    assert [(m.value, m.cue) for m in found] == [("Chicago", "from"), ("Mexico City", "to")]


def test_cities_have_airport_codes_for_flight_search(gazetteer: Gazetteer) -> None:
    assert gazetteer.city("Lisbon").code == "LIS"
    assert gazetteer.city("New York").code == "NYC"
    assert gazetteer.city("Porto Alegre").code == "POA"
    assert gazetteer.city("Atlantis").code is None


def test_raw_values_from_cloud_nlus_are_canonicalised(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("lisboa") == "Lisbon"
    assert gazetteer.resolve("Big Apple") == "New York"
    assert gazetteer.resolve("LHR") == "London"
    assert gazetteer.resolve("qwzx") is None

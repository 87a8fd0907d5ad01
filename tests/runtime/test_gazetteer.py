"""Places in text: canonical names for any place on Earth, old names, typos and airport codes;
ambiguous names are offered as a choice, unknown ones reported; words are not places."""

from __future__ import annotations

import pytest

from runtime.model import default_model
from runtime.nlu.embedded import model_vocabulary
from runtime.nlu.gazetteer import AmbiguousPlace, Gazetteer, UnknownPlace
from runtime.places.lookup import Places


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    model = default_model()
    return Gazetteer(model.slot_types["City"].values, model_vocabulary(model))


@pytest.mark.parametrize(
    ("text", "places"),
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
def test_cities_of_the_bot_model_keep_resolving(
    gazetteer: Gazetteer, text: str, places: list[str]
) -> None:
    assert [m.value for m in gazetteer.find(text)] == places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a week in Hoi An", "Hoi An"),
        ("two days in zermatt", "Zermatt"),
        ("plan a trip to bruges", "Bruges"),
        ("weather in Kyoto", "Kyoto"),
        ("going to Luang Prabang", "Luang Prabang"),
        ("flying to ushuaia", "Ushuaia"),
        ("a trip to Japan", "Japan"),
        ("a week in Tuscany", "Tuscany"),
        ("visiting santorini", "Santorini"),
        ("holiday in mallorca", "Mallorca"),
        ("trip to majorca", "Mallorca"),
        ("a week on crete", "Crete"),
    ],
)
def test_towns_countries_regions_and_islands_outside_the_bot_model_resolve(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


@pytest.mark.parametrize(
    ("old", "canonical"),
    [
        ("saigon", "Ho Chi Minh City"),
        ("Bombay", "Mumbai"),
        ("madras", "Chennai"),
        ("Peking", "Beijing"),
        ("den haag", "The Hague"),
        ("Genève", "Geneva"),
        ("wien", "Vienna"),
        ("Köln", "Cologne"),
        ("firenze", "Florence"),
        ("münchen", "Munich"),
        ("praha", "Prague"),
        ("calcutta", "Kolkata"),
        ("deutschland", "Germany"),
        ("burma", "Myanmar"),
    ],
)
def test_historical_and_local_names_give_the_english_name(
    gazetteer: Gazetteer, old: str, canonical: str
) -> None:
    assert [m.value for m in gazetteer.find(f"a trip to {old}")] == [canonical]


@pytest.mark.parametrize(
    ("typo", "place"),
    [("amsterdm", "Amsterdam"), ("reykjavic", "Reykjavik"), ("budapset", "Budapest")],
)
def test_a_typo_resolves_when_one_place_is_nearest(
    gazetteer: Gazetteer, typo: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(f"weather in {typo}")] == [place]


def test_a_typo_that_drops_the_first_letter_is_not_guessed(gazetteer: Gazetteer) -> None:
    # GIVEN a made-up place one deletion away from Akanda (Gabon)
    # WHEN it is read after a cue
    found = gazetteer.find("plan a trip to Wakanda")
    # THEN it is reported as unknown, not guessed
    assert [m.value for m in found] == [UnknownPlace("Wakanda")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Portland", {"Portland", "Portland, Maine"}),
        ("Cordoba", {"Córdoba", "Córdoba, Argentina"}),
        ("Valencia", {"Valencia", "Valencia, Venezuela"}),
        ("San Jose", {"San Jose", "San José, Costa Rica"}),
        ("Lagos", {"Lagos, Nigeria", "Lagos"}),
    ],
)
def test_a_name_several_well_known_places_share_is_offered_as_a_choice(
    gazetteer: Gazetteer, name: str, expected: set[str]
) -> None:
    [mention] = gazetteer.find(f"a trip to {name}")
    assert isinstance(mention.value, AmbiguousPlace)
    assert expected <= set(mention.value.candidates)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a trip to Portland, Maine", "Portland, Maine"),
        ("a trip to portland oregon", "Portland"),
        ("a week in Cordoba, Spain", "Córdoba"),
        ("Paris, Texas for a day", "Paris, Texas"),
        ("Taos, New Mexico for 3 days", "Taos"),
    ],
)
def test_a_following_region_or_country_narrows_the_place(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


@pytest.mark.parametrize(
    ("name", "place"),
    [("Paris", "Paris"), ("London", "London"), ("Sydney", "Sydney"), ("Venice", "Venice")],
)
def test_the_dominant_holder_of_a_name_keeps_it(
    gazetteer: Gazetteer, name: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(f"a trip to {name}")] == [place]


@pytest.mark.parametrize(
    "text",
    [
        "have a nice day",
        "I am mad about this",
        "can you help me",
        "plan a trip",
        "hello there",
        "we can split the bill",
        "reading a book in the bath",
    ],
)
def test_everyday_words_are_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


def test_cue_words_give_origin_and_destination_roles(gazetteer: Gazetteer) -> None:
    found = gazetteer.find("flying out of chicago to mexico city")
    assert [(m.value, m.cue) for m in found] == [("Chicago", "from"), ("Mexico City", "to")]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("flights FRA - NRT", ["Frankfurt", "Tokyo"]),
        ("SYD-AKL on 1 may", ["Sydney", "Auckland"]),
        ("zrh to vie tomorrow", ["Zurich", "Vienna"]),
        ("KEF to ICN", ["Reykjavik", "Seoul"]),
    ],
)
def test_airport_codes_resolve_to_the_city_they_serve(
    gazetteer: Gazetteer, text: str, places: list[str]
) -> None:
    assert [m.value for m in gazetteer.find(text)] == places


def test_cities_have_airport_codes_for_flight_search(gazetteer: Gazetteer) -> None:
    assert gazetteer.city("Lisbon").code == "LIS"
    assert gazetteer.city("New York").code == "NYC"
    assert gazetteer.city("Porto Alegre").code == "POA"
    assert gazetteer.city("Wakanda").code is None


def test_a_town_without_an_airport_flies_from_the_nearest_one(gazetteer: Gazetteer) -> None:
    hallstatt = gazetteer.place("Hallstatt")
    assert hallstatt is not None
    assert hallstatt.iata == "SZG"
    assert hallstatt.airport_km is not None and 30 < hallstatt.airport_km < 100


def test_a_country_has_no_airport_code_a_flight_needs_a_city(gazetteer: Gazetteer) -> None:
    japan = gazetteer.place("Japan")
    assert japan is not None
    assert (japan.kind, japan.iata, japan.currency) == ("country", None, "JPY")


def test_a_place_carries_what_weather_and_plans_need(gazetteer: Gazetteer) -> None:
    kyoto = gazetteer.place("Kyoto")
    assert kyoto is not None
    assert (kyoto.kind, kyoto.country_code, kyoto.country) == ("city", "JP", "Japan")
    assert (round(kyoto.latitude), round(kyoto.longitude)) == (35, 136)
    assert (kyoto.timezone, kyoto.currency) == ("Asia/Tokyo", "JPY")
    assert kyoto.population > 1_000_000


def test_an_island_takes_coordinates_zone_and_airport_from_its_anchor(
    gazetteer: Gazetteer,
) -> None:
    santorini = gazetteer.place("Santorini")
    assert santorini is not None
    assert (santorini.kind, santorini.country_code, santorini.iata) == ("island", "GR", "JTR")
    assert (santorini.timezone, santorini.currency) == ("Europe/Athens", "EUR")


def test_raw_values_from_cloud_nlus_are_canonicalised(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("lisboa") == "Lisbon"
    assert gazetteer.resolve("Big Apple") == "New York"
    assert gazetteer.resolve("LHR") == "London"
    assert gazetteer.resolve("kyoto") == "Kyoto"
    assert gazetteer.resolve("Den Haag") == "The Hague"
    assert gazetteer.resolve("qwzx") is None


def test_an_ambiguous_raw_value_reads_as_candidates(gazetteer: Gazetteer) -> None:
    reading = gazetteer.read("Portland")
    assert reading.name is None
    assert set(reading.candidates) == {"Portland", "Portland, Maine"}


def test_without_an_index_the_bot_models_cities_still_resolve(tmp_path: object) -> None:
    # GIVEN a gazetteer whose places index is missing
    model = default_model()
    missing = Places(path=__import__("pathlib").Path(str(tmp_path)) / "none.idx")
    gazetteer = Gazetteer(model.slot_types["City"].values, model_vocabulary(model), missing)
    # WHEN places are read THEN the bot model's cities and synonyms still resolve, nothing fails
    assert [m.value for m in gazetteer.find("trip to Lisbon")] == ["Lisbon"]
    assert gazetteer.resolve("Big Apple") == "New York"
    assert gazetteer.find("a trip to Kyoto") == []
    assert gazetteer.city("Lisbon").code == "LIS"


def test_the_travel_destination_among_namesakes_keeps_the_bare_name() -> None:
    # GIVEN Valencia, a curated destination in Spain, and Valencia, Venezuela, a bigger city
    gazetteer = Gazetteer(default_model().slot_types["City"].values)
    # WHEN the name is read / THEN it still asks which one, but Spain's keeps the guides' name
    reading = gazetteer.read("Valencia")
    assert reading.name is None
    spain = gazetteer.place("Valencia")
    assert spain is not None and spain.country_code == "ES"
    venezuela = gazetteer.place("Valencia, Venezuela")
    assert venezuela is not None and venezuela.country_code == "VE"


def test_gibberish_first_in_a_message_is_not_guessed_as_a_small_town(gazetteer: Gazetteer) -> None:
    # GIVEN a keyboard mash one letter away from a small Indonesian town (Blora)
    # WHEN it opens a message with no cue word and no capital
    found = gazetteer.find("blorp fnord")
    # THEN no place is guessed from it
    assert [m.value for m in found if isinstance(m.value, str)] == []


def test_a_misspelt_destination_first_in_a_message_is_still_read(gazetteer: Gazetteer) -> None:
    assert [m.value for m in gazetteer.find("barcelna in may?")] == ["Barcelona"]


@pytest.mark.parametrize(
    ("text", "place"),
    [("edinbrough for a weekend", "Edinburgh"), ("mozambik for 10 days", "Mozambique")],
)
def test_a_misspelling_written_as_the_name_sounds_may_be_one_edit_further(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    # GIVEN a typo one edit beyond the budget of its length, but pronounced like the name
    # WHEN it opens a message / THEN it resolves
    assert [m.value for m in gazetteer.find(text)] == [place]


@pytest.mark.parametrize(
    ("text", "place"),
    [("boton for a weekend", "Boston"), ("alaka cruise", "Alaska"), ("taipi for 5 days", "Taipei")],
)
def test_a_typo_as_near_a_destination_as_a_lesser_namesake_means_the_destination(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


def test_a_typo_as_near_two_comparable_destinations_is_not_guessed(
    gazetteer: Gazetteer,
) -> None:
    # GIVEN "guana", one edit from Ghana and one from Guyana (40 times smaller, not 100)
    found = gazetteer.find("weather in guana")
    # THEN neither is picked: nothing resolves
    assert [m.value for m in found if isinstance(m.value, str)] == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("peak district for a long weekend", "Peak District"),
        ("salt lake city for 3 days", "Salt Lake City"),
        ("green bay for a weekend", "Green Bay"),
        ("port said for 2 days", "Port Said"),
    ],
)
def test_a_name_made_of_everyday_words_opening_a_message_is_a_place(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


@pytest.mark.parametrize("text", ["a long beach walk", "the valley looks lovely"])
def test_everyday_words_that_only_happen_to_form_a_name_stay_words(
    gazetteer: Gazetteer, text: str
) -> None:
    assert gazetteer.find(text) == []


def test_a_word_of_the_utterances_that_names_a_country_stays_a_place() -> None:
    # GIVEN a bot model whose utterances use "canada" (and "plan")
    gazetteer = Gazetteer(default_model().slot_types["City"].values, ["canada", "plan"])
    # WHEN a message opens with it, lower case, without a cue
    found = gazetteer.find("canada for two weeks")
    # THEN it is the country
    assert [m.value for m in found] == ["Canada"]


def test_a_verb_after_need_to_is_not_an_unknown_place(gazetteer: Gazetteer) -> None:
    # GIVEN a rare verb the word list lacks, after "need to"
    found = gazetteer.find("3 days in Bled, need to acclimatise")
    # THEN only the town is found, no "I couldn't find acclimatise"
    assert [m.value for m in found] == ["Bled"]


def test_a_destination_after_want_to_go_to_is_still_reported_when_unknown(
    gazetteer: Gazetteer,
) -> None:
    assert [m.value for m in gazetteer.find("I want to go to Wakanda")] == [UnknownPlace("Wakanda")]


@pytest.mark.parametrize(
    ("text", "places"),
    [("cdg to ath on friday", ["Paris", "Athens"]), ("ams-ath", ["Amsterdam", "Athens"])],
)
def test_a_code_that_is_also_a_town_is_a_code_beside_a_code_that_is_no_town(
    gazetteer: Gazetteer, text: str, places: list[str]
) -> None:
    # GIVEN "ath", Athens' airport and a town in Belgium, paired with a code naming no place
    assert [m.value for m in gazetteer.find(text)] == places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("the jurassic coast for a week", "Jurassic Coast"),
        ("finger lakes wine weekend", "Finger Lakes"),
        ("zion national park for 3 days", "Zion National Park"),
        ("a week on the isle of mull", "Isle of Mull"),
    ],
)
def test_regions_parks_coasts_and_island_groups_travellers_name_resolve(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


def test_a_region_named_by_the_user_beats_a_city_in_it_called_so_in_another_language(
    gazetteer: Gazetteer,
) -> None:
    # GIVEN Goa, the Indian state, which GeoNames also lists among Mormugao's names
    # WHEN it is named beside another place / THEN it is the state
    assert [m.value for m in gazetteer.find("goa to leh")] == ["Goa", "Leh"]


def test_a_romanised_endonym_of_a_country_resolves(gazetteer: Gazetteer) -> None:
    assert [m.value for m in gazetteer.find("nihon for 2 weeks")] == ["Japan"]


def test_two_destinations_sharing_a_name_are_offered_as_a_choice(gazetteer: Gazetteer) -> None:
    # GIVEN Mérida, Spain (Roman, a destination) and Mérida, Yucatán (a destination, bigger)
    [mention] = gazetteer.find("a trip to Merida")
    # THEN the name asks which one
    assert isinstance(mention.value, AmbiguousPlace)
    assert {"Mérida", "Mérida, Mexico"} <= set(mention.value.candidates)


@pytest.mark.parametrize("name", ["Athens", "Manchester", "Barcelona", "Paris", "Venice"])
def test_the_world_famous_holder_of_a_name_is_answered_without_asking(
    gazetteer: Gazetteer, name: str
) -> None:
    assert [m.value for m in gazetteer.find(f"a trip to {name}")] == [name]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("telluride for a week", "Telluride"),
        ("ravello for 2 days", "Ravello"),
        ("park city ski trip", "Park City"),
        ("moab for 4 days", "Moab"),
    ],
)
def test_curated_resort_towns_below_the_size_cut_or_named_by_words_resolve(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


def test_an_amount_after_a_place_is_not_taken_as_its_region(gazetteer: Gazetteer) -> None:
    # GIVEN a place followed by a comma and a sum ("edinburgh, £700")
    [place] = gazetteer.find("plan 4 days in edinburgh, £700")
    # THEN the place ends where its name ends, leaving the sum to be read as the budget
    assert (place.value, place.end) == ("Edinburgh", len("plan 4 days in edinburgh"))


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("cheap flights out of chigaco", "Chicago"),  # two letters swapped across a third
        ("a week in maddir", "Madrid"),  # the same, not Maddur, one substitution away
        ("three nights in bangok", "Bangkok"),  # as near Bangor, a name of towns none a destination
    ],
)
def test_slips_the_edit_budget_missed_resolve(gazetteer: Gazetteer, text: str, place: str) -> None:
    # GIVEN a common slip of a destination's name / WHEN it is read / THEN it resolves
    assert [m.value for m in gazetteer.find(text)][:1] == [place]


def test_a_compound_name_of_everyday_words_is_a_typo_target(gazetteer: Gazetteer) -> None:
    # GIVEN "Lake District", two everyday words naming a region, misspelt after a cue
    # THEN the misspelling is read as the region
    assert [m.value for m in gazetteer.find("hiking in the lake distrct")] == ["Lake District"]


@pytest.mark.parametrize(
    ("text", "place"),
    [("taos in october", "Taos"), ("kirkwall next summer", "Kirkwall")],
)
def test_a_name_the_word_list_only_lists_is_no_english_word(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    # GIVEN a small town whose name pyspellchecker lists at its floor count (never attested)
    # WHEN it opens a message in lower case / THEN it is read as the town
    assert [m.value for m in gazetteer.find(text)] == [place]


def test_a_hamlet_with_its_own_airport_is_in_the_index(gazetteer: Gazetteer) -> None:
    # GIVEN Coober Pedy: 2,100 people, few names in other languages, but an airport (CPD)
    assert [m.value for m in gazetteer.find("coober pedy for a weekend")] == ["Coober Pedy"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("peiping in spring", "Beijing"),  # GeoNames: "Pei-p'ing"
        ("almaata for skiing", "Almaty"),  # GeoNames: "Alma-Ata"
        ("a trip to abyssinia", "Ethiopia"),
        ("a trip to upper volta", "Burkina Faso"),
        ("a trip to rhodesia", "Zimbabwe"),
    ],
)
def test_romanisations_written_run_together_and_former_country_names_resolve(
    gazetteer: Gazetteer, text: str, place: str
) -> None:
    assert [m.value for m in gazetteer.find(text)] == [place]


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("a weekend in salem", {"Salem", "Salem, Oregon"}),
        ("waterloo next week", {"Waterloo", "Waterloo, Belgium"}),
    ],
)
def test_a_name_is_not_given_to_a_place_another_era_called_so(
    gazetteer: Gazetteer, text: str, candidates: set[str]
) -> None:
    # GIVEN a name notable places bear as their own and a destination bore long ago
    # (Jerusalem's "Salem", Austin's "Waterloo")
    (mention,) = gazetteer.find(text)
    # THEN the places bearing it are offered, and the other one is not
    assert isinstance(mention.value, AmbiguousPlace)
    assert candidates <= set(mention.value.candidates)
    assert not {"Jerusalem", "Austin"} & set(mention.value.candidates)


def test_two_countries_called_congo_are_offered_as_a_choice(gazetteer: Gazetteer) -> None:
    (mention,) = gazetteer.find("congo in july")
    assert isinstance(mention.value, AmbiguousPlace)
    assert set(mention.value.candidates) == {
        "Democratic Republic of the Congo",
        "Republic of the Congo",
    }

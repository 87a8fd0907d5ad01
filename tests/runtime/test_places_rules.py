"""The dominance rule: which place a shared name means, or that it is ambiguous."""

from __future__ import annotations

from runtime.places.builder.rules import Holder, contenders, dominates


def city(id_: int, population: int, country: str = "US", **extra: object) -> Holder:
    return Holder(id=id_, kind="city", country=country, population=population, notable=True,
                  **extra)  # type: ignore[arg-type]  # fmt: skip


def ids(holders: list[Holder]) -> list[int]:
    return [h.id for h in holders]


def test_a_city_ten_times_bigger_keeps_the_name() -> None:
    # Paris, France (2.1M) and Paris, Texas (25k)
    assert ids(contenders([city(1, 2_138_551, "FR"), city(2, 24_782)])) == [1]


def test_two_cities_of_comparable_size_make_the_name_ambiguous() -> None:
    # Portland, Oregon (652k) and Portland, Maine (67k): not ten times
    assert ids(contenders([city(1, 652_503), city(2, 66_881)])) == [1, 2]


def test_a_destination_is_never_outvoted_by_a_bigger_namesake_that_is_not_one() -> None:
    # Lagos, Nigeria (15M) and Lagos, Portugal (33k), a destination
    lagos = contenders([city(1, 15_388_000, "NG"), city(2, 33_494, "PT", protected=True)])
    assert sorted(ids(lagos)) == [1, 2]


def test_a_destination_wins_over_a_namesake_no_bigger_than_itself() -> None:
    # Venice, Italy (51k, a destination) and Venice, California (41k)
    assert ids(contenders([city(1, 51_298, "IT", protected=True), city(2, 40_885)])) == [1]


def test_a_name_known_only_as_a_foreign_alternate_weighs_little() -> None:
    # Rome (2.3M) and Lomé (2.2M), for which GeoNames lists "Rome" among other languages' names
    lome = city(2, 2_188_376, "TG", alternate_only=True)
    assert ids(contenders([city(1, 2_318_895, "IT"), lome])) == [1]


def test_a_city_beats_the_region_of_the_same_name_around_it() -> None:
    state = Holder(id=1, kind="region", country="US", population=19_000_000, protected=True,
                   notable=True, admin1="NY")  # fmt: skip
    new_york = city(2, 8_804_190, admin1="NY", protected=True)
    assert ids(contenders([state, new_york])) == [2]


def test_an_island_beats_the_town_of_the_same_name_on_it() -> None:
    island = Holder(id=1, kind="island", country="ES", population=150_000, protected=True,
                    notable=True, latitude=38.91, longitude=1.43)  # fmt: skip
    town = city(2, 49_727, "ES", latitude=38.91, longitude=1.43, protected=True)
    assert ids(contenders([island, town])) == [1]


def test_a_country_beats_its_city_of_the_same_name_unless_the_city_is_the_country() -> None:
    mexico = Holder(id=1, kind="country", country="MX", population=126_000_000, protected=True,
                    notable=True)  # fmt: skip
    singapore = Holder(id=3, kind="country", country="SG", population=5_600_000, protected=True,
                       notable=True)  # fmt: skip
    assert ids(contenders([mexico, city(2, 12_294_193, "MX")])) == [1]
    assert ids(contenders([singapore, city(4, 5_638_700, "SG", protected=True)])) == [4]


def test_a_country_and_a_state_elsewhere_of_one_name_are_ambiguous() -> None:
    # Georgia, the country, and Georgia, the U.S. state
    country = Holder(id=1, kind="country", country="GE", population=3_700_000, protected=True,
                     notable=True)  # fmt: skip
    state = Holder(id=2, kind="region", country="US", population=10_700_000, protected=True,
                   notable=True, admin1="GA")  # fmt: skip
    assert sorted(ids(contenders([country, state]))) == [1, 2]


def test_an_area_needs_fifty_times_a_citys_weight_to_dominate_it() -> None:
    # Victoria, the Australian state (6.6M), and Victoria, British Columbia (290k)
    state = Holder(id=1, kind="region", country="AU", population=6_600_000, protected=True,
                   notable=True)  # fmt: skip
    assert sorted(ids(contenders([state, city(2, 289_625, "CA", protected=True)]))) == [1, 2]


def test_small_places_do_not_compete_with_notable_ones() -> None:
    hamlet = Holder(id=2, kind="city", country="US", population=900_000)  # not notable
    assert ids(contenders([city(1, 300_000, "CA"), hamlet])) == [1]


def test_domination_is_not_symmetric() -> None:
    big, small = city(1, 1_000_000), city(2, 10_000)
    assert dominates(big, small)
    assert not dominates(small, big)


def test_no_holder_means_no_contender() -> None:
    assert contenders([]) == []


def test_a_foreign_alternate_name_of_a_destination_does_not_contest_an_island() -> None:
    # "Bali" is listed among Bari's names in another language; both are protected
    island = Holder(id=1, kind="island", country="ID", population=4_300_000, protected=True,
                    notable=True)  # fmt: skip
    bari = city(2, 316_491, "IT", protected=True, alternate_only=True)
    assert ids(contenders([island, bari])) == [1]


def test_a_destinations_foreign_name_beats_an_unprotected_town_holding_it() -> None:
    # "Edinburg": Edinburgh's name in German and Dutch, and a town of that name that is not
    # notable (a notable one bearing the name as its own wins it unless the name is a spelling
    # of the destination's own: the own-name tests below)
    edinburgh = city(1, 514_990, "GB", protected=True, alternate_only=True)
    town = Holder(id=2, kind="city", country="US", population=84_497)
    assert ids(contenders([edinburgh, town])) == [1]


def test_a_destination_beats_a_bigger_namesake_that_travellers_do_not_mean() -> None:
    # Windsor, England (31k, a destination) and Windsor, Ontario (229k, below SIZEABLE)
    england = city(1, 31_225, "GB", protected=True)
    assert ids(contenders([england, city(2, 229_060, "CA")])) == [1]


def test_a_destination_does_not_beat_a_bigger_capital_of_its_name() -> None:
    # George Town, Penang (a destination) and Georgetown, the capital of Guyana
    penang = city(1, 158_000, "MY", protected=True)
    guyana = city(2, 235_017, "GY", capital=True)
    assert sorted(ids(contenders([penang, guyana]))) == [1, 2]


def test_two_destinations_of_one_name_are_ambiguous_unless_one_is_far_bigger() -> None:
    # GIVEN two protected cities 20 times apart, and two 86 times apart
    russia = city(1, 5_351_935, "RU", protected=True)
    florida = city(2, 257_083, "US", protected=True)
    france = city(3, 2_138_551, "FR", protected=True)
    texas = city(4, 24_782, "US", protected=True)
    # THEN the first pair asks, the second answers the world city
    assert sorted(ids(contenders([russia, florida]))) == [1, 2]
    assert ids(contenders([france, texas])) == [3]


def test_a_destination_by_its_own_name_beats_one_so_named_only_in_another_language() -> None:
    # "Colonia": Colonia del Sacramento's short name, and Cologne's in Spanish and Italian
    uruguay = city(1, 32_000, "UY", protected=True)
    cologne = city(2, 1_024_000, "DE", protected=True, alternate_only=True)
    assert ids(contenders([uruguay, cologne])) == [1]


def test_a_region_beats_a_city_in_it_that_bears_its_name_only_in_another_language() -> None:
    # "Goa": the Indian state, and Mormugao, a city in it GeoNames also calls Goa
    state = Holder(id=1, kind="region", country="IN", population=1_500_000, protected=True,
                   notable=True, latitude=15.49, longitude=73.83)  # fmt: skip
    mormugao = city(2, 102_345, "IN", latitude=15.39, longitude=73.81, alternate_only=True)
    assert ids(contenders([state, mormugao])) == [1]


def test_a_notable_place_by_its_own_name_beats_a_destination_so_named_in_another_era() -> None:
    # GIVEN "Salem": Salem, India and Salem, Oregon by their own names, and Jerusalem (a
    # protected capital, bigger than both) for which GeoNames lists "Salem" among its names
    india = city(1, 917_414, "IN")
    oregon = city(2, 175_535)
    jerusalem = city(3, 971_800, "IL", protected=True, capital=True, alternate_only=True)
    # WHEN the rule decides / THEN the two Salems are asked about and Jerusalem is not offered
    assert sorted(ids(contenders([india, oregon, jerusalem]))) == [1, 2]


def test_a_spelling_of_a_destinations_own_name_still_means_it() -> None:
    # GIVEN "Edinburg": Edinburgh's German spelling, one letter from its own name, and a
    # notable Texan city of that name
    edinburgh = city(1, 514_990, "GB", protected=True, alternate_only=True, variant=True)
    texas = city(2, 84_497)
    # THEN Edinburgh keeps it
    assert ids(contenders([edinburgh, texas])) == [1]


def test_another_name_still_means_its_place_when_no_notable_place_bears_it() -> None:
    # GIVEN "Bombay": Mumbai's former name, and a village of that name that is not notable
    mumbai = city(1, 12_691_836, "IN", protected=True, alternate_only=True)
    village = Holder(id=2, kind="city", country="US", population=5_100)
    # THEN Mumbai
    assert ids(contenders([mumbai, village])) == [1]


def test_two_countries_sharing_a_name_ask_unless_one_is_far_bigger() -> None:
    # GIVEN "Congo": the Democratic Republic (84M) and the Republic (5.2M), 16 times apart
    def country(id_: int, population: int, code: str) -> Holder:
        return Holder(id=id_, kind="country", country=code, population=population,
                      protected=True, notable=True)  # fmt: skip

    # THEN the traveller is asked which Congo
    assert sorted(ids(contenders([country(1, 84_068_091, "CD"), country(2, 5_244_363, "CG")])))\
        == [1, 2]  # fmt: skip

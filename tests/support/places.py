"""A small gazetteer for tests: a few real places with the fields the open gazetteer gives.

Until the gazetteer (``runtime/places``) lands, tests resolve coordinates here, never through a
network geocoder. Values: coordinates and time zones as GeoNames lists them, ISO 3166 country
codes, ISO 4217 currencies, IATA codes.
"""

from __future__ import annotations

from runtime.providers.geo import Place, PlaceRecord

PLACES: dict[str, PlaceRecord] = {
    place.name.casefold(): place
    for place in (
        PlaceRecord(
            name="Lisbon",
            kind="city",
            country_code="PT",
            country="Portugal",
            latitude=38.71667,
            longitude=-9.13333,
            timezone="Europe/Lisbon",
            population=517802,
            iata="LIS",
            currency="EUR",
        ),
        PlaceRecord(
            name="Kyoto",
            kind="city",
            country_code="JP",
            country="Japan",
            latitude=35.02107,
            longitude=135.75385,
            timezone="Asia/Tokyo",
            population=1459640,
            iata=None,
            currency="JPY",
        ),
        PlaceRecord(
            name="Paris",
            kind="city",
            country_code="FR",
            country="France",
            latitude=48.85341,
            longitude=2.3488,
            timezone="Europe/Paris",
            population=2138551,
            iata="PAR",
            currency="EUR",
        ),
        PlaceRecord(
            name="Tokyo",
            kind="city",
            country_code="JP",
            country="Japan",
            latitude=35.6895,
            longitude=139.69171,
            timezone="Asia/Tokyo",
            population=8336599,
            iata="TYO",
            currency="JPY",
        ),
        PlaceRecord(
            name="Rome",
            kind="city",
            country_code="IT",
            country="Italy",
            latitude=41.89193,
            longitude=12.51133,
            timezone="Europe/Rome",
            population=2318895,
            iata="ROM",
            currency="EUR",
        ),
        PlaceRecord(
            name="Hanoi",
            kind="city",
            country_code="VN",
            country="Vietnam",
            latitude=21.0245,
            longitude=105.84117,
            timezone="Asia/Bangkok",
            population=8053663,
            iata="HAN",
            currency="VND",
        ),
        PlaceRecord(
            name="Atlantis",
            kind="city",
            country_code="XX",
            country="Nowhere",
            latitude=0.5,
            longitude=-30.5,
            timezone=None,
            population=None,
            iata=None,
            currency=None,
        ),
    )
}


def place(name: str) -> Place | None:
    """The fixture's place called ``name`` (case-insensitive), or None."""
    return PLACES.get(name.strip().casefold())

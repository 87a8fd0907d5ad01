"""FindFlights: a tracked deep link to a flight search between two airports, one way or return.

The link opens a flight search for the departure day (and the return day of a round trip);
the reply shows the days as people read them ("Fri 4 Dec") while the slots stay ISO.
"""

from __future__ import annotations

import datetime as dt
import secrets
import urllib.parse
from collections.abc import Callable
from typing import Any

from runtime.dialogue.context import FlightSearch, Fulfilled, FulfilmentContext, Templates
from runtime.dialogue.display import either, human_date
from runtime.errors import StoreError
from runtime.model import BotModel
from runtime.nlu.gazetteer import City, Gazetteer
from runtime.store.base import LinkStore
from runtime.types import FlightLink

FLIGHT_SEARCH_URL = "https://www.google.com/travel/flights?q="
COUNTRY_OPTIONS = 3  # cities offered for a country named as a flight's end


class FlightFulfiller:
    """Hands out a flight-search link, remembered so its clicks count as conversions."""

    def __init__(
        self,
        model: BotModel,
        gazetteer: Gazetteer,
        links: LinkStore,
        *,
        token: Callable[[], str] = lambda: secrets.token_urlsafe(9),
    ) -> None:
        self._text = Templates(model, "FindFlights")
        self._gazetteer = gazetteer
        self._links = links
        self._token = token

    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        """A search link for ``origin`` → ``destination`` on ``date`` (back on ``returnDate``)."""
        origin = self._gazetteer.city(str(slots["origin"]))
        destination = self._gazetteer.city(str(slots["destination"]))
        date = str(slots["date"])
        back = str(slots["returnDate"]) if slots.get("returnDate") else None
        for role, city in (("origin", origin), ("destination", destination)):
            if city.code is None:
                return self._no_code(role, city)
        today = _iso_day(ctx.now_ms)
        if date < today:
            shown = human_date(date, dt.date.fromisoformat(today))
            return Fulfilled(self._text("past_date", date=shown), "ElicitSlot", "date")
        query = f"Flights from {origin.code} to {destination.code} on {date}"
        if back is not None:
            query += f" through {back}"
        link = FlightLink(
            link_id=self._token(),
            session_id=ctx.session_id,
            url=FLIGHT_SEARCH_URL + urllib.parse.quote(query),
            created_ms=ctx.now_ms,
            variant=ctx.variant,
        )
        try:
            self._links.save_link(link)
            href = f"{ctx.base_url}/go/{link.link_id}"
        except StoreError:
            href = link.url  # the user still gets a working link; only the click is not counted
        current = dt.date.fromisoformat(today)
        reply = self._text(
            "round_trip" if back is not None else "fulfilled",
            origin=origin.name,
            origin_code=origin.code,
            destination=destination.name,
            destination_code=destination.code,
            date=human_date(date, current),
            return_date=human_date(back, current) if back is not None else "",
            link=href,
        )
        search = FlightSearch(
            origin=origin.name,
            destination=destination.name,
            date=date,
            return_date=back,
            url=href,
        )
        return Fulfilled(reply, details=search, shows=reply)

    def which_city(self, role: str, name: str) -> Fulfilled | None:
        """A country named as a flight's end, which has no airport of its own: the question
        which of its cities with an airport (destinations first: "Portugal is a country: which
        city are you flying to? For example Lisbon, Porto or Funchal."), asked as soon as the
        country is named; None for any other place."""
        place = self._gazetteer.place(self._gazetteer.canonical(name))
        if place is None or place.kind != "country":
            return None
        found = self._gazetteer.places.cities_in(
            place.country_code, COUNTRY_OPTIONS, own_airport=True
        )
        options = tuple(c.name for c in found)
        if not options:
            return None
        text = self._text(
            "no_code_country",
            city=place.name,
            direction="to" if role == "destination" else "from",
            options=either(list(options)),
        )
        return Fulfilled(text, "ElicitSlot", role, options=options)

    def _no_code(self, role: str, city: City) -> Fulfilled:
        """A flight end without an airport: a country's cities (:meth:`which_city`), else a
        question which city or airport to use instead."""
        asked = self.which_city(role, city.name)
        if asked is not None:
            return asked
        return Fulfilled(self._text("no_code", city=city.name), "ElicitSlot", role)


def _iso_day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()

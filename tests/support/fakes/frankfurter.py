"""Wire-level fake of Frankfurter's v1 API (the ECB's reference rates, no key).

``GET /v1/latest?base=USD&symbols=EUR`` (``/latest`` too) answers ``{"amount": 1.0, "base": "USD",
"date": "YYYY-MM-DD", "rates": {"EUR": 0.9262}}`` (``samples/frankfurter_latest.json``), the
date being the last working day of the fake's clock. Rates come from :data:`EUR_RATES` (units
per euro, the way the ECB publishes them) and are crossed through the euro for other bases,
rounded to five digits like Frankfurter's. A currency outside the ECB's list gets 404
``{"message": "not found"}`` (``samples/frankfurter_not_found.json``), as the v1 OpenAPI
document specifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response

#: Units of each currency per euro: the fake's fixed "reference rates" (not today's).
EUR_RATES: dict[str, float] = {
    "EUR": 1.0,
    "USD": 1.08,
    "GBP": 0.85,
    "JPY": 162.5,
    "CHF": 0.95,
    "AUD": 1.65,
    "CAD": 1.47,
    "SEK": 11.2,
    "NOK": 11.6,
    "DKK": 7.46,
    "PLN": 4.3,
    "CZK": 25.2,
    "HUF": 395.0,
    "THB": 38.5,
    "INR": 90.0,
    "KRW": 1480.0,
    "BRL": 5.9,
    "MXN": 19.8,
    "TRY": 37.0,
    "ZAR": 20.1,
}
Clock = Callable[[], dt.datetime]


def cross_rate(base: str, quote: str) -> float:
    """Units of ``quote`` per unit of ``base``, as the fake answers it."""
    return round(EUR_RATES[quote] / EUR_RATES[base], 5)


def working_day(day: dt.date) -> dt.date:
    """``day``, or the Friday before it on a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


class FrankfurterFake(FakeServer):
    """Local Frankfurter answering ``/latest``."""

    name = "frankfurter"

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.clock: Clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def error_response(self, status: int, message: str | None = None) -> Response:
        """``{"message": ...}``."""
        return json_response(status, {"message": message or "internal server error"})

    def handle(self, request: RecordedRequest) -> Response:
        """Answer ``GET /latest`` and ``GET /v1/latest``."""
        if request.method != "GET" or request.path not in ("/latest", "/v1/latest"):
            return self.error_response(404, "not found")
        base = (request.query_value("base") or "EUR").upper()
        wanted = [s for s in (request.query_value("symbols") or "").upper().split(",") if s]
        if base not in EUR_RATES or any(s not in EUR_RATES for s in wanted):
            return self.error_response(404, "not found")
        quotes = wanted or [c for c in EUR_RATES if c != base]
        rates = {q: cross_rate(base, q) for q in quotes if q != base}
        day = working_day(self.clock().date())
        return json_response(
            200, {"amount": 1.0, "base": base, "date": day.isoformat(), "rates": rates}
        )

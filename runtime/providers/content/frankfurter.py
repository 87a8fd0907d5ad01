"""The European Central Bank's reference exchange rates, through Frankfurter (no key).

``GET {base}/latest?base=USD&symbols=EUR`` answers ``{"amount": 1.0, "base": "USD",
"date": "2026-03-06", "rates": {"EUR": 0.9231}}`` (Frankfurter's v1 OpenAPI document,
``ratesOnDate``); a currency it does not publish gets 404 ``{"message": "not found"}``. The ECB
publishes about 30 currencies once per working day around 16:00 CET, so a rate is cached in the
store for six hours and kept three days for when Frankfurter is down. Frankfurter is open source
(MIT) and free to use; the rates are the ECB's.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.errors import NotFoundError
from runtime.providers.cached import CachedSource
from runtime.providers.content.base import ExchangeRate
from runtime.providers.failures import describe, malformed
from runtime.providers.web import JsonSource, Source, expect_object

NAME = "frankfurter"
SOURCE = Source(
    "ECB reference rates via Frankfurter",
    "https://www.frankfurter.app/",
    "free, open source; rates published by the European Central Bank",
)
_CODE = re.compile(r"^[A-Z]{3}$")


def read_rate(payload: Any, base: str, quote: str) -> ExchangeRate:
    """The ``base``→``quote`` rate from a ``/latest`` answer.

    Raises:
        NotFoundError: the answer has no rate for ``quote``.
        ProviderError: kind ``malformed`` when the documented fields are missing.
    """
    body = expect_object(NAME, payload, "rates answer")
    try:
        rates = body["rates"]
        date = str(body["date"])
        if str(body.get("base", base)) != base:
            raise malformed(NAME, "rates for another base currency")
        if quote not in rates:
            raise NotFoundError(f"no reference rate from {base} to {quote}")
        amount = float(body.get("amount", 1.0)) or 1.0
        rate = float(rates[quote]) / amount
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise malformed(NAME, f"rates answer ({describe(exc)})") from exc
    if rate <= 0:
        raise malformed(NAME, f"a non-positive rate for {quote}")
    return ExchangeRate(base=base, quote=quote, rate=rate, date=date, source=SOURCE)


class FrankfurterRates:
    """:class:`~runtime.providers.content.base.RatesProvider` on Frankfurter's v1 API."""

    def __init__(
        self,
        http: JsonSource,
        *,
        base_url: str = "https://api.frankfurter.dev/v1",
        cache: CachedSource | None = None,
        fresh_s: int = 6 * 3600,
        stale_s: int = 3 * 86400,
        missing_s: int = 86400,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._cache = cache or CachedSource(None)
        self._fresh_s = fresh_s
        self._stale_s = stale_s
        self._missing_s = missing_s

    def rate(self, base: str, quote: str, *, deadline: float | None = None) -> ExchangeRate:
        """The latest reference rate from ``base`` to ``quote``.

        Raises:
            ValueError: a code is not three capital letters.
            NotFoundError: the ECB publishes no rate for one of them.
            ProviderError: Frankfurter failed and no rate is kept.
        """
        for code in (base, quote):
            if not _CODE.match(code):
                raise ValueError(f"not an ISO 4217 currency code: {code!r}")
        if base == quote:
            return ExchangeRate(base=base, quote=quote, rate=1.0, date="", source=SOURCE)

        def load() -> dict[str, Any]:
            payload = self._http.get(
                f"{self._base_url}/latest", {"base": base, "symbols": quote}, deadline=deadline
            )
            return read_rate(payload, base, quote).to_dict()

        value = self._cache.fetch(
            f"frankfurter:v1:{base}:{quote}",
            load,
            fresh_s=self._fresh_s,
            stale_s=self._stale_s,
            missing_s=self._missing_s,
        )
        try:
            return ExchangeRate.from_dict(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(NAME, f"cached value ({describe(exc)})") from exc

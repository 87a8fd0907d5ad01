"""The latency each open-data source adds to a turn, against the wire-level fakes.

The fakes (``python -m tests.support.sources``) answer with no added delay, so what is measured
is our side: the HTTP client, JSON decoding, parsing (a Wikivoyage article's wikitext, five years
of ERA5 days) and the store's cache. Every source is built by ``build_open_data`` exactly as the
runtime builds it, with no cache (each call goes to the fake), except where named:

- ``open_meteo_forecast_p50_ms``: current weather and 16 days (``OpenMeteoWeather.report``);
- ``open_meteo_archive_p50_ms``: a month's normals over five years (``OpenMeteoClimate.typical``);
- ``frankfurter_p50_ms``: one ECB reference rate;
- ``wikivoyage_p50_ms``: Lisbon's article and its listings;
- ``plan_p50_ms``: a whole 4-day Lisbon plan (the three sources in parallel, then the text);
- ``plan_cached_p50_ms``: the same plan answered from a warm content cache;
- ``plan_sources_hanging_p50_ms``: the same plan with every source hanging (fresh breakers):
  bounded by the sources' timeout (``TIMEOUT_S``), the plan still answers;
- ``plan_breakers_open_p50_ms``: the same once the breakers have opened: no source is called.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence

from aws_lambda_powertools import Logger

from runtime.dialogue.context import FulfilmentContext
from runtime.dialogue.plan import PlanFulfiller
from runtime.model import default_model
from runtime.providers.open_data import OpenData, build_open_data
from runtime.settings import Settings
from runtime.store.content_memory import MemoryContentCache
from tests.support.places import place
from tests.support.sources import SourceStack, source_stack

TIMEOUT_S = 0.5
PLAN_SLOTS = {"destination": "Lisbon", "duration": 4, "budget": {"amount": 1500, "currency": "USD"}}


def p50(call: Callable[[], object], n: int) -> float:
    """The median milliseconds of ``n`` calls (after one warm-up call)."""
    call()
    values = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(values), 1)


def sources_of(stack: SourceStack, cache: MemoryContentCache | None) -> OpenData:
    settings = stack.settings(Settings(sources_timeout_s=TIMEOUT_S))
    return build_open_data(settings, places=place, cache=cache)


def plan(data: OpenData) -> Callable[[], object]:
    fulfiller = PlanFulfiller(default_model(), data)

    def run() -> object:
        ctx = FulfilmentContext(
            session_id="bench", base_url="https://bench.test", now_ms=int(time.time() * 1000)
        )
        return fulfiller.fulfil(PLAN_SLOTS, ctx)

    return run


def _each(calls: list[Callable[[], object]]) -> Callable[[], object]:
    """A call that runs the next of ``calls`` each time (each with its own breakers)."""
    queue = iter(calls)
    return lambda: next(queue)()


def measure(n: int) -> dict[str, float]:
    """Every figure of the module docstring."""
    lisbon = place("Lisbon")
    assert lisbon is not None
    results: dict[str, float] = {}
    with source_stack() as stack:
        data = sources_of(stack, None)
        assert data.rates is not None
        assert data.guide is not None
        rates, guide = data.rates, data.guide
        results["open_meteo_forecast_p50_ms"] = p50(lambda: data.weather.report(lisbon), n)
        results["open_meteo_archive_p50_ms"] = p50(lambda: data.weather.typical(lisbon, 3), n)
        results["frankfurter_p50_ms"] = p50(lambda: rates.rate("USD", "EUR"), n)
        results["wikivoyage_p50_ms"] = p50(lambda: guide.guide(lisbon), n)
        results["plan_p50_ms"] = p50(plan(data), n)
        results["plan_cached_p50_ms"] = p50(plan(sources_of(stack, MemoryContentCache())), n)
        stack.all_down(hang=True)
        hanging = [plan(sources_of(stack, None)) for _ in range(max(3, n // 5))]  # fresh breakers
        results["plan_sources_hanging_p50_ms"] = p50(_each(hanging), len(hanging) - 1)
        tripped = plan(sources_of(stack, None))
        for _ in range(3):  # three timeouts open every source's breaker
            tripped()
        results["plan_breakers_open_p50_ms"] = p50(tripped, n)
        stack.reset()
    results["sources_timeout_ms"] = TIMEOUT_S * 1000
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurements and print one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", type=int, default=30, help="calls per figure (default 30)")
    args = parser.parse_args(argv)
    Logger(service="travelbot").setLevel("ERROR")
    results = measure(max(3, args.n))
    for name, value in results.items():
        print(f"{name:32} {value:8.1f}")
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

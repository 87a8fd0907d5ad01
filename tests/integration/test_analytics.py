"""Daily analytics over a generated day with known answers, on both stores; metrics and the job."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runtime.analytics import job as jobs
from runtime.analytics.metrics import publish_metrics
from runtime.analytics.report import analyse, compute_report, format_table, parse_date, percentile
from runtime.store.base import HistoryStore
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.sqlite import SqliteStore
from tests.conftest import EVENTS, FakeContext
from tests.integration.analytics_day import EXPECTED, write_day
from tests.integration.store_helpers import DAY, DAY_START_MS, Clock, make_turn
from tests.support.dynalite import DynamoTable

pytest_plugins = ["tests.integration.dynamo_fixtures"]

StoreMaker = Callable[[Clock], HistoryStore]


@pytest.fixture(params=["sqlite", "dynamodb"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreMaker:
    """A store of one backend on a given clock."""
    if request.param == "sqlite":
        return lambda clock: SqliteStore(tmp_path / "h.sqlite3", clock=clock)
    table: DynamoTable = request.getfixturevalue("dynamo_table")
    return lambda clock: DynamoDbStore(table.client, table.name, clock=clock, page_size=4)


def recent_day_start_ms(days_ago: int = 1) -> int:
    """Midnight UTC ``days_ago`` days before the real today (EMF rejects points > 14 days old)."""
    today = dt.datetime.now(dt.UTC).date()
    midnight = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(), dt.UTC)
    return int(midnight.timestamp() * 1000)


def emf_documents(output: str) -> list[dict[str, Any]]:
    """The EMF JSON documents printed on stdout."""
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"_aws"')]


def test_a_generated_day_gives_the_known_answers(make_store: StoreMaker) -> None:
    # GIVEN the generated day written into the store
    store = make_store(Clock(DAY_START_MS / 1000 + 86400))
    write_day(store, DAY_START_MS)

    # WHEN the day is analysed
    report = analyse(store, DAY)

    # THEN every figure is the one worked out by hand
    assert report.active_sessions == EXPECTED["active_sessions"]
    assert report.messages == EXPECTED["messages"]
    assert report.destinations == EXPECTED["destinations"]
    assert report.inquiry_sessions == EXPECTED["inquiry_sessions"]
    assert report.converted_sessions == EXPECTED["converted_sessions"]
    assert report.conversion_rate == EXPECTED["conversion_rate"]
    assert report.latency_ms == EXPECTED["latency_ms"]
    assert report.provider_share == pytest.approx(EXPECTED["provider_share"])
    assert report.fallback_rate == pytest.approx(EXPECTED["fallback_rate"])
    assert report.degraded_rate == pytest.approx(EXPECTED["degraded_rate"])
    assert report.sentiment_mix == pytest.approx(EXPECTED["sentiment_mix"])
    by_variant = {v.variant: (v.inquiries, v.conversions, v.rate) for v in report.variants}
    assert by_variant == EXPECTED["variants"]


def test_an_empty_day_reports_zeros_and_no_rates(make_store: StoreMaker) -> None:
    # GIVEN a store with nothing on the day
    store = make_store(Clock(DAY_START_MS / 1000))

    # WHEN the day is analysed and printed
    report = analyse(store, DAY)
    table = format_table(report)

    # THEN counts are zero and rates say "n/a" instead of dividing by zero
    assert (report.active_sessions, report.messages, report.conversion_rate) == (0, 0, None)
    assert report.latency_ms == {"p50": None, "p95": None, "p99": None}
    assert "n/a" in table


def test_top_destinations_stop_at_ten_most_asked_first(make_store: StoreMaker) -> None:
    # GIVEN 12 destinations, destination number i asked by i sessions
    store = make_store(Clock(DAY_START_MS / 1000 + 86400))
    for i in range(1, 13):
        for j in range(i):
            store.append_turn(
                make_turn(
                    f"dest{i:02d}_{j}",
                    DAY_START_MS + i * 1000 + j,
                    slots={"destination": f"City{i:02d}"},
                )
            )

    # WHEN the day is analysed
    report = analyse(store, DAY)

    # THEN the ten most asked come, most asked first
    assert report.destinations == [(f"City{i:02d}", i) for i in range(12, 2, -1)]


def test_the_table_shows_the_days_figures() -> None:
    # GIVEN the report of the generated day
    store = SqliteStore(":memory:", clock=Clock(DAY_START_MS / 1000 + 86400))
    write_day(store, DAY_START_MS)
    report = compute_report(DAY, store.turns_on(DAY), store.links_on(DAY))

    # WHEN it is formatted for the terminal
    table = format_table(report)

    # THEN the headline figures are on their lines
    assert "Travel Bot analytics for 2026-03-01 (UTC)" in table
    assert re.search(r"Daily active sessions\s+6\n", table)
    assert re.search(r"Messages\s+9\n", table)
    assert "50.0 %   (2 of 4 sessions" in table
    assert "1. Lisbon" in table and "3. Rome" in table
    assert re.search(r"concise\s+100.0 %   \(2 of 2\)\n", table)
    assert re.search(r"detailed\s+0.0 %   \(0 of 2\)$", table)


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [([], 50, None), ([7], 99, 7), ([1, 2, 3, 4], 50, 2), ([1, 2, 3, 4], 51, 3), ([5, 1], 100, 5)],
)
def test_percentiles_use_the_nearest_rank(
    values: list[int], pct: float, expected: int | None
) -> None:
    # GIVEN latencies  WHEN a percentile is taken  THEN it is the nearest-rank value
    assert percentile(values, pct) == expected


@pytest.mark.parametrize(
    "bad", ["2026-02-30", "2026-3-1", "01/03/2026", "20260301", "yesterday", ""]
)
def test_malformed_dates_get_a_clear_message(bad: str) -> None:
    # GIVEN a date that is not a calendar day written YYYY-MM-DD
    # WHEN it is parsed
    # THEN the message says what is expected and echoes what was given
    with pytest.raises(ValueError, match=r"calendar day written YYYY-MM-DD .* got"):
        parse_date(bad)


# ---------------------------------------------------------------------- EMF metrics
def test_the_report_is_published_as_emf_metrics_stamped_on_its_day(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the generated day, yesterday, and metrics switched on (as in Lambda)
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    start = recent_day_start_ms()
    store = SqliteStore(":memory:", clock=Clock(start / 1000 + 86400))
    write_day(store, start)
    day = dt.datetime.fromtimestamp(start / 1000, dt.UTC).date().isoformat()

    # WHEN its report is published
    published = publish_metrics(analyse(store, day), now=dt.datetime.now(dt.UTC))
    documents = emf_documents(capsys.readouterr().out)

    # THEN one EMF document per dimension set, in the TravelBot namespace, at noon of the day
    assert published == len(documents)
    values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for doc in documents:
        meta = doc["_aws"]
        assert meta["CloudWatchMetrics"][0]["Namespace"] == "TravelBot"
        assert meta["Timestamp"] == start + 12 * 3600 * 1000
        dims = tuple(sorted((k, doc[k]) for k in meta["CloudWatchMetrics"][0]["Dimensions"][0]))
        for metric in meta["CloudWatchMetrics"][0]["Metrics"]:
            value = doc[metric["Name"]]
            values[(metric["Name"], dims)] = value[0] if isinstance(value, list) else value
    base = (("service", "travelbot"),)
    assert values[("DailyActiveSessions", base)] == 6
    assert values[("DailyMessages", base)] == 9
    assert values[("ConversionRate", base)] == 50
    assert values[("FallbackRate", base)] == pytest.approx(100 / 9, abs=0.001)
    assert values[("ResponseTimeP95", base)] == 90
    assert values[("DestinationRequests", (("destination", "Lisbon"), *base))] == 2
    assert values[("ConversionRate", (*base, ("variant", "concise")))] == 100
    assert values[("ProviderShare", (("provider", "lex"), *base))] == pytest.approx(500 / 9)


def test_a_day_older_than_cloudwatch_accepts_is_not_published(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a report of a day three weeks ago
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    start = recent_day_start_ms(21)
    day = dt.datetime.fromtimestamp(start / 1000, dt.UTC).date().isoformat()
    report = compute_report(day, [], [])

    # WHEN it is published
    # THEN nothing is written (CloudWatch would drop it, or worse, file it under today)
    assert publish_metrics(report, now=dt.datetime.now(dt.UTC)) == 0
    assert emf_documents(capsys.readouterr().out) == []


# ---------------------------------------------------------------------- the daily job
# The recorded event is from 2026-03-02: Powertools warns that CloudWatch would drop points that
# old by the wall clock, while the job judges by the event's own time (as it would in production).
@pytest.mark.filterwarnings("ignore:This metric doesn't meet the requirements")
def test_the_scheduled_job_analyses_the_day_before_the_event(
    dynamo_table: DynamoTable, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the generated day in DynamoDB and EventBridge's scheduled event of the next morning
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    clock = Clock(DAY_START_MS / 1000 + 86400 + 3600)
    store = DynamoDbStore(dynamo_table.client, dynamo_table.name, clock=clock)
    write_day(store, DAY_START_MS)
    event = json.loads((EVENTS / "eventbridge_daily_analytics.json").read_text())
    jobs.configure(store, clock=clock)

    # WHEN the analytics Lambda runs
    try:
        result = jobs.analytics_handler(event, FakeContext())
    finally:
        jobs.configure(None)

    # THEN it analysed 2026-03-01, returned the report and published its metrics
    assert result["date"] == DAY
    assert result["report"]["messages"] == 9
    assert result["report"]["conversion_rate"] == 0.5
    documents = emf_documents(capsys.readouterr().out)
    assert len(documents) == result["metricDocuments"] > 0


@pytest.mark.parametrize(
    ("event", "day"),
    [
        ({"date": "2026-02-14"}, "2026-02-14"),
        ({"detail": {"date": "2026-02-15"}}, "2026-02-15"),
        ({"time": "2026-03-02T00:05:00Z"}, "2026-03-01"),
        ({}, "2026-03-03"),
    ],
)
def test_the_job_takes_the_day_the_event_names_or_else_yesterday(
    event: dict[str, Any], day: str
) -> None:
    # GIVEN "now" is 2026-03-04 08:00 UTC
    now = dt.datetime(2026, 3, 4, 8, tzinfo=dt.UTC)

    # WHEN the day to analyse is taken from the event
    # THEN a named day wins, else the day before the event's time, else the day before now
    assert jobs.analysis_date(event, now) == day


def test_the_job_refuses_a_malformed_date_clearly() -> None:
    # GIVEN an event naming an impossible day
    # WHEN the day is taken from it
    # THEN the error says what a date must look like
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        jobs.analysis_date({"date": "2026-02-30"}, dt.datetime.now(dt.UTC))

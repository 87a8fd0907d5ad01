"""Publish a daily report as CloudWatch metrics in the Embedded Metric Format (EMF).

Namespace ``TravelBot``; every metric carries the dimension ``service=travelbot``, and some one
more (for the dashboard and alarms):

====================================  ======  ========================================
metric                                unit    extra dimension
====================================  ======  ========================================
DailyActiveSessions, DailyMessages    Count   -
ConversionRate                        Percent - (overall), and ``variant`` (per variant)
FallbackRate, DegradedRate            Percent -
ResponseTimeP50, …P95, …P99           Milliseconds -
DestinationRequests                   Count   ``destination`` (top 10)
ProviderShare                         Percent ``provider``
SentimentShare                        Percent ``sentiment``
====================================  ======  ========================================

Each data point is stamped at noon UTC of the analysed day (never in the future), so a backfill
lands on its own day; CloudWatch drops EMF points older than 14 days, so older days are not
published at all (the report itself still is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from runtime.analytics.report import DailyReport
from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME, Dimension, Metric

logger = Logger(child=True)

NAMESPACE = METRIC_NAMESPACE
SERVICE = SERVICE_NAME
MAX_AGE = dt.timedelta(days=14) - dt.timedelta(hours=1)  # a margin for clock skew

Point = tuple[str, MetricUnit, float, dict[str, str]]


def metric_timestamp(date: str, now: dt.datetime) -> dt.datetime | None:
    """Noon UTC of ``date`` (``now`` if that is later than now); ``None`` when too old."""
    noon = dt.datetime.fromisoformat(date).replace(hour=12, tzinfo=dt.UTC)
    stamp = min(noon, now.astimezone(dt.UTC))
    return None if now - stamp > MAX_AGE else stamp


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 3)


def points(report: DailyReport) -> Iterator[Point]:
    """Every data point of the report: (name, unit, value, extra dimensions)."""
    yield Metric.DAILY_ACTIVE_SESSIONS, MetricUnit.Count, report.active_sessions, {}
    yield Metric.DAILY_MESSAGES, MetricUnit.Count, report.messages, {}
    rates = {
        Metric.CONVERSION_RATE: report.conversion_rate,
        Metric.FALLBACK_RATE: report.fallback_rate,
        Metric.DEGRADED_RATE: report.degraded_rate,
    }
    for name, rate in rates.items():
        value = _percent(rate)
        if value is not None:
            yield name, MetricUnit.Percent, value, {}
    for key, latency in report.latency_ms.items():
        if latency is not None:
            yield Metric(f"ResponseTime{key.upper()}"), MetricUnit.Milliseconds, latency, {}
    for destination, sessions in report.destinations:
        yield (
            Metric.DESTINATION_REQUESTS,
            MetricUnit.Count,
            sessions,
            {Dimension.DESTINATION: destination},
        )
    for provider, share in report.provider_share.items():
        yield Metric.PROVIDER_SHARE, MetricUnit.Percent, share * 100, {Dimension.PROVIDER: provider}
    for label, share in report.sentiment_mix.items():
        yield Metric.SENTIMENT_SHARE, MetricUnit.Percent, share * 100, {Dimension.SENTIMENT: label}
    for variant in report.variants:
        value = _percent(variant.rate)
        if value is not None and variant.variant:
            yield (
                Metric.CONVERSION_RATE,
                MetricUnit.Percent,
                value,
                {Dimension.VARIANT: variant.variant},
            )


def publish_metrics(report: DailyReport, *, now: dt.datetime | None = None) -> int:
    """Print the report's EMF documents to stdout (CloudWatch Logs ingests them in Lambda).

    One document per dimension set; returns how many were written (0 for a day too old).
    ``POWERTOOLS_METRICS_DISABLED=true`` silences the output, as everywhere in Powertools.
    """
    now = now or dt.datetime.now(dt.UTC)
    stamp = metric_timestamp(report.date, now)
    if stamp is None:
        logger.warning("day too old for CloudWatch metrics", extra={"date": report.date})
        return 0
    groups: dict[tuple[tuple[str, str], ...], EphemeralMetrics] = {}
    for name, unit, value, dimensions in points(report):
        key = tuple(sorted(dimensions.items()))
        metrics = groups.get(key)
        if metrics is None:
            metrics = groups[key] = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
            for dim_name, dim_value in key:
                metrics.add_dimension(name=dim_name, value=dim_value)
            metrics.set_timestamp(stamp)
        metrics.add_metric(name=name, unit=unit, value=value)
    for metrics in groups.values():
        metrics.flush_metrics()
    return len(groups)

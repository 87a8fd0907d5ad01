"""The CloudWatch dashboard body (plain data; values may be unresolved ``Output``s).

Business metrics first (the seed's "Business Metrics": daily active sessions, popular
destinations, conversion, response times, provider share), then the service's health.
Custom metrics are EMF from the runtime, named by :mod:`runtime.contract`: namespace
:data:`~runtime.contract.METRIC_NAMESPACE`, dimension ``service`` (plus ``provider`` or
``destination`` where the runtime adds one; those widgets use ``SEARCH`` so that every
provider or destination shows up without being listed here).
"""

from __future__ import annotations

from typing import Any

import pulumi

from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME, Dimension, Metric

NS = METRIC_NAMESPACE
SVC = [str(Dimension.SERVICE), SERVICE_NAME]


def _custom(metric: Metric, *extra: Any) -> list[Any]:
    """A custom metric with only the ``service`` dimension."""
    return [NS, str(metric), *SVC, *extra]


def _search(metric: Metric, dimension: Dimension, stat: str, period: int) -> str:
    """Every series of ``metric`` across the values of ``dimension`` (a SEARCH expression)."""
    schema = f"{{{NS},{dimension},{Dimension.SERVICE}}}"
    return f"SEARCH('{schema} MetricName=\"{metric}\"', '{stat}', {period})"


def _widget(
    title: str, metrics: list[list[Any]], region: str, *, stat: str = "Sum", period: int = 300,
    x: int = 0, y: int = 0, view: str = "timeSeries",
) -> dict[str, Any]:  # fmt: skip
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": region,
            "metrics": metrics,
            "stat": stat,
            "period": period,
            "view": view,
        },
    }


def _patience_widget(region: str) -> dict[str, Any]:
    """The share of turns the embedded NLU answered because the clouds were late (the alarm's
    metric), beside the turns themselves."""
    return _widget("Turns answered by the patience (%)", [
        [{"expression": "IF(t > 0, 100 * p / t, 0)", "id": "share", "label": "by patience %"}],
        _custom(Metric.ANSWERED_BY_PATIENCE, {"id": "p", "visible": False}),
        _custom(Metric.TURNS, {"id": "t", "visible": False}),
    ], region, x=12, y=30)  # fmt: skip


def dashboard_body(
    *,
    region: str,
    function_name: pulumi.Input[str],
    api_name: pulumi.Input[str],
    api_stage_name: pulumi.Input[str],
    table_name: pulumi.Input[str],
    web_acl_name: pulumi.Input[str] | None,
) -> dict[str, Any]:
    """The ``dashboard_body`` document for one region."""
    day = 86400
    by_provider = Dimension.PROVIDER
    destinations = _search(Metric.DESTINATION_REQUESTS, Dimension.DESTINATION, "Sum", day)
    providers = _search(Metric.PROVIDER_ANSWERED, by_provider, "Sum", 300)
    timeouts = _search(Metric.PROVIDER_TIMEOUT, by_provider, "Sum", 300)
    errors = _search(Metric.PROVIDER_ERROR, by_provider, "Sum", 300)
    api = ["ApiName", api_name, "Stage", api_stage_name]
    fn = ["FunctionName", function_name]
    widgets = [
        _widget("Daily active sessions and messages", [
            _custom(Metric.DAILY_ACTIVE_SESSIONS), _custom(Metric.DAILY_MESSAGES),
        ], region, period=day, x=0, y=0),
        _widget("Popular destinations (requests per day)", [
            [{"expression": destinations, "id": "d", "label": "destination"}],
        ], region, period=day, view="bar", x=12, y=0),
        _widget("Conversion and fallback rate (%)", [
            _custom(Metric.CONVERSION_RATE), _custom(Metric.FALLBACK_RATE),
        ], region, stat="Average", period=day, x=0, y=6),
        _widget("Response time (ms)", [
            _custom(Metric.RESPONSE_TIME_MS, {"stat": "p50"}),
            _custom(Metric.RESPONSE_TIME_MS, {"stat": "p90"}),
            _custom(Metric.RESPONSE_TIME_MS, {"stat": "p99"}),
        ], region, stat="p90", period=300, x=12, y=6),
        _widget("NLU provider share", [
            [{"expression": providers, "id": "p", "label": "provider"}],
        ], region, view="pie", x=0, y=12),
        _widget("Turns, fallbacks, degraded turns, provider faults", [
            _custom(Metric.TURNS), _custom(Metric.NLU_FALLBACK), _custom(Metric.DEGRADED_TURNS),
            _custom(Metric.RATE_LIMITER_FALLBACK),
            [{"expression": timeouts, "id": "t", "label": "timeouts"}],
            [{"expression": errors, "id": "e", "label": "errors"}],
        ], region, x=12, y=12),
        _widget("API requests and errors", [
            ["AWS/ApiGateway", "Count", *api], ["AWS/ApiGateway", "4XXError", *api],
            ["AWS/ApiGateway", "5XXError", *api],
        ], region, x=0, y=18),
        _widget("API latency (ms)", [
            ["AWS/ApiGateway", "Latency", *api, {"stat": "p50"}],
            ["AWS/ApiGateway", "Latency", *api, {"stat": "p90"}],
            ["AWS/ApiGateway", "IntegrationLatency", *api, {"stat": "p90"}],
        ], region, stat="p90", x=12, y=18),
        _widget("Chat function", [
            ["AWS/Lambda", "Invocations", *fn], ["AWS/Lambda", "Errors", *fn],
            ["AWS/Lambda", "Throttles", *fn],
            ["AWS/Lambda", "ConcurrentExecutions", *fn, {"stat": "Maximum"}],
        ], region, x=0, y=24),
        _widget("DynamoDB", [
            ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table_name],
            ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table_name],
            ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", table_name],
            ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", table_name],
        ], region, x=12, y=24),
    ]  # fmt: skip
    widgets.append(_patience_widget(region))
    if web_acl_name is not None:
        acl = ["WebACL", web_acl_name, "Region", region, "Rule", "ALL"]
        widgets.append(
            _widget(
                "WAF",
                [["AWS/WAFV2", "AllowedRequests", *acl], ["AWS/WAFV2", "BlockedRequests", *acl]],
                region,
                x=0,
                y=30,
            )
        )
    return {"widgets": widgets}

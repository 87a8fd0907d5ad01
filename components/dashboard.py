"""The CloudWatch dashboard body (plain data; values may be unresolved ``Output``s).

Business metrics first (the seed's "Business Metrics": daily active sessions, popular
destinations, conversion, response times, provider share), then the service's health.
Custom metrics are EMF from the runtime: namespace ``TravelBot``, dimension
``service=travelbot`` (plus ``provider`` or ``destination`` where noted).
"""

from __future__ import annotations

from typing import Any

import pulumi

NS = "TravelBot"
SVC = ["service", "travelbot"]


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
    destinations = (
        f"SEARCH('{{{NS},destination,service}} MetricName=\"DestinationRequests\"', 'Sum', {day})"
    )
    providers = f"SEARCH('{{{NS},provider,service}} MetricName=\"ProviderAnswered\"', 'Sum', 300)"
    api = ["ApiName", api_name, "Stage", api_stage_name]
    fn = ["FunctionName", function_name]
    widgets = [
        _widget("Daily active sessions and messages", [
            [NS, "DailyActiveSessions", *SVC], [NS, "DailyMessages", *SVC],
        ], region, period=day, x=0, y=0),
        _widget("Popular destinations (requests per day)", [
            [{"expression": destinations, "id": "d", "label": "destination"}],
        ], region, period=day, view="bar", x=12, y=0),
        _widget("Conversion and fallback rate (%)", [
            [NS, "ConversionRate", *SVC], [NS, "FallbackRate", *SVC],
        ], region, stat="Average", period=day, x=0, y=6),
        _widget("Response time (ms)", [
            [NS, "ResponseTimeMs", *SVC, {"stat": "p50"}],
            [NS, "ResponseTimeMs", *SVC, {"stat": "p90"}],
            [NS, "ResponseTimeMs", *SVC, {"stat": "p99"}],
        ], region, stat="p90", period=300, x=12, y=6),
        _widget("NLU provider share", [
            [{"expression": providers, "id": "p", "label": "provider"}],
        ], region, view="pie", x=0, y=12),
        _widget("Turns, fallbacks, provider faults", [
            [NS, "Turns", *SVC], [NS, "NluFallback", *SVC], [NS, "ProviderTimeout", *SVC],
            [NS, "ProviderError", *SVC], [NS, "TurnSpooled", *SVC],
            [NS, "RateLimiterFallback", *SVC],
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

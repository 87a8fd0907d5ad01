"""Fan-out latency of the cloud orchestrator against the wire-level fakes.

The fakes answer Lex in 300 ms, Dialogflow in 400 ms and Azure in 200 ms
(``python -m tests.support.cloud`` starts them, with moto's Secrets Manager holding their keys).
The real SDK clients are built by ``runtime.providers.factory`` with the production timeouts
(Lex 5 s, Dialogflow 5 s, Azure 3 s) and a hedge delay derived from Lex's observed latency.
What is timed is ``CloudUnderstander.understand`` (the fan-out and the decision), not the rest
of a chat turn.

- ``lex_confident_p50_ms``: Lex answers confidently (target <= 315).
- ``lex_hang_p50_ms``: Lex never answers; Dialogflow, fired after the hedge delay, does
  (target <= ``dialogflow_latency_ms`` + ``hedge_delay_ms`` + 15).
- ``all_hang_p50_ms``: no cloud answers; the embedded models do at the deadline (target <= 5050).

For the hung phases the breakers are set not to open (``breaker_failures``) and enough calls may
be in flight: a hung call keeps its slot until its 5 s read timeout, and an open breaker or a
full lane would skip Lex and hide the hedge being measured. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools import Logger

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.factory import (
    build_cloud_understander,
    build_secrets,
    orchestrator_config,
)
from runtime.providers.observability import InMemoryTelemetry
from runtime.providers.orchestrator import CloudUnderstander
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.types import NluContext
from tests.support.cloud import AWS_TEST_ENV, cloud_stack

LEX_S, DIALOGFLOW_S, AZURE_S = 0.300, 0.400, 0.200
MESSAGE = "What is the weather in Lisbon?"
BUDGET_S = 10.0  # what the chat route passes when the Lambda has plenty of time left


def timed(understander: CloudUnderstander, n: int, expect: str) -> list[float]:
    """Milliseconds of ``n`` understandings; each must be answered by ``expect``."""
    values = []
    for i in range(n):
        context = NluContext(session_id=f"fanout-{expect}-{i:04d}")
        started = time.perf_counter()
        result = understander.understand(MESSAGE, context, BUDGET_S)
        values.append((time.perf_counter() - started) * 1000)
        if result.nlu.provider != expect:
            raise RuntimeError(f"expected {expect} to answer, got {result.nlu.provider}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three scenarios and print their medians as JSON."""
    parser = argparse.ArgumentParser(description="fan-out latency against the fakes")
    parser.add_argument("--runs", type=int, default=15, help="runs of the fast scenarios")
    parser.add_argument("--hang-runs", type=int, default=3, help="runs of the all-hang scenario")
    args = parser.parse_args(argv)
    os.environ.update(AWS_TEST_ENV)
    Logger(service="travelbot", level="CRITICAL")  # hung calls failing at exit stay quiet
    with cloud_stack() as stack:
        settings = stack.settings()
        nlu = EmbeddedNlu(default_model())
        telemetry = InMemoryTelemetry()
        config = dataclasses.replace(
            orchestrator_config(settings),
            breaker_failures=1_000,
            max_in_flight=max(16, args.runs + args.hang_runs + 2),
        )
        understander = build_cloud_understander(
            settings,
            nlu,
            EmbeddedSentiment(),
            build_secrets(settings),
            telemetry=telemetry,
            config=config,
        )
        assert understander is not None
        if not understander.warm_up():
            raise RuntimeError("a provider failed to warm up")
        stack.lex.faults.latency_s = LEX_S
        stack.dialogflow.faults.latency_s = DIALOGFLOW_S
        stack.azure.faults.latency_s = AZURE_S

        timed(understander, 8, "lex")  # connections opened, Lex latency observed
        confident = timed(understander, args.runs, "lex")
        hedge_ms = understander.hedge.delay_s() * 1000

        stack.lex.faults.hang = True
        lex_hang = timed(understander, args.runs, "dialogflow")
        hedge_ms_after = understander.hedge.delay_s() * 1000

        stack.dialogflow.faults.hang = True
        stack.azure.faults.hang = True
        all_hang = timed(understander, args.hang_runs, "embedded")
        understander.close()

    dialogflow_observed = statistics.median(telemetry.values("ProviderLatencyMs", "dialogflow"))
    summary: dict[str, Any] = {
        "lex_confident_p50_ms": round(statistics.median(confident), 1),
        "lex_hang_p50_ms": round(statistics.median(lex_hang), 1),
        "all_hang_p50_ms": round(statistics.median(all_hang), 1),
        "dialogflow_latency_ms": DIALOGFLOW_S * 1000,
        "dialogflow_observed_ms": round(dialogflow_observed, 1),
        "hedge_delay_ms": round(hedge_ms, 1),
        "targets": {
            "lex_confident_p50_ms": 315,
            "lex_hang_p50_ms": round(DIALOGFLOW_S * 1000 + hedge_ms + 15, 1),
            "all_hang_p50_ms": 5050,
        },
        "hedges_fired": telemetry.count("HedgeFired"),
        "hedge_delay_unchanged": abs(hedge_ms_after - hedge_ms) < 0.01,
        "runs": {"fast": args.runs, "all_hang": args.hang_runs},
    }
    targets: dict[str, float] = summary["targets"]
    summary["meets_targets"] = all(summary[key] <= goal for key, goal in targets.items())
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

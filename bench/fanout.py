"""Fan-out latency of the cloud orchestrator against the wire-level fakes.

The fakes answer Lex in 300 ms, Dialogflow in 400 ms and Azure in 200 ms
(``python -m tests.support.cloud`` starts them, with moto's Secrets Manager holding their keys).
The real SDK clients are built by ``runtime.providers.factory`` with the production timeouts
(Lex 5 s, Dialogflow 5 s, Azure 3 s), a hedge delay derived from Lex's observed latency and a
patience derived from the clouds' (``runtime.providers.patience``, 0.5 to 1.2 s). What is timed
is ``CloudUnderstander.understand`` (the fan-out and the decision), not the rest of a chat turn.
The phases run in this order, on one orchestrator, so each starts from what the last one taught
the hedge and the patience:

- ``lex_confident_p50_ms``: Lex answers confidently (target <= 315).
- ``lex_hang_p50_ms``: Lex never answers; Dialogflow, fired after the hedge delay, does
  (target <= ``dialogflow_latency_ms`` + ``hedge_delay_ms`` + 15). Until the patience has seen a
  hedged answer, the first turn or two may be answered at the patience instead (sooner).
- ``all_hang_p50_ms``: no cloud answers; the confident embedded models do at the patience
  (target <= 1200; it was Lex's 5 s deadline before the patience).
- ``slow_healthy_p50_ms``: every cloud answers in 900 ms; the clouds must still answer the median
  turn (``slow_healthy_cloud_share`` > 0.5), the patience rising to their latency. Before it, the
  bench waits for the hung calls to reach their read timeouts, so no late answer of a hung call
  (released when the hang is lifted) teaches the hedge or the patience.

``patience_ms`` holds the NLU's and the sentiment's patience at the start of each phase and at the
end; ``providers`` who answered the NLU (and the sentiment) in each phase.

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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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
from tests.support.cloud import AWS_TEST_ENV, CloudStack, cloud_stack

LEX_S, DIALOGFLOW_S, AZURE_S = 0.300, 0.400, 0.200
SLOW_S = 0.900
MESSAGE = "What is the weather in Lisbon?"
BUDGET_S = 10.0  # what the chat route passes when the Lambda has plenty of time left
ALL_HANG_TARGET_MS = 1200


@dataclass
class Phase:
    """The turns of one scenario: milliseconds and who answered."""

    name: str
    ms: list[float]
    nlu: Counter[str]
    sentiment: Counter[str]

    @property
    def p50_ms(self) -> float:
        """The median, rounded."""
        return round(statistics.median(self.ms), 1)

    def share(self, providers: set[str]) -> float:
        """The share of turns whose NLU answer came from one of ``providers``."""
        return round(sum(self.nlu[p] for p in providers) / len(self.ms), 3)


def run(understander: CloudUnderstander, name: str, n: int) -> Phase:
    """``n`` understandings, timed, with who answered."""
    phase = Phase(name, [], Counter(), Counter())
    for i in range(n):
        context = NluContext(session_id=f"fanout-{name}-{i:04d}")
        started = time.perf_counter()
        result = understander.understand(MESSAGE, context, BUDGET_S)
        phase.ms.append((time.perf_counter() - started) * 1000)
        phase.nlu[result.nlu.provider] += 1
        phase.sentiment[result.sentiment.provider] += 1
    return phase


def patience_ms(understander: CloudUnderstander) -> dict[str, float]:
    """The NLU's and the sentiment's patience now, in milliseconds."""
    patience = understander.patience
    return {
        "nlu": round(patience.nlu.delay_s() * 1000, 1),
        "sentiment": round(patience.sentiment.delay_s() * 1000, 1),
    }


def build(stack: CloudStack, telemetry: InMemoryTelemetry, in_flight: int) -> CloudUnderstander:
    """The orchestrator the factory builds from the fakes' settings, warmed up."""
    settings = stack.settings()
    config = dataclasses.replace(
        orchestrator_config(settings), breaker_failures=1_000, max_in_flight=in_flight
    )
    understander = build_cloud_understander(
        settings,
        EmbeddedNlu(default_model()),
        EmbeddedSentiment(),
        build_secrets(settings),
        telemetry=telemetry,
        config=config,
    )
    assert understander is not None
    if not understander.warm_up():
        raise RuntimeError("a provider failed to warm up")
    return understander


def main(argv: Sequence[str] | None = None) -> int:
    """Run the four scenarios and print their medians as JSON."""
    parser = argparse.ArgumentParser(description="fan-out latency against the fakes")
    parser.add_argument("--runs", type=int, default=15, help="runs of each scenario")
    parser.add_argument("--hang-runs", type=int, default=15, help="runs of the all-hang scenario")
    args = parser.parse_args(argv)
    os.environ.update(AWS_TEST_ENV)
    Logger(service="travelbot", level="CRITICAL")  # hung calls failing at exit stay quiet
    telemetry = InMemoryTelemetry()
    patience: dict[str, dict[str, float]] = {}
    with cloud_stack() as stack:
        understander = build(stack, telemetry, max(16, 2 * args.runs + args.hang_runs))
        cfg = understander.config
        stack.lex.faults.latency_s = LEX_S
        stack.dialogflow.faults.latency_s = DIALOGFLOW_S
        stack.azure.faults.latency_s = AZURE_S

        run(understander, "warm", 8)  # connections opened, Lex latency observed
        patience["lex_confident"] = patience_ms(understander)
        confident = run(understander, "lex_confident", args.runs)
        hedge_ms = understander.hedge.delay_s() * 1000

        stack.lex.faults.hang = True
        patience["lex_hang"] = patience_ms(understander)
        lex_hang = run(understander, "lex_hang", args.runs)
        hedge_ms_after = understander.hedge.delay_s() * 1000
        dialogflow_observed = statistics.median(telemetry.values("ProviderLatencyMs", "dialogflow"))

        stack.dialogflow.faults.hang = True
        stack.azure.faults.hang = True
        patience["all_hang"] = patience_ms(understander)
        all_hang = run(understander, "all_hang", args.hang_runs)

        # Let every hung call reach its read timeout before the hang is lifted.
        time.sleep(max(cfg.lex_timeout_s, cfg.dialogflow_timeout_s, cfg.azure_timeout_s) + 0.5)
        for fake in (stack.lex, stack.dialogflow, stack.azure):
            fake.faults.clear()
            fake.faults.latency_s = SLOW_S
        patience["slow_healthy"] = patience_ms(understander)
        slow = run(understander, "slow_healthy", args.runs)
        patience["end"] = patience_ms(understander)
        understander.close()

    clouds = {"lex", "dialogflow"}
    phases = (confident, lex_hang, all_hang, slow)
    summary: dict[str, Any] = {
        "lex_confident_p50_ms": confident.p50_ms,
        "lex_hang_p50_ms": lex_hang.p50_ms,
        "all_hang_p50_ms": all_hang.p50_ms,
        "slow_healthy_p50_ms": slow.p50_ms,
        "slow_healthy_cloud_share": slow.share(clouds),
        "slow_healthy_azure_share": round(slow.sentiment["azure"] / len(slow.ms), 3),
        "patience_ms": patience,
        "patience_bounds_ms": [cfg.patience_floor_s * 1000, cfg.patience_ceiling_s * 1000],
        "providers": {p.name: {"nlu": dict(p.nlu), "sentiment": dict(p.sentiment)} for p in phases},
        "answered_by_patience": telemetry.count("AnsweredByPatience"),
        "dialogflow_latency_ms": DIALOGFLOW_S * 1000,
        "dialogflow_observed_ms": round(dialogflow_observed, 1),
        "hedge_delay_ms": round(hedge_ms, 1),
        "targets": {
            "lex_confident_p50_ms": 315,
            "lex_hang_p50_ms": round(DIALOGFLOW_S * 1000 + hedge_ms + 15, 1),
            "all_hang_p50_ms": ALL_HANG_TARGET_MS,
        },
        "hedges_fired": telemetry.count("HedgeFired"),
        "hedge_delay_unchanged": abs(hedge_ms_after - hedge_ms) < 0.01,
        "runs": {"fast": args.runs, "all_hang": args.hang_runs},
    }
    targets: dict[str, float] = summary["targets"]
    summary["meets_targets"] = (
        all(summary[key] <= goal for key, goal in targets.items())
        and summary["slow_healthy_cloud_share"] > 0.5
        and all_hang.share({"embedded"}) == 1.0
    )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

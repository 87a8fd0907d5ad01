"""Cold start: a fresh Python process, from spawn to its first ``/chat`` reply.

What is measured, per run, in the parent with ``time.perf_counter``: spawn a fresh interpreter
that imports the runtime, builds its services from the environment, and answers one
``POST /chat`` through the unchanged Lambda handler (an API Gateway proxy event as the local
server builds it); the clock stops when the reply line arrives on the child's stdout.

- ``cold_first_reply_ms``: Lex, Dialogflow and Azure (and OpenWeather and Secrets Manager)
  configured against the local fakes (``python -m tests.support.cloud``), SQLite history.
  The message is one Lex understands, so the reply needs Lex only: Dialogflow's and Azure's
  SDKs, the secret and the embedded NLU's place list load in the background afterwards (see
  ``runtime/providers/orchestrator.py``). ``cold_first_reply_nlu`` names who answered.
- ``embedded_cold_first_reply_ms``: the same with no cloud configured (the embedded default).
- ``baseline_boto3_ms``: ``python -c "import boto3; boto3.client('dynamodb', ...)"``, spawn to
  exit, timed in the same run.

As in the Lambda package (``components/packaging.py``), ``runtime/`` runs from a temporary copy
compiled with ``compileall --invalidation-mode unchecked-hash``; site-packages come from the
virtualenv, whose ``.pyc`` files are already valid. Until ``runtime.services.build_services``
builds the cloud providers itself, the child wires them exactly as proposed for it
(``"wiring": "bench"`` in the output; ``"services"`` once it does).

Target: ``cold_first_reply_ms <= 1.5 * baseline_boto3_ms``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.support.cloud import AWS_TEST_ENV, cloud_stack

REPO = Path(__file__).resolve().parents[1]

MARKER = "COLDSTART_REPLY "
BASELINE = "import boto3; boto3.client('dynamodb', region_name='us-east-1')"
MESSAGE = "I want to plan a trip to Lisbon"

CHILD = r"""
import json, os, sys, tempfile
from runtime.api.handler import lambda_handler
from runtime import services
from runtime.api.server import LocalContext, build_event
from runtime.settings import Settings

settings = Settings.from_env()
data_dir = tempfile.mkdtemp(prefix="coldstart-")
if os.environ["COLDSTART_WIRING"] == "bench" and (settings.lex_enabled or settings.secret_arn):
    # The wiring proposed for runtime.services.build_services: one embedded NLU, shared by the
    # cloud understander (its fallback) and the rest of the bot.
    from runtime.model import default_model
    from runtime.nlu.embedded import EmbeddedNlu
    from runtime.providers.factory import build_cloud_understander, build_secrets
    from runtime.sentiment.embedded import EmbeddedSentiment

    nlu = EmbeddedNlu(default_model())
    services.EmbeddedNlu = lambda model, _nlu=nlu: _nlu  # build_services reuses it
    secrets = build_secrets(settings)
    understander = build_cloud_understander(settings, nlu, EmbeddedSentiment(), secrets)
    built = services.build_services(settings, data_dir=data_dir, understander=understander)
else:
    built = services.build_services(settings, data_dir=data_dir)
services.configure(built)
body = json.dumps({"message": os.environ["COLDSTART_MESSAGE"]}).encode()
event = build_event("POST", "/chat", {"Host": "localhost", "Content-Type": "application/json"},
                    body, "127.0.0.1")
result = lambda_handler(event, LocalContext())
print("COLDSTART_REPLY " + json.dumps({"status": result["statusCode"],
                                        "body": json.loads(result["body"])}), flush=True)
os._exit(0)  # do not wait for background warm-up threads
"""


def compiled_copy(target: Path) -> Path:
    """``runtime/`` copied to ``target`` and compiled with unchecked-hash ``.pyc`` files."""
    shutil.copytree(
        REPO / "runtime", target / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    compileall.compile_dir(
        target / "runtime",
        quiet=1,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    (target / "coldstart_child.py").write_text(CHILD)
    return target


def time_child(
    args: Sequence[str], env: Mapping[str, str], cwd: Path
) -> tuple[float, dict[str, Any]]:
    """Spawn ``args``; milliseconds until the reply marker (or exit), and the reply."""
    started = time.perf_counter()
    tail: list[str] = []
    with subprocess.Popen(
        args, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(MARKER):
                elapsed = (time.perf_counter() - started) * 1000
                child.wait(timeout=30)
                reply: dict[str, Any] = json.loads(line[len(MARKER) :])
                return elapsed, reply
            tail = [*tail[-40:], line]
        child.wait(timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    if child.returncode != 0:
        raise RuntimeError(f"{args[-1][:40]!r} failed: {''.join(tail)[-3000:]}")
    return elapsed, {}


def base_env(extra: Mapping[str, str]) -> dict[str, str]:
    """A clean environment: no inherited TRAVELBOT_/LEX_/... settings."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(AWS_TEST_ENV)
    env.update({"POWERTOOLS_SERVICE_NAME": "travelbot", "COLDSTART_MESSAGE": MESSAGE})
    env.update(extra)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three measurements ``--runs`` times each, interleaved; print medians as JSON."""
    parser = argparse.ArgumentParser(description="cold start to the first /chat reply")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    wired = "build_cloud_understander" in (REPO / "runtime" / "services.py").read_text()
    wiring = "services" if wired else "bench"
    results: dict[str, list[float]] = {"baseline": [], "embedded": [], "cloud": []}
    replies: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp, cloud_stack() as stack:
        workdir = compiled_copy(Path(tmp))
        python = sys.executable
        child_env = {"PYTHONPATH": str(workdir), "COLDSTART_WIRING": wiring}
        envs = {
            "embedded": base_env(child_env),
            "cloud": base_env({**child_env, **stack.env()}),
        }
        for _ in range(args.runs):
            ms, _reply = time_child([python, "-c", BASELINE], base_env({}), workdir)
            results["baseline"].append(ms)
            for mode in ("embedded", "cloud"):
                ms, reply = time_child([python, "coldstart_child.py"], envs[mode], workdir)
                if reply.get("status") != 200:
                    raise RuntimeError(f"{mode}: unexpected reply {reply}")
                results[mode].append(ms)
                replies[mode] = reply["body"]
    medians = {mode: round(statistics.median(values), 1) for mode, values in results.items()}
    baseline = medians["baseline"]
    summary = {
        "cold_first_reply_ms": medians["cloud"],
        "embedded_cold_first_reply_ms": medians["embedded"],
        "baseline_boto3_ms": baseline,
        "cloud_minus_embedded_ms": round(medians["cloud"] - medians["embedded"], 1),
        "target_ms": round(1.5 * baseline, 1),
        "meets_target": medians["cloud"] <= 1.5 * baseline,
        "cold_first_reply_nlu": replies["cloud"]["nlu"]["provider"],
        "runs": args.runs,
        "wiring": wiring,
        "all_ms": {mode: [round(v, 1) for v in values] for mode, values in results.items()},
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

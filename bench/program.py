"""How long the mocked prod program takes to evaluate, and how many resources it declares.

Runs the real ``__main__.py`` against Pulumi mocks (no engine, no cloud) a few times with a
source-only Lambda archive (packaging is measured by the tests, not here). Prints the count
per resource type, then one JSON object as the last line.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from components.packaging import PREBUILT_ENV, build_package
from tools.mocked_stack import ROOT, run_program

RUNS = 5
logging.getLogger().setLevel(logging.ERROR)  # the mocked engine logs program warnings here


def main() -> None:
    """Evaluate the prod stack ``RUNS`` times and report the timings."""
    with tempfile.TemporaryDirectory() as build_dir:
        archive = build_package(
            source=ROOT / "runtime",
            requirements=None,
            build_dir=Path(build_dir),
            bytecode_python="",
        )
        os.environ[PREBUILT_ENV] = str(archive.path)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            run = run_program("prod")
            timings.append(time.perf_counter() - started)
    custom = [r for r in run.resources if r.custom]
    for type_, count in sorted(Counter(r.type for r in custom).items()):
        print(f"{count:4d}  {type_}")
    print(
        json.dumps(
            {
                "benchmark": "mocked prod program evaluation",
                "runs": RUNS,
                "seconds_median": round(statistics.median(timings), 3),
                "seconds_min": round(min(timings), 3),
                "resources": len(custom),
                "components": len(run.resources) - len(custom),
                "regions": run.exports["regions"],
            }
        )
    )


if __name__ == "__main__":
    main()

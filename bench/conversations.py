"""The conversation suite's pass rates per pattern (and per split), through the real handler.

Runs every dialogue under ``tests/data/conversations/`` with the clock fixed at
2027-03-01T10:00Z, prints each failed dialogue with its replies, then a table of pass rates per
split and pattern, and as its last line one JSON object with per-pattern, per-split and overall
pass rates. Run: ``python -m bench.conversations [--split dev|own|heldout] [--quiet]``.
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

from tests.support.conversations import (
    all_dialogues,
    describe_failure,
    run_suite,
    split_of,
    summarise,
)


def main(argv: list[str] | None = None) -> None:
    """Run the suite and print failures, the table and the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", action="append", help="only these splits (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="do not print failed dialogues")
    args = parser.parse_args(argv)
    dialogues = [d for d in all_dialogues() if not args.split or split_of(d) in args.split]
    results = run_suite(dialogues)
    if not args.quiet:
        for result in results:
            if not result.passed:
                print(describe_failure(result))
                print()
    summary = summarise(results)
    print(f"{'split':<8} {'pattern':<24} {'passed':>6} {'total':>5} {'rate':>7}")
    for split, patterns in summary["splits"].items():
        for pattern, counts in patterns.items():
            print(
                f"{split:<8} {pattern:<24} {counts['passed']:>6} {counts['total']:>5}"
                f" {counts['rate']:>7.1%}"
            )
    overall = summary["overall"]
    counts = f"{overall['passed']:>6} {overall['total']:>5} {overall['rate']:>7.1%}"
    print(f"{'all':<8} {'overall':<24} {counts}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

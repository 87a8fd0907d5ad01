"""Held-out accuracy of the embedded NLU on ``tests/data/heldout.jsonl``.

Prints each error, then the figures (intent and slot accuracy, invented slots) as one JSON
object on the last line. Run: ``python -m bench.nlu_accuracy``.
"""

from __future__ import annotations

import json

from tests.support.accuracy import evaluate


def main() -> None:
    """Print errors, then the figures as JSON."""
    report = evaluate()
    for line in report["intent_errors"] + report["slot_errors"]:
        print(line)
    print(json.dumps({k: v for k, v in report.items() if not k.endswith("_errors")}))


if __name__ == "__main__":
    main()

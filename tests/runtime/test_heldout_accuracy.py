"""Accuracy on the held-out utterances (never trained on, written without seeing the model).

The figures are printed (``pytest -s``) and ``python -m bench.nlu_accuracy`` reports them as JSON.
"""

from __future__ import annotations

from tests.support.accuracy import evaluate

MIN_INTENT_ACCURACY = 0.9
MIN_SLOT_ACCURACY = 0.9


def test_held_out_intent_and_slot_accuracy_meet_the_bar() -> None:
    report = evaluate()
    print(
        f"held-out: {report['examples']} utterances,"
        f" intent accuracy {report['intent_accuracy']:.3f},"
        f" slot accuracy {report['slot_accuracy']:.3f}"
    )
    assert report["examples"] >= 150
    assert report["intent_accuracy"] >= MIN_INTENT_ACCURACY, report["intent_errors"]
    assert report["slot_accuracy"] >= MIN_SLOT_ACCURACY, report["slot_errors"]

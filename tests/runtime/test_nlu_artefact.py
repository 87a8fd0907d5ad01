"""The classifier's calibration is precomputed, and used only for the bot model it fits."""

from __future__ import annotations

from pathlib import Path

from runtime.model import default_model
from runtime.nlu.artefact import CLASSIFIER_PATH, load_temperature, write
from runtime.nlu.classifier import IntentClassifier
from runtime.nlu.embedded import training_examples

EXAMPLES = [("plan a trip to __place__", "PlanTrip"), ("hello there", "Greeting")] * 5


def test_the_built_calibration_matches_the_bot_model() -> None:
    # make install writes it; None here means the bot model changed since: run make install
    assert load_temperature(training_examples(default_model())) is not None


def test_a_stored_calibration_is_the_one_the_classifier_would_fit(tmp_path: Path) -> None:
    path = tmp_path / "classifier.json"
    stored = write(EXAMPLES, path)
    assert load_temperature(EXAMPLES, path) == stored == IntentClassifier(EXAMPLES).temperature


def test_a_calibration_for_other_examples_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "classifier.json"
    write(EXAMPLES, path)
    assert load_temperature([*EXAMPLES, ("bye", "Goodbye")], path) is None


def test_a_missing_or_unreadable_calibration_means_fitting_at_start_up(tmp_path: Path) -> None:
    assert load_temperature(EXAMPLES, tmp_path / "missing.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_temperature(EXAMPLES, broken) is None
    assert CLASSIFIER_PATH.name == "classifier.json"

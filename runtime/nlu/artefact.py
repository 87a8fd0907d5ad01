"""The intent classifier's calibration, computed at build time instead of at every cold start.

Fitting the calibration temperature (k-fold cross-validation, see :mod:`runtime.nlu.classifier`)
takes ~180 ms; the naive Bayes counts themselves ~6 ms. ``make install`` and the Lambda package
build run ``python -m runtime.nlu.artefact``, which stores the temperature with a digest of the
training examples it was fitted on. At start-up :func:`load_temperature` returns it only when the
digest matches the bot model in hand; otherwise (model changed, file missing or unreadable) the
classifier calibrates itself as before: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from runtime.model import default_model
from runtime.nlu.classifier import IntentClassifier

logger = logging.getLogger(__name__)

CLASSIFIER_PATH = Path(__file__).resolve().parent / "data" / "classifier.json"


def examples_digest(examples: Sequence[tuple[str, str]]) -> str:
    """SHA-256 of the training examples (and the classifier's code, which shapes the fit)."""
    digest = hashlib.sha256(Path(__file__).with_name("classifier.py").read_bytes())
    digest.update(json.dumps(list(examples), ensure_ascii=False).encode())
    return digest.hexdigest()


def load_temperature(
    examples: Sequence[tuple[str, str]], path: Path = CLASSIFIER_PATH
) -> float | None:
    """The stored temperature if it was fitted on exactly these examples, else ``None``."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        temperature = float(stored["temperature"])
        if stored["digest"] == examples_digest(examples) and temperature > 0:
            return temperature
        logger.info("classifier calibration in %s is for another bot model: refitting", path)
    except FileNotFoundError:
        logger.info("no precomputed classifier calibration (%s): fitting at start-up", path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("unreadable classifier calibration %s (%s): refitting", path, exc)
    return None


def write(examples: Sequence[tuple[str, str]], path: Path = CLASSIFIER_PATH) -> float:
    """Fit the calibration on ``examples`` and store it; returns the temperature."""
    temperature = IntentClassifier(examples).temperature
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"digest": examples_digest(examples), "temperature": temperature}
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)
    return temperature


def main() -> int:
    """``python -m runtime.nlu.artefact``: fit and store the bot model's calibration."""
    from runtime.nlu.embedded import training_examples

    temperature = write(training_examples(default_model()))
    print(f"classifier calibration {CLASSIFIER_PATH} temperature={temperature}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

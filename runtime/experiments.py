"""A/B experiments: defined in config, assigned deterministically per session.

A session's variant is a pure function of ``sha256(experiment name + session id)``, so every
Lambda instance and the local server agree without storing anything, and a session keeps its
variant for life. The shipped experiment compares concise and detailed trip plans.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runtime.errors import ConfigError

DEFAULT_EXPERIMENTS: list[dict[str, Any]] = [
    {"name": "trip_plan_style", "variants": {"detailed": 50, "concise": 50}},
]


@dataclass(frozen=True)
class Experiment:
    """An experiment and its variants' weights (any positive numbers; they are normalised)."""

    name: str
    variants: tuple[tuple[str, float], ...]

    def assign(self, session_id: str) -> str:
        """The session's variant: stable, and distributed by the weights."""
        digest = hashlib.sha256(f"{self.name}\x00{session_id}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64
        total = sum(weight for _, weight in self.variants)
        running = 0.0
        for name, weight in self.variants:
            running += weight / total
            if point < running:
                return name
        return self.variants[-1][0]


def parse_experiments(raw: Sequence[Mapping[str, Any]]) -> list[Experiment]:
    """Validate experiment definitions; errors name the experiment and field."""
    experiments: list[Experiment] = []
    for index, item in enumerate(raw):
        where = f"experiments[{index}]"
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}.name must be a non-empty string")
        variants = item.get("variants")
        if not isinstance(variants, Mapping) or not variants:
            raise ConfigError(f"experiment {name}: variants must be an object of name → weight")
        parsed: list[tuple[str, float]] = []
        for variant, weight in variants.items():
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
                raise ConfigError(f"experiment {name}: weight of {variant!r} must be a number ≥ 0")
            parsed.append((str(variant), float(weight)))
        if sum(w for _, w in parsed) <= 0:
            raise ConfigError(f"experiment {name}: at least one weight must be positive")
        experiments.append(Experiment(name, tuple(parsed)))
    return experiments


class Experiments:
    """Every running experiment; the first one's variant is what ``/chat`` reports."""

    def __init__(self, experiments: Sequence[Experiment]) -> None:
        self.experiments = tuple(experiments)

    @classmethod
    def from_config(cls, raw: Sequence[Mapping[str, Any]] | None) -> Experiments:
        """From settings (``None`` means the shipped default experiment)."""
        return cls(parse_experiments(DEFAULT_EXPERIMENTS if raw is None else raw))

    def assign(self, session_id: str) -> dict[str, str]:
        """Variant per experiment for the session."""
        return {e.name: e.assign(session_id) for e in self.experiments}

    def primary(self, session_id: str) -> str:
        """The first experiment's variant, or ``""`` when none runs."""
        return self.experiments[0].assign(session_id) if self.experiments else ""

"""A/B experiments: deterministic, weight-true assignment, recorded on turns, links and replies."""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path

import pytest

from runtime.chat import TurnContext
from runtime.errors import ConfigError
from runtime.experiments import Experiment, Experiments, parse_experiments
from runtime.services import build_services
from runtime.settings import Settings
from runtime.types import ChatRequest

SAMPLE = 20_000
TOLERANCE = 0.015  # ~4.5 standard deviations of a share estimated from 20 000 sessions
PLAN = "Plan a 5 day trip to Lisbon with a budget of 1500 dollars"


def session_ids(n: int, seed: str = "s") -> list[str]:
    """Deterministic, contract-shaped session ids."""
    return [f"{seed}{i:08d}xyz" for i in range(n)]


def shares(experiment: Experiment, ids: list[str]) -> dict[str, float]:
    counts = Counter(experiment.assign(sid) for sid in ids)
    return {variant: count / len(ids) for variant, count in counts.items()}


def test_a_session_keeps_its_variant_across_calls_and_instances() -> None:
    # GIVEN two independently built experiment sets from the same config
    first = Experiments.from_config(None)
    second = Experiments.from_config(
        [{"name": "trip_plan_style", "variants": {"detailed": 50, "concise": 50}}]
    )
    ids = [secrets.token_urlsafe(16) for _ in range(500)]

    # WHEN every session is assigned twice by each
    # THEN the variant never changes (no state needed across Lambda instances)
    assert [first.primary(s) for s in ids] == [second.primary(s) for s in ids]
    assert [first.primary(s) for s in ids] == [first.primary(s) for s in ids]


@pytest.mark.parametrize(
    "weights",
    [
        {"detailed": 50, "concise": 50},
        {"a": 80, "b": 20},
        {"x": 1, "y": 2, "z": 1},
        {"on": 0.9, "off": 0.1},
    ],
)
def test_assignment_matches_the_weights(weights: dict[str, float]) -> None:
    # GIVEN an experiment with these weights
    (experiment,) = parse_experiments([{"name": "weights_test", "variants": weights}])

    # WHEN 20 000 sessions are assigned
    observed = shares(experiment, session_ids(SAMPLE))

    # THEN every variant's share is its weight's share, within tolerance
    total = sum(weights.values())
    for variant, weight in weights.items():
        assert observed.get(variant, 0.0) == pytest.approx(weight / total, abs=TOLERANCE)


def test_a_variant_with_zero_weight_is_never_assigned() -> None:
    # GIVEN a variant switched off with weight 0
    (experiment,) = parse_experiments([{"name": "ramp", "variants": {"old": 1, "new": 0}}])

    # WHEN many sessions are assigned
    # THEN none gets it
    assert set(shares(experiment, session_ids(5000))) == {"old"}


def test_two_experiments_split_sessions_independently() -> None:
    # GIVEN two 50/50 experiments
    one, two = parse_experiments(
        [
            {"name": "first", "variants": {"a": 1, "b": 1}},
            {"name": "second", "variants": {"a": 1, "b": 1}},
        ]
    )

    # WHEN the same sessions are assigned by both
    ids = session_ids(SAMPLE)
    same = sum(one.assign(s) == two.assign(s) for s in ids) / len(ids)

    # THEN agreement is at chance level (the hash includes the experiment name)
    assert same == pytest.approx(0.5, abs=TOLERANCE)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"variants": {"a": 1}}], r"experiments\[0\]\.name"),
        ([{"name": "e", "variants": {}}], "experiment e: variants"),
        ([{"name": "e", "variants": {"a": -1}}], "weight of 'a'"),
        ([{"name": "e", "variants": {"a": 0}}], "at least one weight"),
        ([{"name": "e", "variants": {"a": True}}], "weight of 'a'"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_experiment(
    raw: list[dict[str, object]], message: str
) -> None:
    # GIVEN a malformed experiment definition  WHEN it is parsed  THEN the error names it
    with pytest.raises(ConfigError, match=message):
        parse_experiments(raw)


def test_the_variant_is_in_the_reply_the_stored_turn_and_changes_the_trip_plan(
    tmp_path: Path,
) -> None:
    # GIVEN the shipped trip_plan_style experiment (sessions are the server's to issue, so new
    # sessions are opened until each variant has one; 64 tries miss one with p = 2**-63)
    services = build_services(Settings(sources_enabled=False), data_dir=tmp_path)
    ctx = TurnContext(base_url="http://localhost", budget_s=5.0)

    # WHEN each new session asks for the same trip plan
    replies: dict[str, dict[str, object]] = {}
    for _ in range(64):
        body = services.chat.chat(ChatRequest(PLAN, None, None), ctx)
        replies.setdefault(str(body["variant"]), body)
        if len(replies) == 2:
            break
    by_variant = {variant: str(body["sessionId"]) for variant, body in replies.items()}
    assert set(by_variant) == {"detailed", "concise"}
    assert Experiments.from_config(None).primary(by_variant["concise"]) == "concise"

    # THEN the response and the stored turn carry the session's variant
    for variant, body in replies.items():
        assert body["variant"] == variant
        (turn,) = services.store.export_session(by_variant[variant])
        assert turn.variant == variant
    # AND the concise plan is the shorter one, with highlights instead of a day-by-day outline
    detailed, concise = replies["detailed"]["reply"], replies["concise"]["reply"]
    assert "Day 2:" in detailed and "Day 2:" not in concise
    assert "Highlights:" in concise
    assert len(concise) < len(detailed)

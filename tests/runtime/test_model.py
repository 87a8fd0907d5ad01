"""The bot model file: the shipped one is valid, and every kind of mistake is named precisely."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from runtime.errors import ModelError
from runtime.model import MODEL_PATH, NAME_RE, default_model, load_model, parse_model


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MODEL_PATH.read_text())
    return copy.deepcopy(data)


def intent_of(raw: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for i in raw["intents"] if i["name"] == name)


def test_shipped_model_has_every_contract_intent_with_enough_utterances() -> None:
    model = default_model()
    assert set(model.intents) == {
        "PlanTrip",
        "CheckWeather",
        "FindFlights",
        "Greeting",
        "Help",
        "Goodbye",
        "Thanks",
        "Cancel",
        "SmallTalk",
        "OutOfScope",
        "FallbackIntent",
    }
    for name in ("PlanTrip", "CheckWeather", "FindFlights"):
        assert len(model.intents[name].utterances) >= 25
    assert [s.name for s in model.intents["PlanTrip"].slots] == [
        "destination",
        "duration",
        "budget",
    ]
    assert [s.name for s in model.intents["FindFlights"].slots] == [
        "origin",
        "destination",
        "date",
        "returnDate",
    ]
    assert [s.name for s in model.intents["CheckWeather"].slots] == ["destination", "date"]
    optional = {
        (name, s.name) for name, i in model.intents.items() for s in i.slots if not s.required
    }
    assert optional == {
        ("FindFlights", "returnDate"),
        ("CheckWeather", "date"),
        ("OutOfScope", "destination"),
        ("OutOfScope", "origin"),  # "train tickets from Paris to Lyon": carried to a search
        ("OutOfScope", "date"),
        ("OutOfScope", "duration"),
        ("OutOfScope", "budget"),
    }


def test_shipped_model_stays_within_lex_and_dialogflow_limits() -> None:
    model = default_model()
    for intent in model.intents.values():
        assert NAME_RE.match(intent.name)
        for slot in intent.slots:
            assert NAME_RE.match(slot.name)
            assert slot.prompt
        for utterance in intent.utterances:
            assert 0 < len(utterance) <= 200


def test_a_missing_required_intent_is_named(raw: dict[str, Any]) -> None:
    raw["intents"] = [i for i in raw["intents"] if i["name"] != "Goodbye"]
    with pytest.raises(
        ModelError, match=r"model\.json: intents: missing required intents: Goodbye"
    ):
        parse_model(raw, "model.json")


def test_an_utterance_over_200_characters_names_intent_and_index(raw: dict[str, Any]) -> None:
    intent_of(raw, "CheckWeather")["utterances"][3] = "weather " * 30
    with pytest.raises(
        ModelError, match=r"m\.json: intent CheckWeather\.utterances\[3\]: is longer than 200"
    ):
        parse_model(raw, "m.json")


def test_an_unknown_placeholder_names_the_slot(raw: dict[str, Any]) -> None:
    intent_of(raw, "FindFlights")["utterances"].append("fly to {planet}")
    with pytest.raises(
        ModelError, match=r"intent FindFlights\.utterances\[\d+\]: \{planet\} is not a slot"
    ):
        parse_model(raw)


def test_a_bad_slot_name_is_rejected(raw: dict[str, Any]) -> None:
    intent_of(raw, "PlanTrip")["slots"][0]["name"] = "1destination"
    with pytest.raises(
        ModelError, match=r"intent PlanTrip\.slots\[0\]\.name: '1destination' must match"
    ):
        parse_model(raw)


def test_a_slot_of_an_unknown_type_names_intent_slot_and_field(raw: dict[str, Any]) -> None:
    intent_of(raw, "PlanTrip")["slots"][2]["type"] = "Gold"
    with pytest.raises(
        ModelError, match=r"intent PlanTrip slot budget\.type: unknown slot type 'Gold'"
    ):
        parse_model(raw)


def test_too_few_task_utterances_are_rejected(raw: dict[str, Any]) -> None:
    intent_of(raw, "PlanTrip")["utterances"] = intent_of(raw, "PlanTrip")["utterances"][:10]
    with pytest.raises(ModelError, match=r"intent PlanTrip\.utterances: has 10, needs at least 25"):
        parse_model(raw)


def test_duplicate_utterances_are_rejected(raw: dict[str, Any]) -> None:
    utterances = intent_of(raw, "Help")["utterances"]
    utterances.append(utterances[0].upper())
    with pytest.raises(ModelError, match=r"intent Help\.utterances\[\d+\]: duplicates"):
        parse_model(raw)


def test_a_broken_template_names_the_response(raw: dict[str, Any]) -> None:
    intent_of(raw, "Goodbye")["responses"]["fulfilled"] = "bye {"
    with pytest.raises(
        ModelError, match=r"intent Goodbye\.responses\.fulfilled: is not a valid template"
    ):
        parse_model(raw)


def test_invalid_json_names_the_file(tmp_path: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ nope")
    with pytest.raises(ModelError, match=r"broken\.json: not valid JSON"):
        load_model(path)


def test_an_open_place_type_lists_only_dialogflow_system_entities(raw: dict[str, Any]) -> None:
    # GIVEN a place type whose open entities include something that is not a system entity
    city = next(t for t in raw["slotTypes"] if t["name"] == "City")
    city["dialogflowSystemEntities"] = ["@sys.geo-city", "geo-country"]
    # WHEN the model is read
    # THEN the field and the bad value are named
    with pytest.raises(ModelError, match=r"dialogflowSystemEntities: 'geo-country'"):
        parse_model(raw)


def test_a_type_cannot_be_a_system_entity_and_open_to_others(raw: dict[str, Any]) -> None:
    date = next(t for t in raw["slotTypes"] if t["name"] == "TravelDate")
    date["dialogflowSystemEntities"] = ["@sys.date-period"]
    with pytest.raises(ModelError, match="both dialogflowBuiltin and dialogflowSystemEntities"):
        parse_model(raw)

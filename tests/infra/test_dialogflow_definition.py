"""The Dialogflow ES content generated from the bot model equals the model and fits the API."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from typing import Any

import pytest
from google.cloud import dialogflow_v2 as dialogflow

from components.dialogflow_definition import (
    ENTITY_NAME_RE,
    MAX_PHRASE_CHARS,
    agent_content,
    content_hash,
    dialogflow_prompt,
)
from runtime.model import MODEL_PATH, BotModel, default_model, parse_model


@pytest.fixture
def model() -> BotModel:
    return default_model()


@pytest.fixture
def content(model: BotModel) -> dict[str, Any]:
    return agent_content(model)


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def intents(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {intent["displayName"]: intent for intent in content["intents"]}


def as_template(phrase: dict[str, Any]) -> str:
    """A training phrase back in the model's form: annotated parts become ``{alias}``."""
    return "".join(
        f"{{{part['alias']}}}" if part.get("alias") else part["text"] for part in phrase["parts"]
    )


def test_every_model_intent_becomes_a_dialogflow_intent(
    model: BotModel, content: dict[str, Any]
) -> None:
    assert [i["displayName"] for i in content["intents"]] == list(model.intents)
    assert content["languageCode"] == "en"


def test_every_utterance_is_a_training_phrase_with_its_slots_annotated(
    model: BotModel, content: dict[str, Any]
) -> None:
    generated = intents(content)
    for intent in model.intents.values():
        phrases = generated[intent.name]["trainingPhrases"]
        assert all(phrase["type"] == "EXAMPLE" for phrase in phrases)
        assert [as_template(phrase) for phrase in phrases] == list(intent.utterances)


def test_annotated_parts_use_the_slot_entity_type_and_an_example_value(
    model: BotModel, content: dict[str, Any]
) -> None:
    for intent in model.intents.values():
        for phrase in intents(content)[intent.name]["trainingPhrases"]:
            for part in phrase["parts"]:
                if "alias" not in part:
                    continue
                slot = intent.slot(part["alias"])
                assert slot is not None
                slot_type = model.slot_types[slot.type]
                assert part["userDefined"] is True
                assert part["entityType"] == (slot_type.dialogflow_builtin or f"@{slot_type.name}")
                assert part["text"] in slot_type.examples


def test_example_values_rotate_so_phrases_show_several_cities(content: dict[str, Any]) -> None:
    cities = {
        part["text"]
        for phrase in intents(content)["CheckWeather"]["trainingPhrases"]
        for part in phrase["parts"]
        if part.get("alias") == "destination"
    }
    assert len(cities) > 3


def test_every_slot_is_a_parameter_with_its_prompt_and_entity_type(
    model: BotModel, content: dict[str, Any]
) -> None:
    for intent in model.intents.values():
        parameters = intents(content)[intent.name].get("parameters", [])
        assert [p["displayName"] for p in parameters] == [s.name for s in intent.slots]
        for slot, parameter in zip(intent.slots, parameters, strict=True):
            slot_type = model.slot_types[slot.type]
            assert parameter["value"] == f"${slot.name}"
            assert parameter["mandatory"] is slot.required
            # Dialogflow asks only for mandatory parameters; an optional one has no prompt.
            assert parameter.get("prompts") == (
                [dialogflow_prompt(slot.prompt)] if slot.required else None
            )
            assert parameter["entityTypeDisplayName"] == (
                slot_type.dialogflow_builtin or f"@{slot_type.name}"
            )


def test_prompt_placeholders_become_parameter_references() -> None:
    prompt = "How long will your trip to {destination} be? {duration} days?"
    assert (
        dialogflow_prompt(prompt) == "How long will your trip to $destination be? $duration days?"
    )


def test_the_fallback_intent_learns_the_negative_examples(
    model: BotModel, content: dict[str, Any]
) -> None:
    fallback = intents(content)["FallbackIntent"]
    assert fallback["isFallback"] is True
    texts = [as_template(phrase) for phrase in fallback["trainingPhrases"]]
    assert texts == list(model.intent("FallbackIntent").utterances)
    assert not any(
        i.get("isFallback") for n, i in intents(content).items() if n != "FallbackIntent"
    )


def test_closed_slot_types_become_map_entity_types_with_every_value_and_synonym(
    model: BotModel, content: dict[str, Any]
) -> None:
    custom = [t for t in model.slot_types.values() if t.dialogflow_builtin is None]
    assert [t["displayName"] for t in content["entityTypes"]] == [t.name for t in custom]
    closed = [t for t in custom if not t.dialogflow_system_entities]
    generated = {t["displayName"]: t for t in content["entityTypes"]}
    for slot_type in closed:
        entity_type = generated[slot_type.name]
        assert entity_type["kind"] == "KIND_MAP"
        assert entity_type["autoExpansionMode"] == "AUTO_EXPANSION_MODE_DEFAULT"
        entities = entity_type["entities"]
        assert [e["value"] for e in entities] == [v.value for v in slot_type.values]
        for item, entity in zip(slot_type.values, entities, strict=True):
            assert entity["synonyms"][0] == item.value
            assert set(entity["synonyms"]) == {item.value, *item.synonyms}


def test_the_place_type_is_an_open_composite_of_geo_system_entities_and_the_model_values(
    model: BotModel, content: dict[str, Any]
) -> None:
    # GIVEN the model's place type, open to any city, country or state
    city = model.slot_types["City"]
    assert city.dialogflow_system_entities
    # WHEN it is generated
    entity_type = next(t for t in content["entityTypes"] if t["displayName"] == "City")
    values = [e["value"] for e in entity_type["entities"]]
    # THEN it is a list entity that references each system entity with an alias, then lists
    # every model value and synonym once, each entry its own only synonym (as the API requires)
    assert entity_type["kind"] == "KIND_LIST"
    assert values[:3] == ["@sys.geo-city:city", "@sys.geo-country:country", "@sys.geo-state:state"]
    words = {w for item in city.values for w in (item.value, *item.synonyms)}
    assert set(values[3:]) == words and len(values) == len(set(values))
    assert all(e["synonyms"] == [e["value"]] for e in entity_type["entities"])


def test_an_open_type_that_names_a_non_system_entity_is_rejected(raw: dict[str, Any]) -> None:
    city = next(t for t in raw["slotTypes"] if t["name"] == "City")
    model = parse_model(raw)
    broken = dataclasses.replace(model.slot_types["City"], dialogflow_system_entities=("@Airport",))
    model.slot_types["City"] = broken
    assert city["name"] == "City"
    with pytest.raises(ValueError, match="'@Airport' is not @sys"):
        agent_content(model)


def test_system_entities_are_referenced_not_defined(content: dict[str, Any]) -> None:
    referenced = {
        p["entityTypeDisplayName"] for i in content["intents"] for p in i.get("parameters", [])
    }
    assert {"@sys.duration", "@sys.date", "@sys.unit-currency", "@City"} == referenced
    assert [t["displayName"] for t in content["entityTypes"]] == ["City"]


def test_the_content_parses_as_the_sdks_own_messages(content: dict[str, Any]) -> None:
    for entity_type in content["entityTypes"]:
        dialogflow.EntityType.from_json(json.dumps(entity_type), ignore_unknown_fields=False)
    for intent in content["intents"]:
        parsed = dialogflow.Intent.from_json(json.dumps(intent), ignore_unknown_fields=False)
        assert len(parsed.training_phrases) == len(intent["trainingPhrases"])


def test_the_content_respects_dialogflow_limits(content: dict[str, Any]) -> None:
    for entity_type in content["entityTypes"]:
        assert ENTITY_NAME_RE.match(entity_type["displayName"])
    for intent in content["intents"]:
        for phrase in intent["trainingPhrases"]:
            assert 0 < sum(len(part["text"]) for part in phrase["parts"]) <= MAX_PHRASE_CHARS
            assert all(part["text"] for part in phrase["parts"])
        for parameter in intent.get("parameters", []):
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parameter["displayName"])


def test_a_slot_type_without_values_or_system_entity_is_rejected(raw: dict[str, Any]) -> None:
    budget = next(t for t in raw["slotTypes"] if t["name"] == "Budget")
    budget["dialogflowBuiltin"] = None
    budget["values"] = []
    budget["lexBuiltin"] = "AMAZON.Number"
    with pytest.raises(ValueError, match="slot type Budget"):
        agent_content(parse_model(raw))


def test_the_hash_is_stable_and_follows_every_utterance(raw: dict[str, Any]) -> None:
    before = content_hash(agent_content(parse_model(raw)))
    assert content_hash(agent_content(parse_model(copy.deepcopy(raw)))) == before
    weather = next(i for i in raw["intents"] if i["name"] == "CheckWeather")
    weather["utterances"][0] = "what is the weather in {destination}"
    assert content_hash(agent_content(parse_model(raw))) != before

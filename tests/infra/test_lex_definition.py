"""The Lex V2 locale generated from the bot model equals the model and respects Lex's limits."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from components.lex_definition import (
    FALLBACK_SIGNATURE,
    MAX_UTTERANCE_CHARS,
    MAX_VALUE_CHARS,
    bot_locale,
    definition_hash,
    sanitize_utterance,
    utterance_changes,
)
from runtime.model import MODEL_PATH, BotModel, default_model, parse_model

LEX_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")  # the Lex V2 API's name pattern
LEX_UTTERANCE_CHARS = re.compile(r"^[\w\s'.\-{}]+$")


@pytest.fixture
def model() -> BotModel:
    return default_model()


@pytest.fixture
def locale(model: BotModel) -> dict[str, Any]:
    return dict(bot_locale(model))


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def intents_by_name(locale: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in locale["intents"]}


def words(text: str) -> list[str]:
    """The words of an utterance, ignoring every punctuation mark Lex may not get."""
    return re.findall(r"\{\w+\}|[\w'.\-]*\w[\w'.\-]*|\w", text.replace(",", " "))


def test_every_model_intent_becomes_a_lex_intent_in_model_order(
    model: BotModel, locale: dict[str, Any]
) -> None:
    assert [i["name"] for i in locale["intents"]] == list(model.intents)


def test_every_model_utterance_reaches_lex_with_the_same_words(
    model: BotModel, locale: dict[str, Any]
) -> None:
    lex = intents_by_name(locale)
    for intent in model.intents.values():
        if intent.name == "FallbackIntent":
            continue
        sent = [u["utterance"] for u in lex[intent.name]["sample_utterances"]]
        assert [words(u) for u in sent] == [words(u) for u in intent.utterances], intent.name


def test_the_fallback_intent_is_amazons_built_in_and_has_no_sample_utterances(
    locale: dict[str, Any],
) -> None:
    fallback = intents_by_name(locale)["FallbackIntent"]
    assert fallback["parent_intent_signature"] == FALLBACK_SIGNATURE
    assert "sample_utterances" not in fallback
    assert "slots" not in fallback


def test_every_slot_keeps_its_type_prompt_and_required_flag(
    model: BotModel, locale: dict[str, Any]
) -> None:
    lex = intents_by_name(locale)
    for intent in model.intents.values():
        slots = {s["name"]: s for s in lex[intent.name].get("slots", [])}
        assert list(slots) == [s.name for s in intent.slots]
        for slot in intent.slots:
            slot_type = model.slot_types[slot.type]
            sent = slots[slot.name]
            elicitation = sent["value_elicitation_setting"]
            messages = elicitation["prompt_specification"]["message_groups_list"]
            assert sent["slot_type_name"] == (slot_type.lex_builtin or slot_type.name)
            assert messages == [{"message": {"plain_text_message": {"value": slot.prompt}}}]
            assert elicitation["slot_constraint"] == ("Required" if slot.required else "Optional")


def test_slot_priorities_follow_the_model_slot_order(
    model: BotModel, locale: dict[str, Any]
) -> None:
    plan = intents_by_name(locale)["PlanTrip"]
    assert plan["slot_priorities"] == [
        {"priority": index, "slot_name": slot.name}
        for index, slot in enumerate(model.intent("PlanTrip").slots, start=1)
    ]


def test_custom_slot_types_carry_every_value_and_synonym_and_accept_any_value(
    model: BotModel, locale: dict[str, Any]
) -> None:
    sent = {t["name"]: t for t in locale["slot_types"]}
    custom = [t for t in model.slot_types.values() if t.lex_builtin is None]
    assert sorted(sent) == sorted(t.name for t in custom)
    for slot_type in custom:
        values = sent[slot_type.name]["slot_type_values"]
        assert [v["sample_value"]["value"] for v in values] == [v.value for v in slot_type.values]
        for item, value in zip(slot_type.values, values, strict=True):
            synonyms = {s["value"].casefold() for s in value.get("synonyms", [])}
            assert synonyms == {s.casefold() for s in item.synonyms} - {item.value.casefold()}
        every = [
            text["value"].casefold()
            for value in values
            for text in [value["sample_value"], *value.get("synonyms", [])]
        ]
        assert len(every) == len(set(every)), "Lex would see a value twice"
        resolution = sent[slot_type.name]["value_selection_setting"]["resolution_strategy"]
        assert resolution == "ORIGINAL_VALUE"


def test_built_in_slot_types_are_referenced_and_not_defined(
    model: BotModel, locale: dict[str, Any]
) -> None:
    built_in = {t.lex_builtin for t in model.slot_types.values() if t.lex_builtin}
    assert built_in == {"AMAZON.Duration", "AMAZON.Date"}
    defined = {t["name"] for t in locale["slot_types"]}
    assert not defined & built_in
    used = {
        slot["slot_type_name"] for intent in locale["intents"] for slot in intent.get("slots", [])
    }
    assert built_in <= used


def test_the_locale_takes_the_model_threshold_unless_config_overrides_it(model: BotModel) -> None:
    assert bot_locale(model)["nlu_confidence_threshold"] == model.nlu_confidence_threshold
    assert bot_locale(model, nlu_confidence_threshold=0.7)["nlu_confidence_threshold"] == 0.7
    assert bot_locale(model)["locale_id"] == "en_US"


def test_the_generated_locale_respects_lex_limits(locale: dict[str, Any]) -> None:
    for intent in locale["intents"]:
        assert LEX_NAME.match(intent["name"])
        for utterance in intent.get("sample_utterances", []):
            assert len(utterance["utterance"]) <= MAX_UTTERANCE_CHARS
            assert LEX_UTTERANCE_CHARS.match(utterance["utterance"]), utterance
        for slot in intent.get("slots", []):
            assert LEX_NAME.match(slot["name"])
    for slot_type in locale["slot_types"]:
        assert LEX_NAME.match(slot_type["name"])
        for value in slot_type["slot_type_values"]:
            for text in [value["sample_value"], *value.get("synonyms", [])]:
                assert 1 <= len(text["value"]) <= MAX_VALUE_CHARS


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("hi there, how are you?", "hi there how are you"),
        ("to {destination} for {duration}, ok", "to {destination} for {duration} ok"),
        ("what\u2019s the weather in {destination}!", "what's the weather in {destination}"),
        ("fly to L.A. tomorrow.", "fly to L.A. tomorrow"),
        ("a well-known - place", "a well-known place"),
        ('"quoted" (words) & $ymbols', "quoted words ymbols"),
        ("it's 'fine", "it's fine"),
        ("the travellers' bags", "the travellers' bags"),
    ],
)  # fmt: skip
def test_the_sanitizer_removes_what_lex_rejects_and_keeps_placeholders(
    utterance: str, expected: str
) -> None:
    assert sanitize_utterance(utterance) == expected


def test_an_utterance_of_only_punctuation_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing left"):
        sanitize_utterance("?!, ...")


def test_utterance_changes_lists_exactly_the_utterances_lex_gets_differently(
    model: BotModel,
) -> None:
    changes = utterance_changes(model)
    changed = {(c.intent, c.original) for c in changes}
    assert all(sanitize_utterance(c.original) == c.sanitized != c.original for c in changes)
    for intent in model.intents.values():
        if intent.name == "FallbackIntent":
            continue
        for utterance in intent.utterances:
            if (intent.name, utterance) not in changed:
                assert sanitize_utterance(utterance) == utterance


def test_an_utterance_in_two_intents_is_rejected(raw: dict[str, Any]) -> None:
    help_intent = next(i for i in raw["intents"] if i["name"] == "Help")
    help_intent["utterances"].append("hello, again")  # Greeting has "hello again"
    with pytest.raises(ValueError, match="also an utterance of intent Greeting"):
        bot_locale(parse_model(raw))


def test_a_prompt_placeholder_that_is_not_a_slot_of_the_intent_is_rejected(
    raw: dict[str, Any],
) -> None:
    weather = next(i for i in raw["intents"] if i["name"] == "CheckWeather")
    weather["slots"][0]["prompt"] = "Weather for {duration}?"
    with pytest.raises(ValueError, match=r"CheckWeather slot destination: prompt placeholder"):
        bot_locale(parse_model(raw))


def test_a_name_lex_cannot_take_is_rejected(raw: dict[str, Any]) -> None:
    greeting = next(i for i in raw["intents"] if i["name"] == "Greeting")
    greeting["name"] = "Greeting__Intent"
    raw["intents"].append({**greeting, "name": "Greeting"})
    with pytest.raises(ValueError, match="Greeting__Intent"):
        bot_locale(parse_model(raw))


def test_a_slot_value_longer_than_lex_allows_is_rejected(raw: dict[str, Any]) -> None:
    city = next(t for t in raw["slotTypes"] if t["name"] == "City")
    city["values"].append({"value": "X" * (MAX_VALUE_CHARS + 1), "synonyms": []})
    with pytest.raises(ValueError, match="slot type City"):
        bot_locale(parse_model(raw))


def test_the_hash_is_stable_and_follows_every_utterance(raw: dict[str, Any]) -> None:
    before = definition_hash(bot_locale(parse_model(raw)))
    assert definition_hash(bot_locale(parse_model(copy.deepcopy(raw)))) == before
    greeting = next(i for i in raw["intents"] if i["name"] == "Greeting")
    greeting["utterances"].append("good day to you")
    assert definition_hash(bot_locale(parse_model(raw))) != before

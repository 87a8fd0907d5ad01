"""The Dialogflow ES agent content generated from the bot model (pure functions, no resources).

:func:`agent_content` turns :class:`runtime.contract.BotModel` into plain dicts in the Dialogflow
v2 REST JSON shape (camelCase; ``EntityType`` and ``Intent`` of ``projects.agent``), ready for
``entityTypes:batchUpdate`` and ``intents:batchUpdate``; :func:`content_hash` is a stable
SHA-256 of it. The dynamic resource in :mod:`components.dialogflow_content` applies it.

Mapping decisions:

- **Entity types**: a slot type with ``dialogflowBuiltin: null`` becomes a ``KIND_MAP`` entity
  type named like the slot type, one entity per model value whose synonyms are the value itself
  (Dialogflow matches only listed synonyms) and the model's synonyms, with automated expansion
  on, and fuzzy matching. Slot types with a system entity (``@sys.duration``, ``@sys.date``,
  ``@sys.unit-currency``) are referenced, not defined.
- **Open place slots**: a slot type that lists ``dialogflowSystemEntities`` (the places:
  ``@sys.geo-city``, ``@sys.geo-country``, ``@sys.geo-state``) becomes a composite ``KIND_LIST``
  entity type: one entry per system entity, referenced with an alias (``@sys.geo-city:city``),
  so any city, country or state Dialogflow knows is accepted, plus one entry per model value and
  synonym for what no system entity covers (islands, regions, airport codes). Dialogflow then
  returns either the text of a plain entry or an object such as ``{"city": "Paris"}``; the
  runtime normalises both through its gazetteer (``runtime.nlu.slots``). A list entity's entry
  has exactly one synonym, equal to its value, as the API requires.
- **Training phrases**: each utterance becomes an ``EXAMPLE`` phrase. A ``{slot}`` placeholder
  becomes an annotated part (``entityType``, ``alias`` = slot name, ``userDefined``) whose text
  is one of the slot type's ``examples``, rotating so the phrases show varied values.
- **Parameters**: one per slot, ``value`` ``$slot``, mandatory when the slot is required, with the
  slot's prompt. Prompt placeholders ``{slot}`` become Dialogflow's ``$slot`` references.
- **FallbackIntent** is an ``isFallback`` intent whose training phrases are the model's
  negative examples, exactly as Dialogflow ES treats a fallback intent's phrases.

Limits checked here (Dialogflow ES API and quotas): entity type display names
``^[A-Za-z][A-Za-z0-9_-]*$`` (at most 30 characters), training phrases at most 768 characters and
at most 2,000 per intent, at most 2,000 intents and 250 custom entity types per agent.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from runtime.contract import BotModel, Intent, Slot, SlotType

FALLBACK_INTENT = "FallbackIntent"
ENTITY_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")
SYSTEM_ENTITY_RE = re.compile(r"^@sys\.[a-z][a-z0-9-]*$")
MAX_PHRASE_CHARS = 768
MAX_PHRASES_PER_INTENT = 2000
MAX_INTENTS = 2000
MAX_ENTITY_TYPES = 250

_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")

Json = dict[str, Any]


def language_code(model: BotModel) -> str:
    """The Dialogflow language tag of the model's locale (``en_US`` -> ``en``)."""
    language = model.locale.split("_", 1)[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", language):
        raise ValueError(f"model locale {model.locale!r} has no language code")
    return language


def agent_content(model: BotModel) -> Json:
    """``{"languageCode", "entityTypes": [...], "intents": [...]}`` for ``model``.

    Raises:
        ValueError: naming the intent, slot or slot type that breaks a Dialogflow limit.
    """
    entity_types = [_entity_type(t) for t in model.slot_types.values() if _is_custom(t)]
    intents = [_intent(model, intent) for intent in model.intents.values()]
    if len(entity_types) > MAX_ENTITY_TYPES or len(intents) > MAX_INTENTS:
        raise ValueError("the model has more intents or entity types than Dialogflow allows")
    return {"languageCode": language_code(model), "entityTypes": entity_types, "intents": intents}


def content_hash(content: Mapping[str, Any]) -> str:
    """A stable SHA-256 (hex) of generated agent content: same model, same hash."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def canonical_json(content: Mapping[str, Any]) -> str:
    """Sorted, compact JSON: the exact text the dynamic resource stores and hashes."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entity_type_reference(slot_type: SlotType) -> str:
    """``@sys.…`` for a system entity, ``@Name`` for a generated one."""
    if slot_type.dialogflow_builtin is not None:
        if not SYSTEM_ENTITY_RE.match(slot_type.dialogflow_builtin):
            raise ValueError(
                f"slot type {slot_type.name}: {slot_type.dialogflow_builtin!r} is not @sys.*"
            )
        return slot_type.dialogflow_builtin
    return f"@{slot_type.name}"


def dialogflow_prompt(prompt: str) -> str:
    """A model prompt with ``{slot}`` turned into Dialogflow's ``$slot`` parameter reference."""
    return _PLACEHOLDER.sub(lambda m: f"${m.group(1)}", prompt)


def _is_custom(slot_type: SlotType) -> bool:
    return slot_type.dialogflow_builtin is None


def system_entity_alias(reference: str) -> str:
    """The alias a system entity gets in an open entity type: ``@sys.geo-city`` -> ``city``."""
    name = reference.removeprefix("@sys.").removeprefix("geo-")
    return name.replace("-", "_")


def _entity_type(slot_type: SlotType) -> Json:
    if not ENTITY_NAME_RE.match(slot_type.name):
        raise ValueError(f"entity type name {slot_type.name!r} must match {ENTITY_NAME_RE.pattern}")
    if slot_type.dialogflow_system_entities:
        return _open_entity_type(slot_type)
    if not slot_type.values:
        raise ValueError(f"slot type {slot_type.name} has no dialogflowBuiltin and no values")
    entities = []
    for item in slot_type.values:
        synonyms = list(dict.fromkeys([item.value, *item.synonyms]))
        entities.append({"value": item.value, "synonyms": synonyms})
    return {
        "displayName": slot_type.name,
        "kind": "KIND_MAP",
        "autoExpansionMode": "AUTO_EXPANSION_MODE_DEFAULT",
        "enableFuzzyExtraction": True,
        "entities": entities,
    }


def _open_entity_type(slot_type: SlotType) -> Json:
    """A composite list entity: the system entities (aliased), then every value and synonym."""
    references = []
    for reference in slot_type.dialogflow_system_entities:
        if not SYSTEM_ENTITY_RE.match(reference):
            raise ValueError(f"slot type {slot_type.name}: {reference!r} is not @sys.*")
        references.append(f"{reference}:{system_entity_alias(reference)}")
    words = [word for item in slot_type.values for word in (item.value, *item.synonyms)]
    entries = list(dict.fromkeys([*references, *words]))
    return {
        "displayName": slot_type.name,
        "kind": "KIND_LIST",
        "autoExpansionMode": "AUTO_EXPANSION_MODE_DEFAULT",
        "enableFuzzyExtraction": True,
        "entities": [{"value": entry, "synonyms": [entry]} for entry in entries],
    }


def _intent(model: BotModel, intent: Intent) -> Json:
    if len(intent.utterances) > MAX_PHRASES_PER_INTENT:
        raise ValueError(f"intent {intent.name} has more than {MAX_PHRASES_PER_INTENT} phrases")
    phrases = [
        {"type": "EXAMPLE", "parts": _parts(model, intent, utterance, index)}
        for index, utterance in enumerate(intent.utterances)
    ]
    result: Json = {"displayName": intent.name, "trainingPhrases": phrases}
    if intent.name == FALLBACK_INTENT:
        result["isFallback"] = True
        result["action"] = "input.unknown"
    if intent.slots:
        result["parameters"] = [_parameter(model, slot) for slot in intent.slots]
    return result


def _parameter(model: BotModel, slot: Slot) -> Json:
    parameter: Json = {
        "displayName": slot.name,
        "value": f"${slot.name}",
        "entityTypeDisplayName": entity_type_reference(model.slot_types[slot.type]),
        "mandatory": slot.required,
    }
    if slot.required:
        parameter["prompts"] = [dialogflow_prompt(slot.prompt)]
    return parameter


def _parts(model: BotModel, intent: Intent, utterance: str, index: int) -> list[Json]:
    parts: list[Json] = []
    position = 0
    for number, match in enumerate(_PLACEHOLDER.finditer(utterance)):
        if match.start() > position:
            parts.append({"text": utterance[position : match.start()]})
        slot = intent.slot(match.group(1))
        if slot is None:
            raise ValueError(f"intent {intent.name}: {{{match.group(1)}}} is not a slot")
        slot_type = model.slot_types[slot.type]
        example = slot_type.examples[(index + number) % len(slot_type.examples)]
        parts.append(
            {
                "text": example,
                "entityType": entity_type_reference(slot_type),
                "alias": slot.name,
                "userDefined": True,
            }
        )
        position = match.end()
    if position < len(utterance):
        parts.append({"text": utterance[position:]})
    if sum(len(part["text"]) for part in parts) > MAX_PHRASE_CHARS:
        raise ValueError(f"intent {intent.name}: {utterance!r} is longer than {MAX_PHRASE_CHARS}")
    return parts

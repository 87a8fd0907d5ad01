"""The Lex V2 bot locale generated from the bot model (pure functions, no resources).

:func:`bot_locale` turns :class:`runtime.contract.BotModel` into the ``bot_locales`` item of an
``aws_native.lex.Bot``: every intent with its sample utterances, slots with value-elicitation
prompts and priorities, the custom slot types with values and synonyms, the built-in
``AMAZON.FallbackIntent`` and the NLU confidence threshold. :func:`definition_hash` is a stable
SHA-256 of that locale; the bot version's description carries it, so a changed model publishes a
new version and an unchanged one publishes nothing.

Mapping decisions (the model is Lex-shaped already; what differs is written down here):

- **Sample utterances** keep the model's ``{slot}`` placeholders. The Lex V2 API reference
  gives no character rule for ``SampleUtterance``, but Amazon's model builders (Lex V1 and
  Alexa, error ``InvalidCharInSamples``) accept only letters, digits, spaces, periods for
  abbreviations, underscores, possessive apostrophes and word-internal hyphens, and punctuation
  carries no meaning for intent recognition. So :func:`sanitize_utterance` applies that
  conservative rule and replaces every other character with a space: commas, ``?``, ``!``,
  ``$``, quotes, brackets and the like; a period that ends a sentence; an apostrophe or hyphen
  that is not inside a word. Typographic apostrophes become
  ``'``. In the shipped model this only removes commas (e.g. ``"going to {destination} for
  {duration}, can you plan it"``); :func:`utterance_changes` lists each change. An utterance that
  becomes a duplicate inside its intent is dropped; one shared by two intents is an error.
- **FallbackIntent** becomes Lex's built-in ``AMAZON.FallbackIntent``, which may not hold
  sample utterances: the model's negative examples train the embedded NLU and Dialogflow only.
- **Slots** of a custom type (``lexBuiltin: null``) use a generated slot type whose values and
  synonyms come from the model, with ``ORIGINAL_VALUE`` resolution so that any value is
  accepted (the runtime normalises it); built-in types (``AMAZON.Duration``, ``AMAZON.Date``)
  are referenced by name. Slot priority follows the model's slot order; optional slots (the
  return date, the weather's day) are ``Optional``, so Lex fills them when said and never asks.
- **Places are open**: the place type (``City``) is such a custom type. Its values are examples
  (cities, countries, islands, airport codes) that teach Lex where a place sits in a sentence;
  ``ORIGINAL_VALUE`` hands back whatever place was said ("Hallstatt", "Saigon", "Tuscany") and
  the runtime resolves it through its gazetteer. ``AMAZON.City`` was not used: a slot has one
  type, and it would not take a country, an island or a region.
- **Prompts** are copied verbatim: Lex V2 replaces ``{slotName}`` in a message with the slot's
  value, the same syntax as the model. A placeholder that is not a slot of the intent is an
  error.

Limits checked here (Lex V2 quotas and API reference): names ``^[A-Za-z][A-Za-z0-9_]*$`` with
no ``__`` and at most 100 characters; utterances at most 200 characters (stricter than Lex's
500: the model's own limit); slot type values and synonyms at most 140 characters and at most
10,000 per slot type; messages at most 1,000 characters; descriptions at most 200.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_aws_native import lex

from runtime.contract import BotModel, Intent, Slot, SlotType

FALLBACK_INTENT = "FallbackIntent"
FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAME_CHARS = 100
MAX_UTTERANCE_CHARS = 200
MAX_VALUE_CHARS = 140
MAX_VALUES_PER_SLOT_TYPE = 10_000
MAX_MESSAGE_CHARS = 1000
MAX_DESCRIPTION_CHARS = 200
PROMPT_MAX_RETRIES = 2
LOCALE_RE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")

_PLACEHOLDER = re.compile(r"(\{[A-Za-z][A-Za-z0-9_]*\})")
_PLACEHOLDER_NAME = re.compile(r"\{([^{}]*)\}")
#: Anything that is not a letter, digit, underscore, whitespace, apostrophe, period or hyphen.
_REJECTED = re.compile(r"[^\w\s'.\-]")
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]\.)+$")  # "L.A.", "a.m."
_LOOSE_APOSTROPHE = re.compile(r"(?<![^\W\d_])'")  # not right after a letter
_LOOSE_HYPHEN = re.compile(r"(?<!\w)-|-(?!\w)")  # not between two word characters
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class UtteranceChange:
    """A sample utterance that :func:`sanitize_utterance` changed for Lex."""

    intent: str
    original: str
    sanitized: str


def sanitize_utterance(utterance: str) -> str:
    """The utterance with every character Lex rejects replaced by a space (placeholders kept).

    Raises:
        ValueError: if nothing but punctuation is left.
    """
    pieces = _PLACEHOLDER.split(utterance.replace("\u2019", "'"))
    cleaned = [piece if _PLACEHOLDER.fullmatch(piece) else _clean_text(piece) for piece in pieces]
    result = _SPACES.sub(" ", "".join(cleaned)).strip()
    if not result or not re.search(r"\w", result):
        raise ValueError(f"utterance {utterance!r} has nothing left after removing punctuation")
    return result


def _clean_text(text: str) -> str:
    text = _REJECTED.sub(" ", text)
    text = _LOOSE_APOSTROPHE.sub(" ", text)
    text = _LOOSE_HYPHEN.sub(" ", text)
    tokens = [t if _ABBREVIATION.match(t) else t.replace(".", " ") for t in text.split(" ")]
    return " ".join(tokens)


def utterance_changes(model: BotModel) -> list[UtteranceChange]:
    """Every sample utterance that Lex receives in a different form than the model holds."""
    changes = []
    for intent in model.intents.values():
        if intent.name == FALLBACK_INTENT:
            continue
        for utterance in intent.utterances:
            sanitized = sanitize_utterance(utterance)
            if sanitized != utterance:
                changes.append(UtteranceChange(intent.name, utterance, sanitized))
    return changes


def bot_locale(
    model: BotModel, *, nlu_confidence_threshold: float | None = None
) -> lex.BotLocaleArgsDict:
    """The Lex V2 locale for ``model`` (threshold from the model unless overridden).

    Raises:
        ValueError: naming the intent, slot or slot type that breaks a Lex limit.
    """
    threshold = (
        model.nlu_confidence_threshold
        if nlu_confidence_threshold is None
        else nlu_confidence_threshold
    )
    if not 0 <= threshold <= 1:
        raise ValueError(f"nlu_confidence_threshold must be 0..1, got {threshold}")
    if not LOCALE_RE.match(model.locale):
        raise ValueError(f"model locale {model.locale!r} is not a Lex locale id like en_US")
    if FALLBACK_INTENT not in model.intents:
        raise ValueError(f"the model has no {FALLBACK_INTENT}")
    _check_cross_intent_duplicates(model)
    return {
        "locale_id": model.locale,
        "description": _description(model.description, "model"),
        "nlu_confidence_threshold": threshold,
        "intents": [_intent(model, intent) for intent in model.intents.values()],
        "slot_types": [_slot_type(t) for t in model.slot_types.values() if t.lex_builtin is None],
    }


def definition_hash(locale: Mapping[str, Any]) -> str:
    """A stable SHA-256 (hex) of a generated locale: same model, same hash."""
    canonical = json.dumps(locale, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_name(name: str, where: str) -> str:
    if not NAME_RE.match(name) or "__" in name or len(name) > MAX_NAME_CHARS:
        raise ValueError(
            f"{where} name {name!r} must match {NAME_RE.pattern}, without '__', "
            f"at most {MAX_NAME_CHARS} characters"
        )
    return name


def _description(text: str, where: str) -> str:
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise ValueError(f"{where} description is longer than {MAX_DESCRIPTION_CHARS} characters")
    return text


def _intent(model: BotModel, intent: Intent) -> lex.BotIntentArgsDict:
    name = _check_name(intent.name, "intent")
    if name == FALLBACK_INTENT:
        return {
            "name": name,
            "description": _description(intent.description, f"intent {name}"),
            "parent_intent_signature": FALLBACK_SIGNATURE,
        }
    result: lex.BotIntentArgsDict = {
        "name": name,
        "description": _description(intent.description, f"intent {name}"),
        "sample_utterances": [{"utterance": u} for u in _sample_utterances(intent)],
    }
    if intent.slots:
        result["slots"] = [_slot(model, intent, slot) for slot in intent.slots]
        result["slot_priorities"] = [
            {"priority": index, "slot_name": slot.name}
            for index, slot in enumerate(intent.slots, start=1)
        ]
    return result


def _sample_utterances(intent: Intent) -> list[str]:
    seen: set[str] = set()
    result = []
    for utterance in intent.utterances:
        sanitized = sanitize_utterance(utterance)
        if len(sanitized) > MAX_UTTERANCE_CHARS:
            raise ValueError(
                f"intent {intent.name}: utterance {utterance!r} is longer than "
                f"{MAX_UTTERANCE_CHARS} characters"
            )
        key = sanitized.casefold()
        if key not in seen:
            seen.add(key)
            result.append(sanitized)
    if not result:
        raise ValueError(f"intent {intent.name} has no sample utterances")
    return result


def _check_cross_intent_duplicates(model: BotModel) -> None:
    owner: dict[str, str] = {}
    for intent in model.intents.values():
        if intent.name == FALLBACK_INTENT:
            continue
        for utterance in intent.utterances:
            key = sanitize_utterance(utterance).casefold()
            other = owner.setdefault(key, intent.name)
            if other != intent.name:
                raise ValueError(
                    f"utterance {utterance!r} of intent {intent.name} is also an utterance "
                    f"of intent {other} (after removing punctuation)"
                )


def _slot(model: BotModel, intent: Intent, slot: Slot) -> lex.BotSlotArgsDict:
    where = f"intent {intent.name} slot {slot.name}"
    slot_type = model.slot_types[slot.type]
    for placeholder in _PLACEHOLDER_NAME.findall(slot.prompt):
        if intent.slot(placeholder) is None:
            raise ValueError(f"{where}: prompt placeholder {{{placeholder}}} is not a slot")
    if len(slot.prompt) > MAX_MESSAGE_CHARS:
        raise ValueError(f"{where}: prompt is longer than {MAX_MESSAGE_CHARS} characters")
    constraint = lex.BotSlotConstraint.REQUIRED if slot.required else lex.BotSlotConstraint.OPTIONAL
    return {
        "name": _check_name(slot.name, where),
        "slot_type_name": slot_type.lex_builtin or _check_name(slot_type.name, "slot type"),
        "value_elicitation_setting": {
            "slot_constraint": constraint,
            "prompt_specification": {
                "max_retries": PROMPT_MAX_RETRIES,
                "allow_interrupt": True,
                "message_groups_list": [
                    {"message": {"plain_text_message": {"value": slot.prompt}}}
                ],
            },
        },
    }


def _slot_type(slot_type: SlotType) -> lex.BotSlotTypeArgsDict:
    where = f"slot type {slot_type.name}"
    seen: set[str] = set()
    values: list[lex.BotSlotTypeValueArgsDict] = []
    for item in slot_type.values:
        if item.value.casefold() in seen:
            raise ValueError(f"{where}: value {item.value!r} repeats an earlier value or synonym")
        seen.add(_check_value(item.value, where).casefold())
        synonyms: list[lex.BotSampleValueArgsDict] = []
        for synonym in item.synonyms:
            if synonym.casefold() not in seen:
                seen.add(_check_value(synonym, where).casefold())
                synonyms.append({"value": synonym})
        entry: lex.BotSlotTypeValueArgsDict = {"sample_value": {"value": item.value}}
        if synonyms:
            entry["synonyms"] = synonyms
        values.append(entry)
    if not values:
        raise ValueError(f"{where} has no lexBuiltin type and no values")
    if len(seen) > MAX_VALUES_PER_SLOT_TYPE:
        raise ValueError(f"{where} has more than {MAX_VALUES_PER_SLOT_TYPE} values and synonyms")
    return {
        "name": _check_name(slot_type.name, "slot type"),
        "description": _description(slot_type.description, where),
        "slot_type_values": values,
        "value_selection_setting": {
            "resolution_strategy": lex.BotSlotValueResolutionStrategy.ORIGINAL_VALUE
        },
    }


def _check_value(value: str, where: str) -> str:
    if not value.strip() or len(value) > MAX_VALUE_CHARS:
        raise ValueError(f"{where}: value {value!r} must be 1..{MAX_VALUE_CHARS} characters")
    return value

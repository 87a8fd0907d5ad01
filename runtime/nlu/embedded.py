"""The embedded NLU: intent classification and slot filling with no network.

Always available (it is the last fallback behind Lex and Dialogflow) and small enough for a
Lambda package: a calibrated naive Bayes learned from the bot model at start-up (its
calibration precomputed at build time), plus the slot reader's gazetteer and normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from runtime.model import BotModel
from runtime.nlu.artefact import load_temperature
from runtime.nlu.classifier import IntentClassifier
from runtime.nlu.entities import Mention, parse_duration, parse_money
from runtime.nlu.gazetteer import Gazetteer, UnknownPlace
from runtime.nlu.slots import PLACEHOLDERS, Assignment, SlotReader, utc_today
from runtime.types import NluContext, NluResult, SlotValue

FALLBACK = "FallbackIntent"
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
CONTEXT_CONFIDENCE = 0.9  # a value answering the question just asked
SWITCH_CONFIDENCE = 0.8  # what another task intent needs to override an elicitation
MAX_BARE_PLACE_WORDS = 5


def training_examples(model: BotModel) -> list[tuple[str, str]]:
    """Every sample utterance with its ``{slot}`` placeholders replaced by type placeholders."""
    examples: list[tuple[str, str]] = []
    for intent in model.intents.values():
        for utterance in intent.utterances:

            def placeholder(match: re.Match[str], intent_name: str = intent.name) -> str:
                parser = model.slot_type_of(intent_name, match.group(1)).parser
                return f" {PLACEHOLDERS[parser]} "

            examples.append((PLACEHOLDER_RE.sub(placeholder, utterance), intent.name))
    return examples


def model_vocabulary(model: BotModel) -> set[str]:
    """Words used by the utterances, which are never read as place names unless capitalised."""
    words: set[str] = set()
    for intent in model.intents.values():
        for utterance in intent.utterances:
            words.update(
                w.strip("?,.!'").lower() for w in PLACEHOLDER_RE.sub(" ", utterance).split()
            )
    return {w for w in words if w}


class EmbeddedNlu:
    """:class:`runtime.nlu.base.NluProvider` that runs in-process in a few milliseconds."""

    name = "embedded"

    def __init__(
        self,
        model: BotModel,
        *,
        today: Callable[[], dt.date] = utc_today,
        threshold: float | None = None,
    ) -> None:
        self.model = model
        self.threshold = model.nlu_confidence_threshold if threshold is None else threshold
        gazetteer = Gazetteer(model.slot_types["City"].values, model_vocabulary(model))
        self.slots = SlotReader(model, gazetteer, today)
        examples = training_examples(model)
        self.classifier = IntentClassifier(examples, temperature=load_temperature(examples))

    def recognize(self, text: str, context: NluContext) -> NluResult:
        """Intent, calibrated confidence and normalised slots (``FallbackIntent`` if unsure)."""
        mentions = self.slots.mentions(text)
        prediction = self.classifier.predict(self.slots.placeholdered(text, mentions))
        intent, confidence = prediction.intent, prediction.confidence
        answer = self._answer_in_context(text, context, mentions)
        if answer is not None and not (
            intent != context.active_intent
            and intent != FALLBACK
            and confidence >= SWITCH_CONFIDENCE
            and len(mentions) < 2
        ):
            assert context.active_intent is not None
            intent_def = self.model.intent(context.active_intent)
            assigned = self.slots.assign_all(intent_def, mentions, context.eliciting_slot)
            for slot in answer.slots:
                assigned.ambiguous.pop(slot, None)
                assigned.unresolved.pop(slot, None)
            return NluResult(
                intent=intent_def.name,
                confidence=max(confidence, CONTEXT_CONFIDENCE),
                slots={**assigned.slots, **answer.slots},
                provider=self.name,
                ambiguous={**assigned.ambiguous, **answer.ambiguous},
                unresolved={**assigned.unresolved, **answer.unresolved},
            )
        if intent == FALLBACK or confidence < self.threshold:
            return NluResult(
                intent=FALLBACK,
                confidence=round(confidence if intent == FALLBACK else 1 - confidence, 4),
                slots={},
                provider=self.name,
            )
        assigned = self.slots.assign_all(self.model.intent(intent), mentions, None)
        return NluResult(
            intent=intent,
            confidence=round(confidence, 4),
            slots=assigned.slots,
            provider=self.name,
            ambiguous=assigned.ambiguous,
            unresolved=assigned.unresolved,
        )

    def _answer_in_context(
        self, text: str, context: NluContext, mentions: list[Mention]
    ) -> Assignment | None:
        """The value of the slot being elicited, when the message supplies one (or a place
        answer that is ambiguous or names nothing: the dialogue asks again, saying why)."""
        if (
            not (context.active_intent and context.eliciting_slot)
            or context.active_intent not in self.model.intents
        ):
            return None
        intent = self.model.intent(context.active_intent)
        slot = intent.slot(context.eliciting_slot)
        if slot is None:
            return None
        parser = self.model.slot_types[slot.type].parser
        assigned = self.slots.assign_all(intent, mentions, slot.name)
        if slot.name in assigned.slots:
            return Assignment({slot.name: assigned.slots[slot.name]})
        if slot.name in assigned.ambiguous:
            return Assignment({}, ambiguous={slot.name: assigned.ambiguous[slot.name]})
        stripped = text.strip().rstrip(".!")
        bare: SlotValue | None = None
        if parser == "duration":
            bare = parse_duration(stripped)
        elif parser == "money":
            bare = parse_money(stripped)
        elif parser == "place" and len(stripped.split()) <= MAX_BARE_PLACE_WORDS:
            return self._bare_place(slot.name, stripped, mentions)
        return Assignment({slot.name: bare}) if bare is not None else None

    def _bare_place(self, slot: str, text: str, mentions: list[Mention]) -> Assignment | None:
        """A bare answer to "Where would you like to go?" ("Kyoto", "portland maine")."""
        reading = self.slots.gazetteer.read(text)
        if reading.name is not None:
            return Assignment({slot: reading.name})
        if reading.candidates:
            return Assignment({}, ambiguous={slot: reading.candidates})
        if len(mentions) == 1 and isinstance(mentions[0].value, UnknownPlace):
            return Assignment({}, unresolved={slot: mentions[0].value.text})
        return None

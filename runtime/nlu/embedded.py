"""The embedded NLU: intent classification and slot filling with no network.

Always available (it is the last fallback behind Lex and Dialogflow) and small enough for a
Lambda package: a calibrated naive Bayes learned from the bot model at start-up, plus the slot
reader's gazetteer and normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from runtime.model import BotModel, Intent
from runtime.nlu.artefact import load_temperature
from runtime.nlu.classifier import IntentClassifier
from runtime.nlu.closed_class import closed_class
from runtime.nlu.entities import Mention, parse_duration, parse_money
from runtime.nlu.fragments import trip_fragment
from runtime.nlu.gazetteer import Gazetteer
from runtime.nlu.in_context import accepts, answers_in_context
from runtime.nlu.slots import PLACEHOLDERS, SlotReader, utc_today
from runtime.nlu.task_words import asks_weather
from runtime.nlu.text import without_fillers
from runtime.types import NluContext, NluResult, SlotValue

FALLBACK = "FallbackIntent"
NAMED = "OutOfScope"  # the intent whose slots say what a message names: places and a date
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
CONTEXT_CONFIDENCE = 0.9  # a value answering the question just asked
RIVAL_AT = 0.4  # below the threshold, but a guess for another task worth heeding
RULE_CONFIDENCE = 0.95  # a message made only of greeting, thanks, cancel or goodbye phrases
FRAGMENT_CONFIDENCE = 0.8  # a place and a trip purpose the classifier could not place
WEATHER = "CheckWeather"
FRAGMENT_INTENT = "PlanTrip"  # what a verb-less trip fragment asks for ("munich for oktoberfest")
MAX_BARE_PLACE_WORDS = 5  # "portland maine", "saint pierre and miquelon"
HEDGED_SUM_RE = re.compile(
    r"^(?:(?:about|around|roughly|approximately|approx\.?|maybe|max(?:imum)?|up to|under"
    r"|no more than|at most|~)\s*)+(?P<sum>.+?)$"
    r"|^(?P<sum2>.+?)\s+(?:max(?:imum)?|tops|or so|total|in total|at most|at the most)$",
    re.IGNORECASE,
)
"""A sum hedged before or after ("about 8k", "8000 tops"), as an answer to the budget question."""


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
        """Intent, calibrated confidence and normalised slots (``FallbackIntent`` if unsure).

        A message made only of closed-class phrases ("hey there", "thanks so much", "cancel")
        is read by rule (:mod:`runtime.nlu.closed_class`). A message that supplies slots of the
        task at hand (or of an offer it accepts, or of a task answered earlier) and asks for
        nothing else is read as an answer to that task (:mod:`runtime.nlu.in_context`). A
        message the classifier cannot place (or guesses is about the weather without a word of
        it) that is a verb-less trip fragment ("munich for oktoberfest") is a plan to its place
        (:mod:`runtime.nlu.fragments`), unless it answers the question being asked.
        """
        rule = closed_class(text)
        if rule is not None and rule in self.model.intents:  # "hey there", "thanks so much!"
            return NluResult(intent=rule, confidence=RULE_CONFIDENCE, slots={}, provider=self.name)
        mentions = self.slots.mentions(text)
        prediction = self.classifier.predict(self.slots.placeholdered(text, mentions))
        intent, confidence = prediction.intent, prediction.confidence
        unplaced = intent == FALLBACK or confidence < self.threshold
        # A weather guess without a word of the weather is no weather question (the dialogue
        # reads it again too): "lapland for the northern lights" may be a trip fragment.
        guessed = intent == WEATHER and not asks_weather(text)
        fragment = self._trip_fragment(text, mentions) if unplaced or guessed else None
        answer = self._in_context(
            text, context, mentions, intent, confidence, fragment=fragment is not None
        )
        if answer is not None:
            return answer
        if fragment is not None:
            return fragment
        if unplaced:
            return NluResult(
                intent=FALLBACK,
                confidence=round(confidence if intent == FALLBACK else 1 - confidence, 4),
                slots={},
                provider=self.name,
                mentioned=self._mentioned(mentions, text),
            )
        known = context.slots if intent == context.active_intent else {}
        known = known or context.answered.get(intent, {})
        reading = self.slots.read(self.model.intent(intent), mentions, text, known=known)
        return NluResult(
            intent=intent,
            confidence=round(confidence, 4),
            slots=reading.slots,
            provider=self.name,
            ambiguous=reading.ambiguous,
            unresolved=reading.unresolved,
        )

    def _trip_fragment(self, text: str, mentions: list[Mention]) -> NluResult | None:
        """A message the classifier could not place, read as a plan when it is a verb-less
        trip fragment ("munich for oktoberfest", :mod:`runtime.nlu.fragments`) whose place fills
        the destination, names several places (the dialogue asks which one) or names none (the
        dialogue says so); None otherwise."""
        if FRAGMENT_INTENT not in self.model.intents:
            return None
        place = trip_fragment(text, mentions)
        if place is None:
            return None
        reading = self.slots.read(self.model.intent(FRAGMENT_INTENT), mentions, text)
        if "destination" not in reading.taken:
            return None
        return NluResult(
            intent=FRAGMENT_INTENT,
            confidence=FRAGMENT_CONFIDENCE,
            slots=reading.slots,
            provider=self.name,
            ambiguous=reading.ambiguous,
            unresolved=reading.unresolved,
        )

    def _mentioned(self, mentions: list[Mention], text: str) -> dict[str, SlotValue]:
        """The places and date of a message not understood, in the roles their cues give
        ("from Paris to Lyon" → origin and destination), read as an out-of-scope request's."""
        if NAMED not in self.model.intents or not mentions:
            return {}
        return self.slots.read(self.model.intent(NAMED), mentions, text).slots

    def _expected(self, text: str, context: NluContext) -> list[str]:
        """The tasks a message may answer, in turn: an accepted offer, then the task at hand,
        then the tasks answered earlier, the latest first. A yes that fills nothing of the offer
        may still change the task in hand ("ok, we have 1200 now" after a plan that offered
        flights)."""
        found = []
        if context.offered_intent in self.model.intents and accepts(without_fillers(text)):
            found.append(context.offered_intent)
        if context.active_intent in self.model.intents:
            found.append(context.active_intent)
        found += [name for name in reversed(context.answered) if name in self.model.intents]
        return [str(name) for name in dict.fromkeys(found)]

    def _in_context(
        self,
        text: str,
        context: NluContext,
        mentions: list[Mention],
        predicted: str,
        confidence: float,
        *,
        fragment: bool = False,
    ) -> NluResult | None:
        """The message as an answer to the first expected task it fills a slot of, or None
        when it is no such answer (a trip ``fragment`` only as :meth:`_answer` allows)."""
        for expected in self._expected(text, context):
            answer = self._answer(
                text, context, mentions, expected, predicted, confidence, fragment=fragment
            )
            if answer is not None:
                return answer
        return None

    def _answer(
        self,
        text: str,
        context: NluContext,
        mentions: list[Mention],
        expected: str,
        predicted: str,
        confidence: float,
        *,
        fragment: bool = False,
    ) -> NluResult | None:
        """The message as an answer to task ``expected``, or None when it is not one.

        A trip ``fragment`` ("munich for oktoberfest") is an answer when it fills the slot being
        asked for ("Where are you flying to?"), when it changes a plan, or when it says more to
        an accepted offer; its purpose words ask for nothing else. Otherwise it is a trip of
        its own, not a refinement of another task ("munich for oktoberfest" after the weather in
        Munich is a trip, not the weather again)."""
        intent = self.model.intent(expected)
        active = expected == context.active_intent
        eliciting = context.eliciting_slot if active and not context.completed else None
        known = context.slots if active else context.answered.get(expected, {})
        focus = context.focus_slot if active and context.completed else None
        reading = self.slots.read(
            intent, mentions, text, eliciting=eliciting, known=known, focus=focus
        )
        unsure = predicted in (expected, FALLBACK) or confidence < self.threshold
        if not reading.taken and eliciting and not mentions and unsure:
            earlier = context.answered.get(expected, {}).get(eliciting)
            bare = self._bare_value(text, intent, eliciting, earlier)
            if bare is not None:
                reading.slots[eliciting] = bare
        if fragment:
            taken = reading.taken
            answers = (eliciting or "") in taken or expected in (
                FRAGMENT_INTENT,
                context.offered_intent,
            )
            if not taken or not answers:
                return None
        elif not reading.taken or not answers_in_context(
            text,
            mentions,
            expected=expected,
            predicted=predicted,
            confidence=confidence,
            threshold=self.threshold,
            rival=confidence >= RIVAL_AT
            and predicted in self.model.intents
            and bool(self.model.intent(predicted).slots),
        ):
            return None
        return NluResult(
            intent=expected,
            confidence=round(
                max(confidence if predicted == expected else 0.0, CONTEXT_CONFIDENCE), 4
            ),
            slots=reading.slots,
            provider=self.name,
            ambiguous=reading.ambiguous,
            unresolved=reading.unresolved,
        )

    def _bare_value(
        self, text: str, intent: Intent, slot_name: str, earlier: SlotValue | None = None
    ) -> SlotValue | None:
        """The whole message as the value of the slot being asked for ("5", "1500", "Lima"); a
        bare amount keeps the currency of the slot's ``earlier`` value, if it had one."""
        slot = intent.slot(slot_name)
        if slot is None:
            return None
        parser = self.model.slot_types[slot.type].parser
        stripped = without_fillers(text)
        if parser == "duration":
            return parse_duration(stripped)
        if parser == "money":
            currency = str(
                (earlier.get("currency") if isinstance(earlier, dict) else None) or "USD"
            )
            hedged = HEDGED_SUM_RE.match(stripped)
            while hedged is not None:  # "around 8000 tops": both sides
                stripped = hedged["sum"] or hedged["sum2"]
                hedged = HEDGED_SUM_RE.match(stripped)
            return parse_money(stripped, default_currency=currency)
        if parser == "place" and len(stripped.split()) <= MAX_BARE_PLACE_WORDS:
            return self.slots.gazetteer.resolve(stripped)
        return None

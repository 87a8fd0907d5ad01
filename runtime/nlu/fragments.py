"""Verb-less trip fragments: "munich for oktoberfest", "nepal trekking", "vienna christmas markets".

Travellers often name a place and why they go, with no verb: an event ("edinburgh for
hogmanay"), an activity ("maldives diving"), a season ("munich in winter"), an occasion ("lisbon
for my 40th") or a trip word ("patagonia hiking trip"). A classifier trained on whole requests
cannot place such a message (or guesses it is about the weather, with no word of the weather in
it); a travel agent hears a trip being planned. So such a message is a trip to its place
(:func:`trip_fragment`) when:

- it names exactly one place, not as where the traveller comes from ("from Lyon for christmas");
- the words around the place read as a trip purpose: a phrase of :data:`PURPOSES` (events,
  activities, seasons, occasions, ways of travelling, trip words), or a short noun phrase after
  "<place> for" ("tokyo for work"), which in travel talk says why one goes there;
- it is a fragment, not a sentence: no subject pronoun, no form of "be", "have" or "do", no
  modal, no question word, no negation, and no verb saying where someone lives ("I live in
  Paris", "my sister is in Rome for easter", "paris is lovely in the spring", "when is
  oktoberfest in munich?" all keep the reading they had);
- it is short (a fragment, not a paragraph).

A question about a place that is not a trip ("history of Rome") has no purpose and stays
unplaced (the dialogue offers a plan). :func:`trip_purpose` answers the same question without
the place's position, for a cloud NLU's reading (then only a phrase of :data:`PURPOSES` will do).
What the dialogue does with the trip (ask which place an ambiguous name means, say that a name
names nothing, keep a fragment that answers the question being asked with the task in hand) is
decided where it always is; :mod:`runtime.nlu.embedded` only reads the fragment as a plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from runtime.nlu.entities import Mention
from runtime.nlu.place_words import ORIGIN_CUES
from runtime.nlu.text import Token, tokenize


def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.split()) for p in text.split("|") if p.strip())


PURPOSES = _phrases(
    """
    trip | holiday | vacation | getaway | break | city break | weekend away | long weekend |
    tour | touring | itinerary | adventure | escape | retreat | excursion | day trip |
    road trip | roadtrip | journey | staycation | honeymoon | babymoon | pilgrimage |
    expedition | sabbatical | gap year | travels | travelling | traveling | visit | stay |
    festival | fest | fiesta | carnival | carnaval | oktoberfest | mardi gras | christmas |
    xmas | christmas market | new year | nye | new year eve | hogmanay | easter | halloween |
    thanksgiving | diwali | holi | songkran | hanami | cherry blossom | ramadan | eid |
    hanukkah | lunar new year | chinese new year | day of the dead | pride | marathon |
    grand prix | world cup | olympics | concert | gig | fireworks | parade | expo |
    conference | wedding | birthday | anniversary | stag do | hen do | bachelor party |
    bachelorette | reunion | graduation | spring break | spring training | midsummer |
    solstice | northern lights | aurora | eclipse | fringe | full moon party | lantern |
    backpacking | backpack | trekking | trek | hiking | hike | walking holiday | climbing |
    mountaineering | skiing | ski | snowboarding | surfing | surf | diving | scuba |
    snorkelling | snorkeling | sailing | kayaking | rafting | cycling | biking | camping |
    glamping | safari | island hopping | sightseeing | shopping | wine | wine tasting |
    winery | vineyards | food tour | foodie | nightlife | clubbing | beach | beaches |
    sunbathing | golf | golfing | fishing | birdwatching | wildlife | whale watching | spa |
    wellness | yoga | museums | galleries | temples | ruins | by train | by rail | interrail |
    interrailing | by car | campervan | motorhome | cruise |
    summer | winter | spring | autumn | fall | off season | high season | ski season |
    summer holidays | school holidays | half term
    """
)
"""Words that say why (or when, or how) a traveller goes somewhere: trip words, events and
holidays, occasions, activities, ways of travelling and seasons; plurals are read as singulars."""

SENTENCE_WORDS = frozenset(
    """
    i i'm im i've ive i'd i'll we we're we've we'd we'll he she they he's she's they're you're
    you it's that's there's
    is are was were am be been being isn't aren't wasn't weren't
    has have had hasn't haven't do does did don't doesn't didn't
    can could will would should shall must might can't couldn't won't wouldn't shouldn't
    what what's whats who who's where where's when why how how's which whose
    not never no nothing hate hated
    live lives lived living born grew raised moved based reside resides
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that make a message a sentence (a statement, a question, a negation) or say where
someone lives, rather than a trip fragment."""

OPENERS = re.compile(r"^\W*(?:what about|how about|thinking(?: of| about)?|maybe|perhaps)\b", re.I)
"""Openings that propose a trip rather than ask ("what about munich for oktoberfest?")."""

NOT_PURPOSES = frozenset(
    """
    sure real now example instance once good ever free nothing it that this what which them me
    you him her us a an the
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words after "<place> for" that make an idiom ("for sure", "for now"), not a purpose."""

MAX_WORDS = 10
"""Words besides the place: a fragment, not a paragraph."""
MAX_PLACE_WORDS = 4
"""Words a place's name may take ("rothenburg ob der tauber"), when its span is not known."""
MAX_FOR_PHRASE = 4
"""Words of a purpose after "<place> for" ("for the balloon fiesta", "for my 40th")."""


def _forms(word: str) -> tuple[str, ...]:
    """The word and its singular forms ("markets" → "market", "beaches" → "beach")."""
    word = word.removesuffix("'s").removesuffix("'")
    forms = [word]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
        if word.endswith("es"):
            forms.append(word[:-2])
        if word.endswith("ies"):
            forms.append(word[:-3] + "y")
    return tuple(forms)


def _has_purpose(words: Sequence[str]) -> bool:
    """True when a run of ``words`` spells a phrase of :data:`PURPOSES` (in singular forms)."""
    forms = [_forms(w) for w in words]
    longest = max(len(p) for p in PURPOSES)
    for start in range(len(words)):
        for size in range(1, min(longest, len(words) - start) + 1):
            window = forms[start : start + size]
            if any(
                len(phrase) == size and all(p in f for p, f in zip(phrase, window, strict=True))
                for phrase in PURPOSES
            ):
                return True
    return False


def _for_phrase(after: Sequence[Token]) -> bool:
    """True when the words after the place are "for" and a short noun phrase of a purpose."""
    if len(after) < 2 or after[0].text != "for" or len(after) > MAX_FOR_PHRASE + 1:
        return False
    phrase = [t.text for t in after[1:]]
    return phrase[0] not in NOT_PURPOSES or (len(phrase) > 1 and phrase[0] in ("a", "the"))


def trip_purpose(text: str, place: tuple[int, int] | None = None) -> bool:
    """True when ``text`` is a trip fragment around the place at ``place`` (its span): short,
    no sentence, and a purpose (see the module docstring). Without the span (a cloud NLU's
    reading, whose place has no position) every word counts, and only a purpose word will do."""
    start, end = place or (0, 0)
    opened = OPENERS.sub(lambda m: " " * len(m.group()), text)
    words = [t for t in tokenize(opened) if not start <= t.start < end]
    if not words or len(words) > MAX_WORDS + (0 if place else MAX_PLACE_WORDS):
        return False
    if any(t.text in SENTENCE_WORDS for t in words):
        return False
    if _has_purpose([t.text for t in words]):
        return True
    return place is not None and _for_phrase([t for t in words if t.start >= end])


def trip_fragment(text: str, mentions: Sequence[Mention]) -> Mention | None:
    """The place a verb-less trip fragment is about, or None when ``text`` is no such fragment
    (see the module docstring)."""
    places = [m for m in mentions if m.kind == "place"]
    if len(places) != 1 or places[0].cue in ORIGIN_CUES:
        return None
    place = places[0]
    return place if trip_purpose(text, (place.start, place.end)) else None

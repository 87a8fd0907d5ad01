"""The words the gazetteer reads places by: cue words before a place, words of everyday talk
that are never place names on their own, and words a place name may start with."""

from __future__ import annotations

DESTINATION_CUES = frozenset(
    {
        "to",
        "in",
        "for",
        "at",
        "visit",
        "visiting",
        "around",
        "near",
        "into",
        "about",
        "of",
        "towards",
        "see",
    }
)
ORIGIN_CUES = frozenset({"from", "leaving", "departing", "depart", "departure", "ex"})
CUES = DESTINATION_CUES | ORIGIN_CUES
UNKNOWN_CUES = frozenset({"to", "in", "from", "visit", "visiting"})
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    get go going good great had has have having he her here hers him his how i if in into is it
    its just know like me more most my no nor not now of off ok okay on once only or other our
    out over own please same she should so some such than thank thanks that the their them then
    there these they this those through time to too under until up very want was we well were
    what when where which while who whom why will with would yes yet you your yours day days
    week weeks night nights month weekend long trip travel flight flights weather hello hi hey
    help bye cheap best next last first new old big small fine sure way back home city
    town place beach sun rain snow hot cold warm summer winter spring autumn fall holiday
    vacation tour january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday today tomorrow
    tonight morning evening afternoon
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Words a place name may start with although they are stop words ("The Hague", "Los Angeles").
NAME_STARTS = frozenset({"the", "new", "la", "le", "el", "los", "las", "san", "st", "saint"})
#: Words after which "to" introduces a verb, not a destination ("need to acclimatise").
INFINITIVE_VERBS = frozenset(
    """
    need needs want wants wanted have has had got hope hoping try trying like love would able
    how plan planning ought used
    """.split()  # noqa: SIM905 - a word list reads better as text
)

"""Typo resolution: how the places matcher treats generated misspellings of destinations.

Targets are the places travellers go, as the index marks them (protected: curated
destinations, the bot model's cities, countries, regions and islands) whose name resolves to
them and has at least ``MIN_LETTERS`` letters. Each target gets one misspelling of each kind
people make, at a position drawn by a generator seeded with ``--seed`` and the target's name
(so a target gets the same misspellings whatever else the index holds, and two builds of the
index are compared on the same typos of the targets they share; the first letter is kept, as
people rarely get it wrong and the matcher assumes it): a dropped letter, a doubled letter, two
neighbouring letters swapped, two letters swapped across a third ("chigaco"), a letter
replaced by its neighbour on a QWERTY keyboard, a vowel replaced by another. A misspelling
that is itself a name in the index or an English word is skipped (it is no typo to the
matcher).

Each misspelling is looked up with :meth:`runtime.places.lookup.Places.typo` and counted
*right* (the target), *wrong* (another place) or *abstained* (``None``: ambiguous or too
far). Wrong answers cost a wrong plan; abstaining costs a question, so wrong must stay near
zero. Prints a sample of the wrong ones, then one JSON object as the last line.
Run: ``python -m bench.typos [--seed N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from runtime.places.keys import fold_key
from runtime.places.layout import PLACE_PROTECTED
from runtime.places.lookup import Places

MIN_LETTERS = 5
VOWELS = "aeiou"
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOURS = {
    letter: "".join(
        r[j]
        for r in _ROWS[max(0, i - 1) : i + 2]
        for j in range(max(0, row.index(letter) - 1), row.index(letter) + 2)
        if j < len(r) and r[j] != letter
    )
    for i, row in enumerate(_ROWS)
    for letter in row
}


def _letters(key: str) -> list[int]:
    """Positions of the letters a typo may touch (never the first)."""
    return [i for i, c in enumerate(key) if c.isalpha() and i > 0]


def _drop(key: str, rng: random.Random) -> str | None:
    i = rng.choice(_letters(key))
    return key[:i] + key[i + 1 :]


def _double(key: str, rng: random.Random) -> str | None:
    i = rng.choice(_letters(key))
    return key[: i + 1] + key[i:]


def _swap(key: str, rng: random.Random, gap: int) -> str | None:
    spots = [i for i in _letters(key) if i + gap < len(key) and key[i + gap].isalpha()]
    spots = [i for i in spots if key[i] != key[i + gap] and " " not in key[i : i + gap + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    chars = list(key)
    chars[i], chars[i + gap] = chars[i + gap], chars[i]
    return "".join(chars)


def _neighbour(key: str, rng: random.Random) -> str | None:
    i = rng.choice(_letters(key))
    return key[:i] + rng.choice(NEIGHBOURS[key[i]]) + key[i + 1 :]


def _vowel(key: str, rng: random.Random) -> str | None:
    spots = [i for i in _letters(key) if key[i] in VOWELS]
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + rng.choice(VOWELS.replace(key[i], "")) + key[i + 1 :]


KINDS: dict[str, Callable[[str, random.Random], str | None]] = {
    "drop": _drop,
    "double": _double,
    "swap": lambda key, rng: _swap(key, rng, 1),
    "swap_apart": lambda key, rng: _swap(key, rng, 2),
    "keyboard": _neighbour,
    "vowel": _vowel,
}


def targets(places: Places) -> Iterator[tuple[str, str]]:
    """(key, canonical name) of every protected place its own short name resolves to."""
    index = places.index
    if index is None:
        return
    seen: set[str] = set()
    for place_id in range(index.size):
        if not index.place_flags(place_id) & PLACE_PROTECTED:
            continue
        key = fold_key(index.short_name(place_id))
        if key in seen or len(key.replace(" ", "")) < MIN_LETTERS or not key.isascii():
            continue
        seen.add(key)
        resolution = places.lookup(key)
        if resolution is not None and resolution.name == index.name(place_id):
            yield key, resolution.name


def main(argv: Sequence[str] | None = None) -> int:
    """Generate, look up and count; print the wrong ones and the JSON summary."""
    parser = argparse.ArgumentParser(description="typo resolution on generated misspellings")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=40, help="wrong answers to print")
    args = parser.parse_args(argv)
    places = Places()
    if not places.available:
        print("no places index: run make install", file=sys.stderr)
        return 1
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    wrong: list[str] = []
    for key, name in targets(places):
        rng = random.Random(f"{args.seed}:{key}")
        for kind, make in KINDS.items():
            typo = make(key, rng)
            if not typo or typo == key or places.lookup(typo) or places.english_word(typo):
                continue
            resolution = places.typo(typo)
            got = resolution.name if resolution is not None else None
            outcome = "abstained" if got is None else "right" if got == name else "wrong"
            counts[kind][outcome] += 1
            if outcome == "wrong":
                wrong.append(f"{typo!r} ({kind}, of {name}): {got}")
    for line in wrong[: args.show]:
        print(line)
    total: Counter[str] = sum(counts.values(), Counter())
    summary = {
        "benchmark": "generated typos",
        "seed": args.seed,
        "typos": sum(total.values()),
        **{k: total[k] for k in ("right", "wrong", "abstained")},
        "per_kind": {kind: dict(sorted(c.items())) for kind, c in counts.items()},
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

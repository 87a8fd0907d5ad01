"""Sound keys: spellings of one pronunciation share a key, different names do not."""

from __future__ import annotations

import pytest

from runtime.places.sound import sound_key


@pytest.mark.parametrize(
    ("heard", "name"),
    [
        ("cancoon", "cancun"),
        ("edinborough", "edinburgh"),
        ("morroco", "morocco"),
        ("mozambik", "mozambique"),
        ("philadelfia", "philadelphia"),
        ("marrakesh", "marrakech"),
    ],
)
def test_spellings_of_one_pronunciation_share_a_key(heard: str, name: str) -> None:
    assert sound_key(heard) == sound_key(name)


@pytest.mark.parametrize(
    ("one", "other"),
    [("cancun", "canton"), ("chicago", "chico"), ("blorp", "blora"), ("paris", "perth")],
)
def test_names_that_sound_different_have_different_keys(one: str, other: str) -> None:
    assert sound_key(one) != sound_key(other)


def test_the_first_letter_is_kept_and_later_vowels_dropped() -> None:
    assert sound_key("oslo") == "osl"
    assert sound_key("hanoi") == "hn"


def test_an_empty_key_has_an_empty_sound() -> None:
    assert sound_key("") == ""

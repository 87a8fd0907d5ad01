"""The quick-reply and card schema (``runtime/rich_reply.py``): the examples the browser tests
feed the page pass it, and each kind of mistake a server could make is named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from runtime.rich_reply import problems
from tests.support.rich_replies import (
    EXAMPLES,
    FLIGHT,
    MONTH_WEATHER,
    PLAN,
    WEATHER,
    contract_body,
)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_the_page_is_tested_with_fits_the_schema(name: str) -> None:
    # GIVEN a response the browser tests feed the page WHEN it is checked THEN nothing is wrong
    assert problems(EXAMPLES[name]) == []


def test_a_plain_reply_without_structured_fields_fits_the_schema() -> None:
    # GIVEN today's response (no quickReplies, no cards) WHEN checked THEN it is fine as it is
    assert problems(contract_body("Hello!")) == []


def broken(body: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(body)
    change(copied)
    return copied


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (broken(PLAN, lambda b: b["quickReplies"].append({"label": "", "message": "x"})), "label"),
        (
            broken(PLAN, lambda b: b.update(quickReplies=[{"label": "x" * 41, "message": "x"}])),
            "40",
        ),
        (broken(PLAN, lambda b: b.update(quickReplies=[{"label": "a", "message": "m"}] * 7)), "6"),
        (broken(PLAN, lambda b: b["cards"][0].update(days=[])), "days"),
        (broken(PLAN, lambda b: b["cards"][0]["budget"].update(currency="dollars")), "ISO 4217"),
        (broken(PLAN, lambda b: b["cards"][0]["days"][3].update(lastDay=2)), "lastDay"),
        (broken(PLAN, lambda b: b["cards"][0].update(replyText="not in the reply")), "replyText"),
        (broken(FLIGHT, lambda b: b["cards"][0].update(date="14/03/2031")), "ISO date"),
        (broken(FLIGHT, lambda b: b["cards"][0].update(url="javascript:alert(1)")), "url"),
        (broken(WEATHER, lambda b: b["cards"][0].update(precipitationChance=120)), "between"),
        (broken(WEATHER, lambda b: b.update(cards=[b["cards"][0]] * 4)), "at most 3"),
        (broken(WEATHER, lambda b: b.update(cards=["weather"])), "object"),
        (broken(MONTH_WEATHER, lambda b: b["cards"][0].update(month="2031-13")), "YYYY-MM"),
        (broken(WEATHER, lambda b: b["cards"][0].update(month="2031-03")), "not both"),
    ],
    ids=[
        "empty label",
        "long label",
        "too many quick replies",
        "plan without days",
        "currency not a code",
        "stretch ending before it starts",
        "replyText not in reply",
        "flight date not ISO",
        "script URL",
        "chance over 100",
        "too many cards",
        "card not an object",
        "month not YYYY-MM",
        "a date and a month",
    ],
)
def test_each_kind_of_mistake_is_named(body: dict[str, Any], says: str) -> None:
    # GIVEN a response that breaks the schema in one way WHEN it is checked
    found = problems(body)
    # THEN exactly one problem is reported, naming what is wrong
    assert len(found) == 1, found
    assert says in found[0]

"""Pure listing rules: what a listing is now (effective status), what visitors see, status
changes, and every problem check_listing can find."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.listings import rules

TODAY = date(2026, 6, 15)
YESTERDAY = TODAY - timedelta(days=1)
NEXT_MONTH = TODAY + timedelta(days=30)


@pytest.mark.parametrize(("status", "available_to", "left", "expected"), [
    ("published", NEXT_MONTH, 100, "published"),
    ("published", TODAY, 100, "published"),  # still on sale on its last day
    ("published", YESTERDAY, 100, "expired"),
    ("published", YESTERDAY, 0, "expired"),  # past its window wins over nothing left
    ("published", NEXT_MONTH, 0, "sold_out"),
    ("published", NEXT_MONTH, -1, "sold_out"),
    ("paused", YESTERDAY, 100, "expired"),
    ("paused", NEXT_MONTH, 0, "paused"),
    ("draft", YESTERDAY, 100, "draft"),
    ("draft", NEXT_MONTH, 0, "draft"),
    ("sold_out", NEXT_MONTH, 100, "sold_out"),
    ("sold_out", YESTERDAY, 0, "sold_out"),
    ("expired", NEXT_MONTH, 100, "expired"),
])
def test_effective_status(status, available_to, left, expected):
    assert rules.effective_status(status, available_to, left, TODAY) == expected


@pytest.mark.parametrize(("status", "available_to", "left", "expected"), [
    ("published", NEXT_MONTH, 100, True),
    ("published", TODAY, 0.5, True),
    ("published", YESTERDAY, 100, False),
    ("published", NEXT_MONTH, 0, False),
    ("draft", NEXT_MONTH, 100, False),
    ("paused", NEXT_MONTH, 100, False),
    ("sold_out", NEXT_MONTH, 100, False),
])
def test_is_public(status, available_to, left, expected):
    assert rules.is_public(status, available_to, left, TODAY) is expected


# Status changes tried here, by the status they start from: {action: the new status, or None where it
# is refused}.
MOVES = {
    "draft": {"publish": "published", "pause": None, "sold_out": None, "unpublish": None},
    "published": {"pause": "paused", "sold_out": "sold_out", "unpublish": "draft", "publish": None, "delete": None},
    "paused": {"publish": "published", "sold_out": "sold_out", "pause": None},
    "sold_out": {"publish": "published", "sold_out": None},
    "expired": {"publish": "published", "unpublish": "draft"},
}


@pytest.mark.parametrize(("current", "action", "expected"), [
    (current, action, expected) for current, moves in MOVES.items() for action, expected in moves.items()])
def test_next_status(current, action, expected):
    assert rules.next_status(current, action) == expected


def check(**overrides) -> dict[str, list[str]]:
    values = dict(quantity=1000.0, min_order=100.0, price_vnd=38000, price_negotiable=False,
                  available_from=TODAY, available_to=NEXT_MONTH, texts={"variety": "cát Chu"},
                  today=TODAY, publishing=True)
    values.update(overrides)
    return rules.check_listing(**values).fields


def test_a_good_listing_has_no_problem():
    problems = rules.check_listing(quantity=1000.0, min_order=None, price_vnd=None, price_negotiable=True,
                                   available_from=TODAY, available_to=TODAY, texts={}, today=TODAY,
                                   publishing=True)
    assert not problems
    assert problems.fields == {}


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"quantity": None}, {"quantity": ["required"]}),
    ({"quantity": 0.0, "min_order": None}, {"quantity": ["positive"]}),
    ({"quantity": -5.0, "min_order": None}, {"quantity": ["positive"]}),
    ({"quantity": rules.MAX_QUANTITY + 1.0}, {"quantity": ["too_large"]}),
    ({"min_order": 0.0}, {"min_order": ["positive"]}),
    ({"min_order": -1.0}, {"min_order": ["positive"]}),
    ({"min_order": 1000.5}, {"min_order": ["above_quantity"]}),
    ({"price_vnd": None}, {"price_vnd": ["price_or_negotiable"]}),
    ({"price_vnd": -1}, {"price_vnd": ["price_range"]}),
    ({"price_vnd": rules.MAX_PRICE_VND + 1}, {"price_vnd": ["price_range"]}),
    ({"available_from": None}, {"available_from": ["required"]}),
    ({"available_to": None}, {"available_to": ["required"]}),
    ({"available_to": TODAY - timedelta(days=40), "available_from": TODAY - timedelta(days=10)},
     {"available_to": ["window_order", "window_past"]}),
    ({"available_from": NEXT_MONTH, "available_to": TODAY}, {"available_to": ["window_order"]}),
    ({"available_from": TODAY - timedelta(days=10), "available_to": YESTERDAY}, {"available_to": ["window_past"]}),
    ({"texts": {"variety": "x" * 121}}, {"variety": ["too_long"]}),
    ({"texts": {"grade": "x" * 61}}, {"grade": ["too_long"]}),
    ({"texts": {"delivery_area": "x" * 301}}, {"delivery_area": ["too_long"]}),
    ({"texts": {"description": "x" * 4001}}, {"description": ["too_long"]}),
    ({"texts": {"producer_name": "x" * 121}}, {"producer_name": ["too_long"]}),
    ({"texts": {"product": "x" * 121}}, {"product": ["too_long"]}),
])
def test_each_problem(overrides, expected):
    assert check(**overrides) == expected


@pytest.mark.parametrize(("name", "limit"), sorted(rules.MAX_TEXT.items()))
def test_texts_up_to_their_limit_are_fine(name, limit):
    assert check(texts={name: "x" * limit}) == {}


def test_min_order_equal_to_quantity_is_fine():
    assert check(min_order=1000.0) == {}


def test_price_zero_and_maximum_are_fine():
    assert check(price_vnd=0) == {}
    assert check(price_vnd=rules.MAX_PRICE_VND) == {}


def test_negotiable_price_needs_no_number():
    assert check(price_vnd=None, price_negotiable=True) == {}


def test_a_past_window_is_only_a_problem_when_publishing():
    past = {"available_from": TODAY - timedelta(days=10), "available_to": YESTERDAY}
    assert check(publishing=False, **past) == {}


def test_every_problem_is_reported_at_once():
    problems = check(quantity=0.0, min_order=-1.0, price_vnd=None, available_from=None, available_to=None,
                     texts={"grade": "x" * 61})
    assert set(problems) == {"quantity", "min_order", "price_vnd", "available_from", "available_to", "grade"}

"""The pure rules of an organisation's verification."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.verification import rules

TODAY = today_in_vietnam()


@pytest.mark.parametrize(("current", "action", "reason", "expected"), [
    ("pending", "verify", "", ("active", "verify")),
    ("suspended", "verify", "", ("active", "reinstate")),
    ("active", "suspend", "Quyết định đã hết hiệu lực", ("suspended", "suspend")),
    ("pending", "reject", "Số quyết định không khớp", ("rejected", "reject")),
    ("suspended", "reject", "Giải thể", ("rejected", "reject")),
])
def test_staff_moves(current, action, reason, expected):
    assert rules.next_status(current, action, reason) == expected


@pytest.mark.parametrize(("current", "action", "reason", "key"), [
    ("active", "suspend", "   ", "reason_required"),
    ("pending", "reject", "", "reason_required"),
    ("active", "verify", "", "transition_not_allowed"),
    ("rejected", "verify", "", "transition_not_allowed"),
    ("pending", "suspend", "lý do", "transition_not_allowed"),
    ("pending", "revoke", "lý do", "transition_not_allowed"),
])
def test_refused_moves(current, action, reason, key):
    with pytest.raises(rules.VerificationProblem) as error:
        rules.next_status(current, action, reason)
    assert error.value.key == key


def test_the_badge_is_on_only_while_active():
    assert [s for s in rules.STATUSES if rules.badge_on(s)] == ["active"]


@pytest.mark.parametrize(("typed", "number"), [
    (" 125 / QĐ-UBND ", "125/QĐ-UBND"),
    ("125/QĐ - UBND", "125/QĐ-UBND"),
    ("so  12   qd", "so 12 qd"),
    ("", ""),
])
def test_decision_numbers_as_people_type_them(typed, number):
    assert rules.normalize_number(typed) == number


def test_every_problem_of_a_decision_at_once():
    problems = rules.decision_problems(rules.Decision("", TODAY + timedelta(days=1), None), TODAY)
    assert problems == {"number": "number_empty", "decided_on": "date_future", "commune_query": "commune_empty"}
    assert rules.decision_problems(rules.Decision("x" * 61, None, "30076"), TODAY) == {
        "number": "number_too_long", "decided_on": "date_empty"}
    assert rules.decision_problems(rules.Decision("12/QĐ-UBND", date(2017, 4, 10), "30076"), TODAY) == {}


def test_a_change_is_any_field_but_spacing_of_the_issuer():
    before = rules.Decision("12/QĐ-UBND", date(2017, 4, 10), "30076", "UBND xã Mỹ Xương")
    assert not rules.decision_changed(before, rules.Decision("12/QĐ-UBND", date(2017, 4, 10), "30076",
                                                             "UBND xã Mỹ Xương "))
    assert rules.decision_changed(before, rules.Decision("13/QĐ-UBND", date(2017, 4, 10), "30076", "UBND xã Mỹ Xương"))
    assert rules.decision_changed(before, rules.Decision("12/QĐ-UBND", date(2017, 4, 11), "30076", "UBND xã Mỹ Xương"))


def test_what_is_missing():
    assert rules.missing("club", None, False, False) == ["decision", "scan"]
    assert rules.missing("cooperative", "pending", True, False) == ["scan"]
    assert rules.missing("club", "active", True, True) == []
    assert rules.missing("supermarket", None, False, False) == []  # checked against its tax code

"""The pure rules of tourism: seasons as people type them, visit days, groups, booking moves."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.problems import Problems
from marketplace.tourism import rules

TODAY = date(2027, 6, 10)


@pytest.mark.parametrize(("typed", "months"), [
    ("5-8", [5, 6, 7, 8]), ("5 - 8", [5, 6, 7, 8]), ("5–8", [5, 6, 7, 8]),
    ("tháng 5 đến tháng 8", [5, 6, 7, 8]), ("thang 5 den thang 8", [5, 6, 7, 8]),
    ("từ tháng 12 tới tháng 2", [1, 2, 12]), ("12-2", [1, 2, 12]), ("1, 3, 5", [1, 3, 5]),
    ("5-8; 12", [5, 6, 7, 8, 12]), ("quanh năm", []), ("Quanh nam", []), ("", []), ("1-12", list(range(1, 13))),
])
def test_seasons_are_read_as_typed(typed, months):
    assert rules.parse_months(typed) == months


@pytest.mark.parametrize("typed", ["13", "mùa mưa", "5-", "0-3", "den 5"])
def test_a_season_it_cannot_read_is_refused(typed):
    with pytest.raises(rules.NotMonths):
        rules.parse_months(typed)


def test_a_whole_year_is_stored_as_all_year_and_runs_wrap_the_new_year():
    assert rules.months_text(list(range(1, 13))) == ""
    assert rules.months_text([8, 5, 6, 7]) == "5;6;7;8"
    assert rules.month_runs([12, 1, 2, 5]) == [(12, 2), (5, 5)]
    assert rules.months_typed([1, 2, 5, 12]) == "12-2, 5"
    assert rules.parse_months(rules.months_typed([1, 2, 5, 12])) == [1, 2, 5, 12]


def test_a_visit_day_is_today_or_later_in_season_and_not_too_far():
    assert rules.visit_day_problem(TODAY, [6], TODAY) is None
    assert rules.visit_day_problem(date(2027, 6, 9), [], TODAY) == "past"
    assert rules.visit_day_problem(date(2027, 9, 1), [5, 6, 7, 8], TODAY) == "out_of_season"
    assert rules.visit_day_problem(date(2029, 1, 1), [], TODAY) == "too_far"
    assert rules.visit_day_problem(None, [], TODAY) == "required"


def test_group_sizes():
    assert rules.group_problem(4, 2, 20) is None
    assert rules.group_problem(1, 2, 20) == "below_min"
    assert rules.group_problem(21, 2, 20) == "above_max"
    assert rules.group_problem(0, None, None) == "positive"
    assert rules.group_problem(501, None, None) == "too_large"


def test_an_offer_reports_every_problem():
    problems = Problems()
    rules.check_offer(problems, kind="space_trip", title=" ", months_ok=False, min_group=10, max_group=5,
                      price=-1, texts={"title": "x" * 201})
    assert set(problems.fields) == {"kind", "title", "months", "max_group", "price_per_person_vnd"}


def test_booking_moves():
    assert rules.next_status("requested", "accept", "club") == "accepted"
    assert rules.next_status("requested", "propose", "club") == "proposed"
    assert rules.next_status("proposed", "take", "visitor") == "accepted"
    assert rules.next_status("proposed", "take", "club") is None
    assert rules.next_status("accepted", "cancel", "visitor") == "cancelled"
    assert rules.next_status("declined", "accept", "club") is None
    assert rules.next_offer_status("draft", "publish") == "published"
    assert rules.next_offer_status("draft", "pause") is None
    assert rules.open_bookings_problem(rules.MAX_OPEN_BOOKINGS) == "too_many_open"

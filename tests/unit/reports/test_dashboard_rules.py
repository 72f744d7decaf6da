"""The targets dashboard's period choices and bars (pure)."""

from __future__ import annotations

from datetime import date

from marketplace.reports.dashboard_rules import bar_percent, chosen_period, goal_percent, period_choices


def test_on_10_may_the_half_year_report_is_due_and_listed_first():
    choices = period_choices(date(2027, 5, 10))
    assert [(c.key, c.which) for c in choices] == [
        ("2027-H1", "due"), ("2026-H2", "last_half"), ("2027", "this_year"), ("2026", "last_year")]


def test_in_december_next_year_first_half_is_due():
    choices = period_choices(date(2025, 12, 7))
    assert [(c.key, c.which) for c in choices] == [
        ("2026-H1", "due"), ("2025-H2", "this_half"), ("2025-H1", "last_half"), ("2025", "this_year"),
        ("2024", "last_year")]


def test_in_september_the_annual_report_is_due():
    assert period_choices(date(2026, 9, 1))[0].key == "2026"


def test_a_period_read_as_typed_or_the_one_due():
    today = date(2027, 5, 10)
    assert chosen_period("", today).key == "2027-H1"
    assert chosen_period(None, today).key == "2027-H1"
    assert chosen_period("h2/2026", today).key == "2026-H2"
    assert chosen_period("2025", today).key == "2025"
    assert chosen_period("nam ngoai", today) is None


def test_bars_are_capped_and_say_how_far():
    assert bar_percent(11, 8) == 100 and goal_percent(11, 8) == 138
    assert bar_percent(0, 8) == 0 and bar_percent(4, 8) == 50
    assert bar_percent(14, None) == 100 and goal_percent(14, None) is None
    assert bar_percent(0, None) == 0


def test_pages_open_on_the_report_due_next_once_its_period_has_begun():
    from datetime import date

    from marketplace.reports.periods import default_period

    assert default_period(date(2027, 5, 10)).key == "2027-H1"
    assert default_period(date(2027, 11, 20)).key == "2027"
    assert default_period(date(2027, 12, 7)).key == "2027"  # next year's first half has not begun
    assert default_period(date(2028, 1, 1)).key == "2028-H1"

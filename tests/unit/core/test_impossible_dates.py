"""An impossible date says which part cannot be (issue #16): the form can then name it precisely
("Tháng 2 năm 2026 không có ngày 31") instead of asking for dd/mm/yyyy, which it already is."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.dates import NotADate, parse_date


@pytest.mark.parametrize(("typed", "reason", "day", "month", "year"), [
    ("31/02/2026", "no_such_day", 31, 2, 2026),
    ("29/02/2027", "no_such_day", 29, 2, 2027),  # not a leap year
    ("31/04/2027", "no_such_day", 31, 4, 2027),
    ("32/01/2026", "no_such_day", 32, 1, 2026),
    ("0/01/2026", "no_such_day", 0, 1, 2026),
    ("2026-02-30", "no_such_day", 30, 2, 2026),
    ("30/2", "no_such_day", 30, 2, None),  # no year, and no year has it
    ("2026-13-01", "no_such_month", None, 13, None),
    ("15/13/2026", "no_such_month", None, 13, None),
    ("29/2", "no_year", 29, 2, None),  # a leap day: only the year is missing
    ("15/8", "no_year", 15, 8, None),
    ("1/1/1800", "year_range", None, None, 1800),
    ("hôm qua", "format", None, None, None),
    ("31/08/27", "format", None, None, None),
])
def test_an_impossible_date_says_which_part_cannot_be(typed, reason, day, month, year):
    with pytest.raises(NotADate) as caught:
        parse_date(typed)
    error = caught.value
    assert (error.reason, error.day, error.month, error.year) == (reason, day, month, year)
    assert error.text == typed.strip()


@pytest.mark.parametrize(("typed", "day"), [
    ("29/02/2028", date(2028, 2, 29)), ("31/08/2027", date(2027, 8, 31)), ("2027-08-31", date(2027, 8, 31)),
    ("2027-08-31T10:00", date(2027, 8, 31)), ("20270831", date(2027, 8, 31)), ("1.9.2027", date(2027, 9, 1)),
])
def test_possible_dates_still_read(typed, day):
    assert parse_date(typed) == day

"""formatting.py: one way to write money, quantities, units and dates in each language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace import formatting

MONTH_FIRST = re.compile(r"\b(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{2,4}\b")  # 11/28/26


@pytest.mark.parametrize(("locale", "expected"), [("vi", "38.000 ₫"), ("en", "38,000 ₫")])
def test_money_groups_thousands_the_readers_way_with_one_symbol_placement(locale, expected):
    assert formatting.money(38000, locale) == expected


def test_money_and_numbers_are_empty_for_nothing():
    assert formatting.money(None, "en") == "" and formatting.number(None, "vi") == ""
    assert formatting.quantity(None, "kg", "en") == "" and formatting.day(None, locale="en") == ""


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (5000, "5.000", "5,000"),
        (2.5, "2,5", "2.5"),
        (1234.5678, "1.234,568", "1,234.568"),
        (0, "0", "0"),
    ],
)
def test_numbers_use_each_languages_separators_and_drop_trailing_zeros(value, vi, en):
    assert formatting.number(value, "vi") == vi
    assert formatting.number(value, "en") == en


@pytest.mark.parametrize(
    ("value", "code", "vi", "en"),
    [
        (5000, "kg", "5.000 kg", "5,000 kg"),
        (2, "tấn", "2 tấn", "2 tonnes"),
        (1, "tấn", "1 tấn", "1 tonne"),
        (300, "trái", "300 trái", "300 fruit"),
        (12, "lượt", "12 lượt", "12 visits"),
        (1, "lượt", "1 lượt", "1 visit"),
        (4, "hộp", "4 hộp", "4 boxes"),
        (20, "thùng 10 kg", "20 thùng 10 kg", "20 crates of 10 kg"),
        (7, "bịch", "7 bịch", "7 bịch"),  # a unit kept as typed has no English name: shown as typed
    ],
)
def test_a_quantity_comes_with_its_unit_in_the_readers_language(value, code, vi, en):
    assert formatting.quantity(value, code, "vi") == vi
    assert formatting.quantity(value, code, "en") == en


def test_a_price_per_unit_names_one_unit():
    assert formatting.unit("hộp", locale="en") == "box"
    assert formatting.unit("hộp", locale="vi") == "hộp"
    assert formatting.unit("", locale="en") == ""


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (date(2026, 11, 29), "29/11/2026", "29 Nov 2026"),
        (date(2026, 1, 5), "05/01/2026", "5 Jan 2026"),
        # A stored UTC time late in the evening is already the next day in Vietnam.
        (datetime(2026, 11, 28, 20, 0, tzinfo=UTC), "29/11/2026", "29 Nov 2026"),
    ],
)
def test_dates_are_day_first_with_the_full_year(value, vi, en):
    assert formatting.day(value, locale="vi") == vi
    assert formatting.day(value, locale="en") == en
    # Templates written for Flask-Babel ask for 'short': the same unambiguous form.
    assert formatting.day(value, "short", locale="en") == en


def test_no_date_style_is_month_first():
    for month in range(1, 13):
        for locale in ("vi", "en"):
            written = formatting.day(date(2026, month, 28), "short", locale=locale)
            assert not MONTH_FIRST.search(written), written
            assert "2026" in written


def test_moments_are_on_vietnams_clock():
    moment = datetime(2026, 11, 29, 7, 5, tzinfo=UTC)
    assert formatting.moment(moment, locale="vi") == "14:05 29/11/2026"
    assert formatting.moment(moment, "short", locale="en") == "29 Nov 2026, 14:05"
    # SQLite hands times back without their zone: they are UTC.
    assert formatting.moment(moment.replace(tzinfo=None), locale="en") == "29 Nov 2026, 14:05"


def test_how_long_ago_in_words():
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert formatting.ago(now - timedelta(hours=3), now, locale="en") == "3 hours ago"
    assert formatting.ago(now - timedelta(hours=3), now, locale="vi") == "3 giờ trước"
    assert formatting.ago(None, now, locale="en") == ""


def test_without_a_request_the_language_is_vietnamese():
    assert formatting.language() == "vi"
    assert formatting.language("en_GB") == "en" and formatting.language("fr") == "vi"

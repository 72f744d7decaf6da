"""Numbers and dates as people in Vietnam type them: 2,5 and 1.500, 38k and 1,2tr, 31/08/2027."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from marketplace.dates import NotADate, parse_date, today_in_vietnam
from marketplace.numbers import NotANumber, parse_decimal, parse_vnd


@pytest.mark.parametrize(("typed", "expected"), [
    ("2,5", 2.5),
    ("2.5", 2.5),
    ("1.500", 1500.0),  # Vietnamese thousands
    ("1,500", 1500.0),  # English thousands
    ("1.500.000", 1_500_000.0),
    ("1,500,000", 1_500_000.0),
    ("1.234,5", 1234.5),  # both separators: the last one is the decimal one
    ("1,234.5", 1234.5),
    ("12.345.678,25", 12_345_678.25),
    ("0,75", 0.75),
    ("1,5", 1.5),
    ("1,50", 1.5),
    ("12,345", 12345.0),
    ("1 500", 1500.0),
    (" 42 ", 42.0),
    ("-3", -3.0),
    ("0", 0.0),
    ("", None),
    ("   ", None),
    (None, None),
    (7, 7.0),
    (2.5, 2.5),
    (1.234, 1.234),  # a number from JSON or a sheet cell is taken as it is
])
def test_parse_decimal(typed, expected):
    assert parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "2,5kg", "1..5", "1,2,3.4.5", "nan", "inf", "-inf", "--1", "1e999",
                                   "½", "12a"])
def test_parse_decimal_refuses_what_is_not_a_number(typed):
    with pytest.raises(NotANumber):
        parse_decimal(typed)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), pytest.param(10 ** 400, id="10**400")])
def test_parse_decimal_refuses_numbers_that_are_not_finite(value):
    with pytest.raises(NotANumber):
        parse_decimal(value)


@pytest.mark.parametrize(("typed", "expected"), [
    ("38000", 38_000),
    ("38.000", 38_000),
    ("38,000", 38_000),
    ("38.000đ", 38_000),
    ("38.000 đ", 38_000),
    ("38.000₫", 38_000),
    ("38000 VND", 38_000),
    ("38000vnđ", 38_000),
    ("38000 đồng", 38_000),
    ("38k", 38_000),
    ("38K", 38_000),
    ("38 k", 38_000),
    ("38 nghìn", 38_000),
    ("38 ngàn", 38_000),
    ("12,5k", 12_500),
    ("2.5k", 2_500),
    ("1,2tr", 1_200_000),
    ("1.2tr", 1_200_000),
    ("1,2 triệu", 1_200_000),
    ("2 trieu", 2_000_000),
    ("4,1tr", 4_100_000),
    ("8,2tr", 8_200_000),
    ("16,1k", 16_100),
    ("32,7k", 32_700),
    ("2,05tr", 2_050_000),
    ("0,5tr", 500_000),
    ("1.500.000", 1_500_000),
    ("0", 0),
    ("", None),
    (None, None),
    (38000, 38_000),
    (38000.0, 38_000),
])
def test_parse_vnd(typed, expected):
    amount = parse_vnd(typed)
    assert amount == expected
    assert amount is None or type(amount) is int


def test_every_tenth_of_a_million_is_whole_dong():
    """Float arithmetic must not turn 4,1 triệu into 4.100.000,0000000005 đồng."""
    for tenths in range(1, 1000):
        text = f"{tenths // 10},{tenths % 10}tr"
        assert parse_vnd(text) == tenths * 100_000, text
        text = f"{tenths // 10},{tenths % 10}k"
        assert parse_vnd(text) == tenths * 100, text


@pytest.mark.parametrize("typed", [
    "abc",
    "38,5",  # đồng has no smaller unit
    "38.5",
    "1,2345k",
    "k",
    "tr",
    "38$",
    "38.000 usd",
    38.5,
    pytest.param(10 ** 400, id="10**400"),
    float("inf"),
])
def test_parse_vnd_refuses(typed):
    with pytest.raises(NotANumber):
        parse_vnd(typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("31/08/2027", date(2027, 8, 31)),
    ("2027-08-31", date(2027, 8, 31)),
    ("31.8.2027", date(2027, 8, 31)),
    ("1/9/2027", date(2027, 9, 1)),
    ("01-09-2027", date(2027, 9, 1)),
    (" 31/08/2027 ", date(2027, 8, 31)),
    ("29/02/2028", date(2028, 2, 29)),
    (date(2027, 8, 31), date(2027, 8, 31)),
    (datetime(2027, 8, 31, 14, 30), date(2027, 8, 31)),
    ("", None),
    ("  ", None),
    (None, None),
])
def test_parse_date(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", [
    "31/02/2027",  # no such day
    "29/02/2027",
    "32/08/2027",
    "31/13/2027",
    "08/31/2027",  # month first is not how dates are written here
    "2027/31/08",
    "hôm nay",
    "abc",
    "31/08/27",
    "31-08",
    "2027-02-30",
])
def test_parse_date_refuses(typed):
    with pytest.raises(NotADate):
        parse_date(typed)


def test_not_a_date_is_a_value_error():
    assert issubclass(NotADate, ValueError)
    assert issubclass(NotANumber, ValueError)


def test_today_in_vietnam_is_a_date():
    today = today_in_vietnam()
    assert type(today) is date

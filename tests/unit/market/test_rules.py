"""Price rules: markets read from what people write, prices and ranges as typed, a row's checks,
ISO weeks, medians that stand for nothing below three sellers; the chart's markup."""

from __future__ import annotations

import re
from datetime import date

import pytest

from marketplace.market import chart, rules
from marketplace.problems import Problems


@pytest.mark.parametrize(("typed", "expected"), [
    ("35.000", (35000, 35000)), ("35000", (35000, 35000)), ("35k", (35000, 35000)),
    ("35-42k", (35000, 42000)), ("35 – 42 nghìn", (35000, 42000)), ("35 nghìn", (35000, 35000)),
    ("35.000-42.000đ", (35000, 42000)), ("35k đến 42k", (35000, 42000)), ("38.000đ/kg", (38000, 38000)),
    ("1,2tr", (1200000, 1200000)), ("", (None, None)), (None, (None, None)),
])
def test_prices_as_people_type_them(typed, expected):
    assert rules.read_price_range(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "35,5đ", "k-k"])
def test_text_that_is_no_price(typed):
    with pytest.raises(rules.NotAPrice):
        rules.read_price_range(typed)


@pytest.mark.parametrize(("typed", "code"), [
    ("farm_gate", "farm_gate"), ("Giá tại vườn", "farm_gate"), ("gia tai vuon", "farm_gate"),
    ("chợ đầu mối", "wholesale"), ("Wholesale market", "wholesale"), ("Siêu thị", "supermarket"),
    ("xuat khau", "export"), ("chợ trời", None), ("", None),
])
def test_markets_read_from_what_people_write(typed, code):
    assert rules.market_code(typed) == code


def test_a_price_row_checks():
    found = Problems()
    rules.check_price(found, 42000, 35000)
    assert found.fields == {"price_max_vnd": ["min_above_max"]}
    found = Problems()
    rules.check_price(found, 0, None, low_field="price", high_field="price")
    assert found.fields == {"price": ["positive", "required"]}
    found = Problems()
    rules.check_row(found, market="moon", observed_on=date(2025, 12, 8), today=date(2025, 12, 7),
                    texts={"place": "x" * 201})
    assert found.fields == {"market": ["choice"], "observed_on": ["future"], "place": ["too_long"]}


def test_iso_weeks_start_on_monday():
    # Days in the past: the rules take the day, nothing compares it with today.
    assert rules.week_of(date(2025, 12, 14)) == date(2025, 12, 8)  # a Sunday
    assert rules.week_of(date(2025, 12, 8)) == date(2025, 12, 8)
    assert rules.weeks_back(date(2025, 12, 10), 3) == [date(2025, 11, 24), date(2025, 12, 1), date(2025, 12, 8)]


def test_a_median_needs_three_different_sellers():
    assert rules.seller_median([(1, 30000), (1, 32000), (2, 40000), (2, 41000)]) == (None, 4, 2)
    assert rules.seller_median([(1, 30000), (2, 40000), (3, 50000)]) == (40000, 3, 3)
    assert rules.seller_median([(1, 30000), (2, 40000), (3, 50000), (3, 60000)]) == (45000, 4, 3)
    assert rules.seller_median([]) == (None, 0, 0)


def test_moves_and_thresholds():
    assert rules.change_pct(36000, 30000) == 20
    assert rules.change_pct(36000, None) is None
    assert rules.is_big_move(-15.0, 15) and not rules.is_big_move(14.9, 15) and not rules.is_big_move(None, 15)


def test_the_chart_is_an_accessible_responsive_svg():
    svg = chart.price_chart([chart.Line("Giá tại vườn", (30000, None, 32000, 36000)),
                             chart.Line("Chợ đầu mối <sỉ>", (40000, 41000, 42000, None))],
                            ["16/11", "23/11", "30/11", "07/12"], title="Giá xoài theo tuần", desc="Tăng đều.",
                            y_label="nghìn ₫/kg")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'width="100%"' in svg and 'viewBox="0 0 400 250"' in svg
    assert '<title id="price-chart-title">Giá xoài theo tuần</title>' in svg
    assert 'aria-labelledby="price-chart-title price-chart-desc"' in svg and "<desc" in svg
    assert "&lt;sỉ&gt;" in svg and "<sỉ>" not in svg  # text is escaped
    # a gap splits the first line: its lone first point is a mark only, the next two a line
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4  # 3 points and the legend's sample
    assert re.search(r">36<", svg) or re.search(r">35<", svg)  # ticks in thousands
    assert "07/12" in svg and "16/11" in svg


def test_an_empty_chart_says_so():
    svg = chart.price_chart([], [], title="t", desc="d", y_label="", empty="Chưa có giá")
    assert "Chưa có giá" in svg and "<polyline" not in svg


def test_round_ticks():
    assert chart.nice_ticks(33000, 45000) == [30000, 35000, 40000, 45000]
    assert chart.nice_ticks(100, 100)[0] <= 100 <= chart.nice_ticks(100, 100)[-1]


def test_under_a_thousand_dong_a_kilogram_is_the_thousands_left_out():
    from marketplace.problems import Problems

    found = Problems()
    rules.check_price(found, 35, 42, kg_per_unit=1)
    assert found.fields == {"price_min_vnd": ["thousands"], "price_max_vnd": ["thousands"]}
    for low, high, kg in ((35000, 42000, 1), (500, 600, None), (3_500_000, 4_200_000, 100)):
        fine = Problems()
        rules.check_price(fine, low, high, kg_per_unit=kg)
        assert not fine

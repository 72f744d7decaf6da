"""The sheet registry: dependency order, one place to add a handler, and template examples."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.accounts import rules as accounts_rules
from marketplace.demand import rules as demand_rules
from marketplace.imports import run, services, sheets
from marketplace.imports.handlers.demand import FREQUENCY_ALIASES
from marketplace.imports.readers import normalize_name
from marketplace.numbers import parse_decimal, parse_vnd


def test_sheets_in_dependency_order():
    assert [s.name for s in sheets.SHEETS] == ["organizations", "certificates", "planting_codes", "listings",
                                               "demand", "prices"]
    for spec in sheets.SHEETS:
        assert spec.columns[0].required  # the key column comes first and names the row
        assert all(c.help for c in spec.columns)


def test_every_sheet_has_its_handler_registered_in_one_place():
    assert set(run.HANDLERS) == {"organizations", "certificates", "planting_codes", "listings", "demand",
                                 "prices"}
    assert [s.name for s in services.importable_sheets()] == ["organizations", "certificates",
                                                             "planting_codes", "listings", "demand", "prices"]
    with pytest.raises(ValueError):
        run.handles("unknown_sheet")


def test_example_rows_fit_together():
    today = date(2030, 1, 1)
    orgs = {row[0]: row for row in sheets.ORGANIZATIONS.example_rows(today)}
    assert set(orgs) == {sheets.EXAMPLE_ORG, sheets.EXAMPLE_BUYER}
    assert orgs[sheets.EXAMPLE_ORG][1] == "club"
    assert orgs[sheets.EXAMPLE_BUYER][1] in accounts_rules.BUYER_KINDS  # only a buyer posts a request
    for spec in sheets.SHEETS:
        for row in spec.example_rows(today):
            assert len(row) == len(spec.columns)
            for column, value in zip(spec.columns, row, strict=True):
                assert not column.required or value not in (None, ""), (spec.name, column.name)
    (request,) = [dict(zip(sheets.DEMAND.column_names, row, strict=True))
                  for row in sheets.DEMAND.example_rows(today)]
    assert request["org_ref"] == sheets.EXAMPLE_BUYER
    assert today < request["needed_from"] < request["needed_to"]
    assert FREQUENCY_ALIASES[normalize_name(request["frequency"])] in demand_rules.FREQUENCIES


def test_vietnamese_frequencies_are_understood():
    for words, frequency in (("một lần", "once"), ("Hằng tuần", "weekly"), ("hàng tháng", "monthly"),
                             ("theo mùa", "seasonal"), ("theo vụ", "seasonal")):
        assert FREQUENCY_ALIASES[normalize_name(words)] == frequency


def test_examples_move_with_today():
    listings = sheets.BY_NAME["listings"]
    start = next(c for c in listings.columns if c.name == "available_from")
    assert start.example_on(date(2030, 1, 1)) > date(2030, 1, 1)


def test_numbers_from_cells_are_not_read_as_text():
    # A spreadsheet or JSON number 1.234 is one and a bit, not one thousand two hundred and thirty-four.
    assert parse_decimal(1.234) == 1.234
    assert parse_decimal(5000) == 5000
    assert parse_decimal("1.234") == 1234
    assert parse_vnd(38000) == 38000
    assert parse_vnd(38000.0) == 38000


@pytest.mark.parametrize("mark, example", [
    ("Ví dụ", True), ("ví dụ", True), ("vi du", True), ("x", True), ("có", True), (True, True), (1, True),
    (None, False), ("", False), ("không", False), ("khong", False), ("no", False), (0, False), (False, False),
])
def test_a_row_marked_in_the_example_column_is_an_example(mark, example):
    assert sheets.is_example({"vi_du": mark, "ref": "hq-1"}) is example
    assert sheets.is_example({"example": mark, "ref": "hq-1"}) is example  # the column's English name
    assert sheets.is_example({"ref": "hq-1"}) is False  # a file without the column: nothing is an example
    assert normalize_name("Ví dụ") == sheets.EXAMPLE_COLUMN  # a header typed by hand still matches

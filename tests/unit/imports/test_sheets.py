"""The sheet registry: dependency order, one place to add a handler, and template examples."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.imports import services, sheets
from marketplace.numbers import parse_decimal, parse_vnd


def test_sheets_in_dependency_order():
    assert [s.name for s in sheets.SHEETS] == ["organizations", "certificates", "planting_codes", "listings",
                                               "demand"]
    for spec in sheets.SHEETS:
        assert spec.columns[0].required  # the key column comes first and names the row
        assert all(c.help for c in spec.columns)


def test_demand_has_no_handler_yet_and_handlers_register_in_one_place():
    assert set(services.HANDLERS) == {"organizations", "certificates", "planting_codes", "listings"}
    assert [s.name for s in services.importable_sheets()] == ["organizations", "certificates",
                                                             "planting_codes", "listings"]
    with pytest.raises(ValueError):
        services.handles("unknown_sheet")


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

"""products.units.parse_unit: the units people type, in any case, with or without accents."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.products.units import UNITS, parse_unit, to_kg


@pytest.mark.parametrize(("typed", "code"), [
    ("kg", "kg"), ("KG", "kg"), (" kg ", "kg"), ("kgs", "kg"), ("Kilogram", "kg"),
    ("tạ", "tạ"), ("ta", "tạ"),
    ("tấn", "tấn"), ("Tấn", "tấn"), ("TẤN", "tấn"), ("tan", "tấn"), ("ton", "tấn"), ("tonne", "tấn"),
    ("t", "tấn"),
    ("trái", "trái"), ("trai", "trái"), ("quả", "trái"), ("qua", "trái"), ("piece", "trái"),
    ("bó", "bó"), ("bo", "bó"), ("chậu", "chậu"), ("pot", "chậu"), ("cây", "cây"), ("hộp", "hộp"),
    ("box", "hộp"), ("chai", "chai"), ("bottle", "chai"), ("con", "con"), ("lượt", "lượt"),
    ("luot", "lượt"), ("visit", "lượt"), ("đêm", "đêm"), ("dem", "đêm"), ("night", "đêm"),
])
def test_parse_unit_names_a_known_unit(typed, code):
    unit = parse_unit(typed)
    assert unit is not None
    assert unit.code == code


@pytest.mark.parametrize("code", sorted(UNITS))
def test_every_unit_code_parses_to_itself(code):
    assert parse_unit(code) is UNITS[code]


@pytest.mark.parametrize("code", ["tấn", "tạ", "chậu", "hộp", "lượt", "đêm", "trái"])
def test_parse_unit_accepts_decomposed_accents(code):
    assert parse_unit(unicodedata.normalize("NFD", code)) is UNITS[code]


@pytest.mark.parametrize("typed", [None, "", "   ", "pound", "lít", "kg/ha", "thùng"])
def test_parse_unit_unknown_is_none(typed):
    assert parse_unit(typed) is None


@pytest.mark.parametrize(("quantity", "code", "kg"), [
    (3, "kg", 3.0), (2, "tạ", 200.0), (1.5, "tấn", 1500.0), (10, "trái", None), (4, "chậu", None),
])
def test_to_kg(quantity, code, kg):
    assert to_kg(quantity, UNITS[code]) == kg

"""products.units.parse_unit: the units people type, in any case, with or without accents, and
weighed packs ("thùng 10 kg")."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.products.units import MAX_CODE_LENGTH, UNITS, parse_unit, price_unit, to_kg


@pytest.mark.parametrize(("typed", "code"), [
    ("kg", "kg"), ("KG", "kg"), (" kg ", "kg"), ("kgs", "kg"), ("Kilogram", "kg"),
    ("tạ", "tạ"), ("ta", "tạ"),
    ("tấn", "tấn"), ("Tấn", "tấn"), ("TẤN", "tấn"), ("tan", "tấn"), ("ton", "tấn"), ("tonne", "tấn"),
    ("t", "tấn"),
    ("trái", "trái"), ("trai", "trái"), ("quả", "trái"), ("qua", "trái"), ("piece", "trái"),
    ("bó", "bó"), ("bo", "bó"), ("chậu", "chậu"), ("pot", "chậu"), ("cây", "cây"), ("hộp", "hộp"),
    ("box", "hộp"), ("chai", "chai"), ("bottle", "chai"), ("con", "con"), ("lượt", "lượt"),
    ("luot", "lượt"), ("visit", "lượt"), ("đêm", "đêm"), ("dem", "đêm"), ("night", "đêm"),
    ("túi", "túi"), ("tui", "túi"), ("bao", "bao"), ("thùng", "thùng"), ("thung", "thùng"), ("THÙNG", "thùng"),
    ("kiện", "kiện"), ("kien", "kiện"), ("cành", "cành"), ("canh", "cành"), ("giỏ", "giỏ"), ("gio", "giỏ"),
    ("khay", "khay"), ("lít", "lít"), ("lit", "lít"), ("chục", "chục"), ("chuc", "chục"), ("ký", "kg"),
    ("kí", "kg"), ("yến", "yến"), ("nải", "nải"), ("gói", "gói"), ("hũ", "hũ"),
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


@pytest.mark.parametrize("typed", [None, "", "   ", "pound", "kg/ha", "thùng 10", "thùng 10 lb", "trái 2 kg",
                                   "bao 0 kg", "xe tải 5 tấn", "thùng 10 kg 20 trái"])
def test_parse_unit_unknown_is_none(typed):
    assert parse_unit(typed) is None


@pytest.mark.parametrize(("quantity", "code", "kg"), [
    (3, "kg", 3.0), (2, "tạ", 200.0), (1.5, "tấn", 1500.0), (10, "trái", None), (4, "chậu", None),
])
def test_to_kg(quantity, code, kg):
    assert to_kg(quantity, UNITS[code]) == kg


@pytest.mark.parametrize("code", ["chục", "lít", "cành", "thùng", "túi"])
def test_counts_and_volumes_are_not_weighed(code):
    # A chục of fruit is 12 to 14 pieces in the delta; a litre of honey is not a kilogram.
    assert UNITS[code].kg is None


@pytest.mark.parametrize(("typed", "code", "kg", "name_en"), [
    ("thùng 10 kg", "thùng 10 kg", 10.0, "crate of 10 kg"),
    ("thung 10kg", "thùng 10 kg", 10.0, "crate of 10 kg"),
    ("Thùng (10 kg)", "thùng 10 kg", 10.0, "crate of 10 kg"),
    ("THÙNG 10 KG", "thùng 10 kg", 10.0, "crate of 10 kg"),
    ("10kg/thùng", "thùng 10 kg", 10.0, "crate of 10 kg"),
    ("bao 50 kg", "bao 50 kg", 50.0, "sack of 50 kg"),
    ("bao 25 ký", "bao 25 kg", 25.0, "sack of 25 kg"),
    ("túi 0,5kg", "túi 0,5 kg", 0.5, "bag of 0.5 kg"),
    ("tui 0.5 kg", "túi 0,5 kg", 0.5, "bag of 0.5 kg"),
    ("túi 500g", "túi 500 g", 0.5, "bag of 500 g"),
    ("túi 500 gr", "túi 500 g", 0.5, "bag of 500 g"),
    ("hộp 100 gam", "hộp 100 g", 0.1, "box of 100 g"),
    ("túi 1.500 g", "túi 1500 g", 1.5, "bag of 1500 g"),
    ("khay 0,25 kg", "khay 0,25 kg", 0.25, "tray of 0.25 kg"),
])
def test_parse_unit_reads_weighed_packs(typed, code, kg, name_en):
    unit = parse_unit(typed)
    assert unit is not None
    assert (unit.code, unit.name_vi, unit.name_en) == (code, code, name_en)
    assert unit.kg == pytest.approx(kg)
    assert len(unit.code) <= MAX_CODE_LENGTH


def test_a_pack_code_parses_to_itself_and_is_found_by_code():
    unit = parse_unit("thùng 10 kg")
    assert parse_unit(unit.code) == unit
    assert UNITS.get("thùng 10 kg") == unit and UNITS["túi 500 g"].kg == pytest.approx(0.5)
    # Only the canonical code is a stored code; what people type goes through parse_unit.
    assert UNITS.get("thung 10kg") is None and UNITS.get("thùng") is UNITS["thùng"]
    assert "thùng 10 kg" not in sorted(UNITS)  # the form's choices are the base units


def test_a_pack_converts_through_kilograms_and_is_priced_per_kilogram():
    unit = parse_unit("thùng 10 kg")
    assert to_kg(20, unit) == pytest.approx(200.0)
    assert price_unit(unit.code) == "kg"
    assert price_unit("thùng") == "thùng"
    assert price_unit("tấn") == "kg"
    assert price_unit("đơn vị lạ") == "đơn vị lạ"

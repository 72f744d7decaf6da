"""English names of units and of products with their varieties."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.products.naming import title_en, unaccented, variety_name_en
from marketplace.products.taxonomy import PRODUCTS, VARIETY_NAMES_EN
from marketplace.products.units import UNITS, parse_unit, unit_name


@pytest.mark.parametrize(
    ("code", "one", "many"),
    [
        ("kg", "kg", "kg"),
        ("tấn", "tonne", "tonnes"),
        ("trái", "fruit", "fruit"),
        ("bó", "bunch", "bunches"),
        ("túi", "bag", "bags"),
        ("hộp", "box", "boxes"),
        ("lượt", "visit", "visits"),
        ("đêm", "night", "nights"),
        ("lít", "litre", "litres"),
        ("thùng", "crate", "crates"),
    ],
)
def test_units_have_english_names_singular_and_plural(code, one, many):
    assert unit_name(code, 1, english=True) == one
    assert unit_name(code, 3, english=True) == many
    assert unit_name(code, 2.5, english=True) == many
    assert unit_name(code, None, english=True) == one  # "per box"
    assert unit_name(code, 3) == code  # Vietnamese shows the code people know


def test_every_unit_has_an_english_name_without_vietnamese_letters():
    for unit in UNITS.values():
        for name in (unit.name_en, unit.english(2)):
            assert name and unaccented(name) == name, unit.code


def test_a_weighed_pack_is_named_in_english_with_its_weight():
    pack = parse_unit("thùng 10 kg")
    assert (pack.english(1), pack.english(20)) == ("crate of 10 kg", "crates of 10 kg")


def test_unaccented_keeps_case():
    assert unaccented("Xoài cát Hòa Lộc") == "Xoai cat Hoa Loc"
    assert unaccented("Đài Loan đường") == "Dai Loan duong"


@pytest.mark.parametrize(
    ("slug", "name_en", "variety", "expected"),
    [
        ("xoai", "Mango", "cát Hòa Lộc", "Hoa Loc mango"),  # the catalogue's name
        ("xoai", "Mango", "cát Chu", "Cat Chu mango"),  # made: unaccented, capitalised, product after
        ("sau-rieng", "Durian", "Ri6", "Ri6 durian"),
        ("buoi", "Pomelo", "Năm Roi", "Nam Roi pomelo"),
        ("mang-cau", "Custard apple", "xiêm", "Soursop"),
        ("xoai", "Mango", "xoài lạ của vườn", "Xoai La Cua Vuon mango"),  # a variety staff added later
        ("ocop-x", "OCOP gift box", "Sa Đéc", "Sa Dec OCOP gift box"),  # an acronym keeps its capitals
    ],
)
def test_variety_names_in_english(slug, name_en, variety, expected):
    assert variety_name_en(slug, name_en, variety) == expected


def test_a_title_without_a_variety_is_the_product_name():
    mango = SimpleNamespace(slug="xoai", name_en="Mango", name_vi="Xoài")
    assert title_en(mango, None) == "Mango"
    assert title_en(mango, "") == "Mango"
    assert title_en(mango, "cát Hòa Lộc") == "Hoa Loc mango"


def test_every_catalogue_variety_has_an_english_name_without_vietnamese_marks():
    slugs = {entry[0] for entry in PRODUCTS}
    assert {slug for slug, _variety in VARIETY_NAMES_EN} <= slugs
    for slug, _category, _vi, name_en, _synonyms, _unit, varieties in PRODUCTS:
        for variety in varieties:
            name = variety.split("|")[0]
            english = variety_name_en(slug, name_en, name)
            # Vietnamese is allowed only as a gloss in brackets: "King orange (cam sành)".
            assert unaccented(english.split("(")[0]) == english.split("(")[0], (slug, name, english)

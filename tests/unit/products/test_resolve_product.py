"""products.rules.resolve_product: which product a person meant, by any of its names."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.products.rules import ProductNames, accented_key, folded_key, resolve_product
from marketplace.products.taxonomy import PRODUCTS

PINEAPPLE, COCONUT, WATERMELON, MANGO, PANGASIUS, SNAKEHEAD, LOTUS = 1, 2, 3, 4, 5, 6, 7


@pytest.fixture
def candidates() -> list[ProductNames]:
    """A small taxonomy with the traps of the real one: dứa / dừa / dưa all fold to "dua"."""
    return [
        ProductNames(PINEAPPLE, ("Dứa", "Pineapple", "thơm", "khóm", "trái thơm", "trái khóm")),
        ProductNames(COCONUT, ("Dừa", "Coconut", "trái dừa", "dừa tươi")),
        ProductNames(WATERMELON, ("Dưa hấu", "Watermelon")),
        ProductNames(MANGO, ("Xoài", "Mango", "trái xoài", "quả xoài")),
        ProductNames(PANGASIUS, ("Cá tra", "Pangasius")),
        ProductNames(SNAKEHEAD, ("Cá lóc", "Snakehead fish", "cá quả")),
        ProductNames(LOTUS, ("Sen", "Lotus", "hoa sen", "bông sen")),
    ]


@pytest.mark.parametrize("typed", [
    "dứa", "Dứa", "DỨA", "  dứa ", "thơm", "Thơm", "khóm", "trái khóm", "Trái Thơm", "quả dứa",
    "pineapple", "Pineapple", "thom", "khom", "trai khom",
])
def test_pineapple_by_every_regional_name(candidates, typed):
    assert resolve_product(typed, candidates) == PINEAPPLE


@pytest.mark.parametrize("typed", ["dừa", "Dừa", "trái dừa", "dừa tươi", "coconut"])
def test_coconut_is_not_pineapple(candidates, typed):
    assert resolve_product(typed, candidates) == COCONUT


@pytest.mark.parametrize("typed", ["dưa hấu", "dua hau", "Watermelon"])
def test_watermelon(candidates, typed):
    assert resolve_product(typed, candidates) == WATERMELON


@pytest.mark.parametrize("typed", ["xoài", "Xoài", "xoai", "quả xoài", "trái xoài", "qua xoai", "mango"])
def test_mango_with_or_without_fruit_word(candidates, typed):
    assert resolve_product(typed, candidates) == MANGO


@pytest.mark.parametrize("typed", ["dua", "Dua", "trai dua"])
def test_unaccented_dua_is_ambiguous(candidates, typed):
    # dứa (pineapple), dừa (coconut): without accents nobody can tell.
    assert resolve_product(typed, candidates) is None


@pytest.mark.parametrize("typed", ["cá", "ca"])
def test_bare_fish_word_is_not_one_fish(candidates, typed):
    # "quả" in "cá quả" (snakehead) is part of the name, not a fruit word to drop.
    assert resolve_product(typed, candidates) is None


@pytest.mark.parametrize(("typed", "expected"), [("cá quả", SNAKEHEAD), ("ca qua", SNAKEHEAD),
                                                 ("cá lóc", SNAKEHEAD), ("cá tra", PANGASIUS)])
def test_fish_by_full_name(candidates, typed, expected):
    assert resolve_product(typed, candidates) == expected


@pytest.mark.parametrize("typed", ["hoa sen", "bông sen", "sen", "Lotus"])
def test_flower_words_in_front_are_noise(candidates, typed):
    assert resolve_product(typed, candidates) == LOTUS


@pytest.mark.parametrize("typed", ["", "   ", "sầu riêng", "durian", "xyz", "trái", "quả", "dứa hấu", "dựa"])
def test_unknown_or_empty_is_none(candidates, typed):
    assert resolve_product(typed, candidates) is None


@pytest.mark.parametrize("typed", ["dứa", "trái khóm", "dừa", "quả xoài"])
def test_decomposed_accents_resolve_like_composed(candidates, typed):
    assert resolve_product(unicodedata.normalize("NFD", typed), candidates) == resolve_product(
        typed, candidates)


def test_no_candidates_means_no_product():
    assert resolve_product("dứa", []) is None


def test_keys():
    assert accented_key("Trái Dứa") == "dứa"
    assert folded_key("trái khóm") == "khom"
    assert folded_key("quả xoài") == "xoai"
    assert accented_key("trái") == "trái"  # a noise word alone is kept, not emptied


def _taxonomy() -> tuple[list[ProductNames], dict[int, str]]:
    candidates, slugs = [], {}
    for n, (slug, _category, name_vi, name_en, synonyms, _unit, _varieties) in enumerate(PRODUCTS, 1):
        candidates.append(ProductNames(n, (name_vi, name_en, *[s for s in synonyms.split(";") if s])))
        slugs[n] = slug
    return candidates, slugs


@pytest.mark.parametrize(("typed", "slug"), [
    ("dứa", "thom"), ("thơm", "thom"), ("khóm", "thom"), ("trái khóm", "thom"),
    ("dừa", "dua"), ("dưa hấu", "dua-hau"), ("quả xoài", "xoai"), ("ngô", "bap"), ("cá quả", "ca-loc"),
    ("sầu riêng", "sau-rieng"), ("sau rieng", "sau-rieng"), ("hoa sen", "sen"),
    ("homestay", "luu-tru-nha-dan"),
    ("dua", None), ("cá", None), ("hoa", None), ("không có", None),
])
def test_resolves_against_the_real_taxonomy(typed, slug):
    candidates, slugs = _taxonomy()
    found = resolve_product(typed, candidates)
    assert (slugs[found] if found else None) == slug


def test_every_taxonomy_name_resolves_to_its_own_product():
    candidates, slugs = _taxonomy()
    for candidate in candidates:
        for name in candidate.names:
            found = resolve_product(name, candidates)
            assert found == candidate.product_id, (name, slugs[candidate.product_id])

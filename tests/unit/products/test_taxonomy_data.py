"""The reference taxonomy as data: names that cannot be confused, and the phrase corpus
(tests/data/product_phrases.tsv) naming only products, varieties and grades that exist."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from marketplace.products.taxonomy import CATEGORIES, GRADE_PHRASES, NOISE_WORDS, PRODUCTS, WORD_SYNONYMS
from marketplace.products.units import parse_unit
from marketplace.vietnamese import clean, fold, slugify

CORPUS = Path(__file__).parents[2] / "data" / "product_phrases.tsv"
COLUMNS = ["phrase", "variety_column", "product_slug", "variety", "grade", "note"]

# Slugs existing databases point at: never removed or renamed.
EXISTING_SLUGS = {
    "xoai", "quyt", "sau-rieng", "nhan", "thom", "dua", "dua-hau", "buoi", "cam", "chanh", "mit", "vu-sua",
    "thanh-long", "chuoi", "ot", "khoai-lang", "hanh-la", "rau-muong", "bap", "nam-rom", "lua", "gao",
    "ca-tra", "ca-loc", "tom-cang", "luon", "sen", "hoa-kieng", "hoa-cat", "mam-ca", "nem", "bot-sen",
    "banh-phong-tom", "xoai-say", "hu-tieu", "mat-ong", "du-lich-vuon", "luu-tru-nha-dan",
    "trai-nghiem-nong-nghiep",
}
# Names that differ only by their accents, on purpose: typed without accents they are
# ambiguous, and a variety settles which is meant ("dua xiem" is coconut).
SAME_WITHOUT_ACCENTS = {"dua": {"thom", "dua"}}


def split(text: str) -> list[str]:
    return [s for s in text.split(";") if s]


def _without_noise(words: list[str], folded: list[str]) -> list[str]:
    start = 0
    while start < len(words) and folded[start] in NOISE_WORDS:
        start += 1
    return words[start:] or words


def accented_key(name: str) -> str:
    """As the phrase reader compares a product name: lower case, accents kept, noise words
    in front dropped ("Hoa sen" → "sen")."""
    words = clean(name).lower().split()
    folded = [WORD_SYNONYMS.get(fold(w), fold(w)) for w in words]
    return " ".join(_without_noise(words, folded))


def folded_key(name: str) -> str:
    folded = [WORD_SYNONYMS.get(w, w) for w in fold(name).split()]
    return " ".join(_without_noise(folded, folded))


def product_names(entry) -> list[str]:
    _slug, _category, name_vi, name_en, synonyms, _unit, _varieties = entry
    return [name_vi, name_en, *split(synonyms)]


def variety_names(entry: str) -> tuple[str, list[str]]:
    name, _, synonyms = entry.partition("|")
    return name, [name, *split(synonyms)]


def _product_keys(key) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in PRODUCTS:
        for name in product_names(entry):
            owners[key(name)].add(entry[0])
    return owners


BY_SLUG = {entry[0]: entry for entry in PRODUCTS}


def test_slugs_are_unique_and_none_is_lost():
    slugs = [entry[0] for entry in PRODUCTS]
    assert len(slugs) == len(set(slugs))
    assert EXISTING_SLUGS <= set(slugs)
    assert all(slug == slugify(slug) for slug in slugs)


def test_every_product_has_a_known_category_and_unit():
    codes = {code for code, _vi, _en in CATEGORIES}
    for slug, category, name_vi, name_en, _synonyms, unit, _varieties in PRODUCTS:
        assert category in codes, slug
        assert name_vi and name_en, slug
        assert parse_unit(unit) is not None and parse_unit(unit).code == unit, (slug, unit)


def test_no_two_products_share_a_name():
    clashes = {key: slugs for key, slugs in _product_keys(accented_key).items() if len(slugs) > 1}
    assert clashes == {}


def test_names_alike_without_accents_are_only_the_known_ones():
    clashes = {key: slugs for key, slugs in _product_keys(folded_key).items() if len(slugs) > 1}
    assert clashes == SAME_WITHOUT_ACCENTS


def test_a_variety_settles_products_alike_without_accents():
    for slugs in SAME_WITHOUT_ACCENTS.values():
        seen: dict[str, str] = {}
        for slug in slugs:
            for entry in BY_SLUG[slug][6]:
                for name in variety_names(entry)[1]:
                    assert seen.setdefault(fold(name), slug) == slug, (name, slugs)


@pytest.mark.parametrize("entry", PRODUCTS, ids=[entry[0] for entry in PRODUCTS])
def test_no_two_varieties_of_a_product_share_a_name(entry):
    owner: dict[str, str] = {}
    slugs = set()
    for variety in entry[6]:
        name, names = variety_names(variety)
        assert name and name == clean(name), variety
        slugs.add(slugify(name))
        for other in names:
            assert owner.setdefault(fold(other), name) == name, (entry[0], other)
    assert len(slugs) == len(entry[6])


def test_no_variety_is_named_like_another_product():
    # The phrase reader reads a variety name alone as its product ("Monthong"): a variety
    # called "hồng" would turn every "hoa hồng" into that product.
    products = _product_keys(folded_key)
    for slug, *_rest, varieties in PRODUCTS:
        for variety in varieties:
            for name in variety_names(variety)[1]:
                assert products.get(fold(name), {slug}) == {slug}, (slug, name, products.get(fold(name)))


def test_grades_are_not_names():
    folded = [fold(g) for g in GRADE_PHRASES]
    assert len(folded) == len(set(folded))
    names = set(_product_keys(folded_key))
    names |= {fold(n) for entry in PRODUCTS for v in entry[6] for n in variety_names(v)[1]}
    assert set(folded) & names == set()
    assert {"loại 1", "xuất khẩu", "chậu lớn", "size lớn", "VIP", "hàng loại 1"} <= set(GRADE_PHRASES)


def test_lotus_foods_are_not_the_flower():
    flower = BY_SLUG["sen"]
    assert flower[1] == "flower"
    taken = {folded_key(n) for n in product_names(flower)}
    taken |= {fold(n) for v in flower[6] for n in variety_names(v)[1]}
    assert not taken & {"hat sen", "hat sen tuoi", "ngo sen", "tra sen", "cu sen", "bot sen"}
    for slug in ("hat-sen-tuoi", "hat-sen-say", "tra-tim-sen", "cu-sen", "ngo-sen", "bot-sen"):
        assert BY_SLUG[slug][1] in {"vegetable", "processed"}, slug


# The phrase corpus -------------------------------------------------------------------------

def _corpus() -> tuple[list[str], list[dict[str, str]]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or []), list(reader)


HEADER, LINES = _corpus()


def test_corpus_shape():
    assert HEADER == COLUMNS
    assert len(LINES) >= 170
    assert all(len(line) == len(COLUMNS) and None not in line.values() for line in LINES)
    assert all(clean(line["phrase"]) for line in LINES)
    assert sum(1 for line in LINES if line["product_slug"] == "-") >= 10
    assert sum(1 for line in LINES if line["variety_column"]) >= 10
    assert sum(1 for line in LINES if line["grade"]) >= 15
    assert sum(1 for line in LINES if line["phrase"] == fold(line["phrase"])) >= 50  # typed without accents


@pytest.mark.parametrize("line", LINES, ids=[f"{n:03d}-{line['phrase']}" for n, line in enumerate(LINES, 2)])
def test_corpus_names_what_exists(line):
    slug, variety, grade = line["product_slug"], line["variety"], line["grade"]
    if slug == "-":
        assert variety == ""
    else:
        assert slug in BY_SLUG
        if variety:
            assert variety in {variety_names(v)[0] for v in BY_SLUG[slug][6]}, (slug, variety)
    grades = {fold(g) for g in GRADE_PHRASES}
    for part in filter(None, grade.split(", ")):
        assert part == part.lower() and fold(part) in grades, part

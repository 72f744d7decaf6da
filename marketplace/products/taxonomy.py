"""The reference taxonomy loaded into every database (not demo data).

The catalogue itself (categories, grade phrases, products with their varieties and synonyms) is
data: catalogue.toml next to this module, read once at import into CATEGORIES, GRADE_PHRASES and
PRODUCTS as the rest of the code uses them; its comments say how an entry is written and why some
entries are as they are. The two word lists the phrase reader and search share, NOISE_WORDS and
WORD_SYNONYMS, are rules of reading rather than catalogue entries and stay here.

Names are Vietnamese as people in Đồng Tháp say them; synonyms cover regional words
(dứa = thơm = khóm) so that listings, demand and search meet whichever word was typed.

Where the list comes from (docs/catalogue.md says more): the province's plan for the farmer
clubs and ../shared/product.md (the products to expect in data); Đồng Tháp's known OCOP
products and specialities (sen Tháp Mười, quýt hồng Lai Vung, xoài Cao Lãnh, hoa kiểng Sa Đéc,
nem Lai Vung, hủ tiếu Sa Đéc, bánh phồng tôm Sa Giang; since 2025 also old Tiền Giang's vú sữa Lò
Rèn, sầu riêng Ngũ Hiệp, khóm Tân Phước, sơ ri Gò Công); geographical indication No. 00078 for
Cao Lãnh mango (cát Chu, cát Hòa Lộc); the names of rice varieties grown in the delta (OM 5451,
ST25, Đài Thơm 8…). It is a starting point written from general knowledge, not an official
register: staff extend it through the mapping queue of names the catalogue lacks.
Never remove or rename a slug (listings in existing databases point at them).

tests/unit/products/test_taxonomy_data.py keeps the data sound: slugs unique and none of the
existing ones lost; every product's category and default unit known; no two products share a name
or synonym (accent-free look-alikes such as dứa/dừa only as listed there, settled by their
varieties); no two varieties of a product share one; no variety is named like another product; no
grade is a name; the lotus foods are not the flower; and the phrase corpus names only what exists.
"""

from __future__ import annotations

import tomllib
from importlib import resources

# Words that say nothing about which product is meant, in front of a name: "trái xoài".
NOISE_WORDS: frozenset[str] = frozenset({"trai", "qua", "cay", "con", "bong", "hoa"})
# Whole-word equivalences applied before matching: a word on the left reads as the right.
# (Product synonyms such as thơm/khóm for dứa live on the product, not here: a bare "thom"
# must not fold into "dua", which would also be coconut.)
WORD_SYNONYMS: dict[str, str] = {"qua": "trai", "bong": "hoa"}


def _names(names: list[str]) -> str:
    """A list of names as the database keeps them: ";"-separated."""
    if any(not name or ";" in name or "|" in name for name in names):
        raise ValueError(f"catalogue.toml: a name is empty or holds ';' or '|': {names}")
    return ";".join(names)


def _fields(entry: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> tuple:
    """An entry's values in the order named (an optional one missing is an empty list); a key
    missing or unknown is a mistake in the file, not something to pass over."""
    missing, unknown = set(required) - entry.keys(), entry.keys() - {*required, *optional}
    if missing or unknown:
        raise ValueError(f"catalogue.toml: {entry}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return tuple(entry[key] for key in required) + tuple(entry.get(key, []) for key in optional)


def _variety(entry: dict) -> str:
    """A variety as services.load_taxonomy takes it: "name" or "name|synonym;synonym"."""
    name, synonyms, _name_en = _fields(entry, ("name",), ("synonyms", "name_en"))
    return f"{name}|{_names(synonyms)}" if synonyms else _names([name])


def _product(entry: dict) -> tuple[str, str, str, str, str, str, list[str]]:
    slug, category, name_vi, name_en, unit, synonyms, varieties = _fields(
        entry, ("slug", "category", "name_vi", "name_en", "default_unit"), ("synonyms", "varieties"))
    return slug, category, name_vi, name_en, _names(synonyms), unit, [_variety(v) for v in varieties]


_CATALOGUE = tomllib.loads(resources.files(__package__).joinpath("catalogue.toml").read_text(encoding="utf-8"))

# code, Vietnamese, English
CATEGORIES: list[tuple[str, str, str]] = [
    _fields(entry, ("code", "name_vi", "name_en")) for entry in _CATALOGUE["categories"]
]

GRADE_PHRASES: tuple[str, ...] = tuple(_CATALOGUE["grade_phrases"])

# slug, category, Vietnamese name, English name, synonyms (";"-separated), default unit, varieties
# (variety entries are "name" or "name|synonym;synonym").
PRODUCTS: list[tuple[str, str, str, str, str, str, list[str]]] = [
    _product(entry) for entry in _CATALOGUE["products"]
]

# (product slug, variety name) → the English name exporters use for that variety, where the
# catalogue gives one ("Hoa Loc mango", "Soursop"); products/naming.py makes the others.
VARIETY_NAMES_EN: dict[tuple[str, str], str] = {
    (entry["slug"], variety["name"]): variety["name_en"]
    for entry in _CATALOGUE["products"] for variety in entry.get("varieties", []) if variety.get("name_en")
}

"""The product taxonomy in the database, and finding products by what people type."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.products.models import Category, Product, Variety
from marketplace.products.services import categories_with_products, find_product, load_taxonomy
from marketplace.products.taxonomy import CATEGORIES, PRODUCTS


def test_taxonomy_is_loaded(session):
    assert session.scalar(select(func.count()).select_from(Category)) == len(CATEGORIES)
    assert session.scalar(select(func.count()).select_from(Product)) == len(PRODUCTS)
    assert session.scalar(select(func.count()).select_from(Variety)) == sum(len(p[6]) for p in PRODUCTS)


def test_pineapple_carries_its_regional_names(session):
    pineapple = session.scalar(select(Product).where(Product.slug == "thom"))
    assert pineapple.name_vi == "Dứa"
    assert pineapple.name_en == "Pineapple"
    assert {"thơm", "khóm"} <= set(pineapple.synonym_list)
    assert pineapple.category.code == "fruit"
    assert {v.name for v in pineapple.varieties} == {"Queen", "MD2"}


def test_categories_in_their_order_with_products(session):
    categories = categories_with_products(session)
    assert [c.code for c in categories] == [c[0] for c in CATEGORIES if c[0] != "other"]  # "other" is empty
    fruit = categories[0]
    assert "Xoài" in {p.name_vi for p in fruit.products}


def test_loading_again_changes_nothing(session):
    assert load_taxonomy(session) == 0


@pytest.mark.parametrize(("typed", "slug"), [
    ("dứa", "thom"), ("thơm", "thom"), ("khóm", "thom"), ("trái khóm", "thom"), ("Pineapple", "thom"),
    ("dừa", "dua"), ("quả xoài", "xoai"), ("xoai", "xoai"), ("sầu riêng", "sau-rieng"), ("ngô", "bap"),
])
def test_find_product(session, typed, slug):
    product = find_product(session, typed)
    assert product is not None
    assert product.slug == slug


@pytest.mark.parametrize("typed", ["dua", "", "máy cày", "cá"])
def test_find_product_unknown_or_ambiguous(session, typed):
    assert find_product(session, typed) is None

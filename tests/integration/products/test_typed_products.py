"""Products as typed: nothing typed names no product; a long name the catalogue lacks becomes one
product whose slug fits the column and stays apart from another long name with the same start."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.products.models import Product
from marketplace.products.services import choose_product, product_of


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_nothing_typed_chooses_no_product(session, typed):
    assert choose_product(session, typed, "cát Chu", "loại 1") is None


def test_a_long_new_name_becomes_one_product_with_a_slug_that_fits(session):
    """Two long names the catalogue lacks, alike for their first 90 characters: each becomes a
    product of its own (the slug ends in a digest of the whole name), and typing one again finds
    the same row."""
    start = "quả lạ miền tây " * 6  # 96 characters, none in the catalogue
    first = choose_product(session, start + "giống một")
    second = choose_product(session, start + "giống hai")
    assert first.product is None and second.product is None  # kept as typed
    one, two = product_of(session, first), product_of(session, second)
    assert one.id != two.id
    assert len(one.slug) <= 80 and len(two.slug) <= 80
    assert one.slug.startswith("typed-quả-lạ-miền-tây") and one.slug[:71] == two.slug[:71]
    assert product_of(session, choose_product(session, start + "giống một")).id == one.id
    assert not one.in_catalogue
    count = session.scalar(select(func.count()).select_from(Product).where(Product.name_vi.like("quả lạ miền tây%")))
    assert count == 2

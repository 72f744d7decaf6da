"""Staff adopting a typed name into the catalogue, in the ways the existing tests do not: a form
with nothing usable (every problem at once), a name whose slug is a catalogue product's already,
and a corrected spelling (the typed spelling keeps reading as the adopted product)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from marketplace.catalogue import services as catalogue
from marketplace.errors import ValidationError
from marketplace.products.models import Product
from marketplace.products.services import find_product
from tests.factories import make_listing, make_org


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


def _typed(session, name: str) -> Product:
    product = make_listing(make_org("club"), name).product
    assert product.in_catalogue is False
    return product


def test_adopting_with_no_name_and_an_unknown_category_names_both_problems(session):
    typed = _typed(session, "Rau lạ xứ Quảng")
    with pytest.raises(ValidationError) as caught:
        catalogue.adopt_name(session, typed, catalogue.Adoption(name_vi="  ", name_en="", category="no-such"))
    assert caught.value.fields == {"name_vi": ["This field is required."], "category": ["Choose a category."]}
    session.rollback()
    again = session.get(Product, typed.id)
    assert again.in_catalogue is False and again.name_vi == "Rau lạ xứ Quảng"


def test_adopting_under_a_name_whose_slug_the_catalogue_has_is_refused_naming_it(session):
    """ "XOÀI" slugs to "xoai", the catalogue's mango: map the name instead, nothing adopted."""
    typed = _typed(session, "Quả lạ vùng cao")
    mango = session.query(Product).filter_by(slug="xoai").one()
    with pytest.raises(ValidationError) as caught:
        catalogue.adopt_name(session, typed, catalogue.Adoption(name_vi="XOÀI", name_en="", category="fruit"))
    assert caught.value.fields == {
        "name_vi": [f"The catalogue already has {mango.name_vi}: map the name to it instead."]
    }
    session.rollback()
    assert session.get(Product, typed.id).in_catalogue is False


def test_adopting_under_a_corrected_spelling_keeps_the_typed_one_as_a_synonym(session):
    typed = _typed(session, "Ốc bưu vàng")
    adopted = catalogue.adopt_name(
        session, typed, catalogue.Adoption(name_vi="Ốc bươu vàng", name_en="", category="aquatic")
    )
    session.commit()
    assert (adopted.id, adopted.name_vi, adopted.name_en, adopted.in_catalogue) == (
        typed.id,
        "Ốc bươu vàng",
        "Ốc bươu vàng",  # no English name given: the Vietnamese one
        True,
    )
    assert "Ốc bưu vàng" in adopted.synonyms.split(";")
    assert find_product(session, "ốc bưu vàng") == adopted

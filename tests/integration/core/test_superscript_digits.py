"""Numbers typed as "²" or "³" (str.isdigit() says yes, int() refuses): ids and filters read from
forms and query strings treat them as "not a number" instead of answering 500."""

from __future__ import annotations

import pytest

from tests.clients import app_session, post, signed_in
from tests.factories import make_club, make_listing, make_user


@pytest.mark.parametrize("path", ["/lots?product=²", "/lots/new?listing=²"])
def test_a_chairs_lot_pages_read_a_superscript_as_no_number(app, path):
    with app_session(app):
        _club, chair = make_club("Hội quán Số Mũ")
    assert signed_in(app, chair).get(path).status_code == 200


def test_staff_reading_lots_of_a_superscript_org_are_told_not_found(app):
    with app_session(app):
        staff = make_user("staff")
    assert signed_in(app, staff).get("/lots?org=²").status_code == 404


def test_an_order_form_with_a_superscript_quantity_key_is_a_form_answer(app):
    with app_session(app):
        club, _chair = make_club("Hội quán Đặt Hàng")
        listing = make_listing(club, quantity="100", price_vnd="30000")
        buyer = make_user("buyer")
    response = post(signed_in(app, buyer), f"/listings/{listing.id}/order",
                    {"quantity": "5", "expected_amount_vnd": "²", "placing_key": "²", "step": "place"})
    assert response.status_code < 500

"""Order notices read as words on the bell and in mail, not as their kind."""

from __future__ import annotations

from flask_babel import force_locale

from marketplace.notifications.presentation import describe


def test_an_order_notice_is_described_by_the_orders_package(app):
    params = {"ref": "CHQ-000123", "title": "Xoài cát Chu", "quantity": "2", "unit": "tấn",
              "amount_vnd": 76_000_000, "buyer": "Siêu thị Xanh", "seller": "Hội quán Mỹ Xương"}
    with app.test_request_context(), force_locale("en"):
        text = describe("order_new", params)
    assert text != "order_new"
    assert "CHQ-000123" in text and "Siêu thị Xanh" in text
    with app.test_request_context(), force_locale("en"):
        assert describe("order_unknown_kind", params) == "order_unknown_kind"

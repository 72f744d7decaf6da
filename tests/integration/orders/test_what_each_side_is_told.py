"""What the other side of an order reads in its notifications after each change the worker tells
(a decline with no reason, a delivery, a completion), and what the worker's orders step reports
when it reminds and expires."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices
from marketplace.orders.models import Order
from marketplace.orders.payments import recording
from tests.clients import app_session, signed_in
from tests.factories import make_market


@pytest.fixture
def market(app):
    with app_session(app):
        return make_market("Hội quán Xoài báo tin", "Siêu thị nghe tin")


def _bell(app, user) -> str:
    return html.unescape(signed_in(app, user, "en").get("/notifications").get_data(as_text=True))


def _place(session, market, quantity="10") -> Order:
    return orders.place_order(session, market.listing.id, session.merge(market.buyer_org), session.merge(market.buyer),
                              quantity, today=today_in_vietnam())


def test_a_decline_without_a_reason_tells_the_buyer_without_quoting_one(app, market):
    with app_session(app) as session:
        order = _place(session, market)
        orders.change(session, order, "decline", actor="seller", user=session.merge(market.seller),
                      today=today_in_vietnam())
        notices.send_notices(session)
        session.commit()
    # The sentence ends after the order: no empty quotation marks where a reason would be.
    assert f"Hội quán Xoài báo tin declined your order {order.ref} (Mango).\n" in _bell(app, market.buyer)


def test_delivery_is_told_to_the_buyer_and_completion_to_the_seller(app, market):
    today = today_in_vietnam()
    with app_session(app) as session:
        order = _place(session, market)  # 300.000 ₫
        seller, buyer = session.merge(market.seller), session.merge(market.buyer)
        orders.change(session, order, "confirm", actor="seller", user=seller, today=today)
        assert recording.mark_received(session, order, "300.000", seller, token="bank-line-1")
        session.refresh(order)
        orders.change(session, order, "deliver", actor="seller", user=seller, today=today)
        orders.change(session, order, "complete", actor="buyer", user=buyer, today=today)
        notices.send_notices(session)
        session.commit()
    buyer_bell, seller_bell = _bell(app, market.buyer), _bell(app, market.seller)
    assert f"Hội quán Xoài báo tin marked your order {order.ref} (Mango) as delivered." in buyer_bell
    assert f"Siêu thị nghe tin confirmed receiving order {order.ref} (Mango)." in seller_bell
    # Each side hears of the other's step, not of its own.
    assert "as delivered" not in seller_bell and "confirmed receiving" not in buyer_bell


def test_the_worker_step_reports_the_reminders_and_expiries_it_made(app, market):
    with app_session(app) as session:
        waiting, forgotten = _place(session, market, "10"), _place(session, market, "20")
        notices.send_notices(session)  # the new orders were told already
        now = utcnow()
        for order, age in ((waiting, 25), (forgotten, 73)):
            session.execute(update(Order).where(Order.id == order.id).values(created_at=now - timedelta(hours=age)))
        session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert result.exit_code == 0, result.output
    assert "orders: 1 reminders, 1 expired" in result.output
    with app_session(app) as session:
        assert (session.get(Order, waiting.id).status, session.get(Order, forgotten.id).status) == \
            ("requested", "expired")
        assert float(session.get(Listing, market.listing.id).quantity_available) == 90  # the 20 kg are back
    assert f"Order {waiting.ref} from Siêu thị nghe tin is waiting for your answer for a day." in \
        _bell(app, market.seller)
    assert f"Your order {forgotten.ref} (Mango) expired" in _bell(app, market.buyer)
    again = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert "orders:" not in again.output  # nothing more to remind or expire: the worker says nothing

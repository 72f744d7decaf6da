"""The load check's final count (check/load/load_instance.py, run by `make check-load`) must see
what it exists to catch: a listing with more held than it had, stock that does not add up, an order
paid twice. A count that could not fail would let the load check pass whatever happened."""

from __future__ import annotations

from sqlalchemy import update

from check.load.load_instance import count
from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import recording
from tests.integration.orders.conftest import place


def _confirmed(market, quantity="10"):
    order = place(market, quantity)
    orders.change(db.session, order, "confirm", actor="seller", user=market.seller, today=today_in_vietnam())
    db.session.commit()
    return order


def test_orders_placed_and_paid_through_the_services_count_clean(market, session):
    order = _confirmed(market)
    assert recording.record_payment(session, order.id, int(order.amount_vnd), provider="manual", reference="t1")
    assert not recording.record_payment(session, order.id, int(order.amount_vnd), provider="manual", reference="t2")
    session.commit()
    place(market, "5")
    counts = count(session)
    assert not counts.broken, (counts.oversold, counts.stock_drift, counts.double_paid)
    assert counts.orders_by_status == {"paid": 1, "requested": 1}
    assert counts.payments_by_provider == {"manual": 1}


def test_more_held_by_live_orders_than_the_listing_had_is_oversold(market, session):
    order = place(market, "10")
    session.execute(update(Order).where(Order.id == order.id).values(reserved_quantity=120))
    session.commit()
    counts = count(session)
    assert len(counts.oversold) == 1 and "held by orders 120" in counts.oversold[0]


def test_released_orders_hold_nothing_but_stock_must_add_up(market, session):
    order = place(market, "10")
    orders.change(session, order, "cancel", actor="buyer", user=market.buyer, today=today_in_vietnam())
    session.commit()
    assert not count(session).broken
    session.execute(update(Listing).where(Listing.id == market.listing.id).values(quantity_available=95))
    session.commit()
    counts = count(session)
    assert not counts.oversold
    assert len(counts.stock_drift) == 1 and "available 95" in counts.stock_drift[0]


def test_a_second_payment_slipped_past_the_guard_is_double_paid(market, session):
    order = _confirmed(market)
    assert recording.record_payment(session, order.id, int(order.amount_vnd), provider="stripe", reference="cs_1")
    session.add(Payment(order_id=order.id, provider="manual", reference="t1", amount_vnd=int(order.amount_vnd)))
    session.commit()
    counts = count(session)
    assert len(counts.double_paid) == 1 and "2 payments" in counts.double_paid[0]

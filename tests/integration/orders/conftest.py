"""Shared builders for the order tests: a club with a listing, a buyer, an order."""

from __future__ import annotations

import pytest

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from tests.factories import make_market


@pytest.fixture
def market(session):
    """A club (seller) with a published listing of 100 kg at 30.000 ₫/kg, and a buyer."""
    return make_market("Hội quán Xoài thử đơn", "Siêu thị thử đơn", quantity="100", price_vnd="30000")


def place(market, quantity="10", listing=None):
    order = orders.place_order(db.session, (listing or market.listing).id, market.buyer_org, market.buyer, quantity,
                               today=today_in_vietnam())
    db.session.commit()
    return order

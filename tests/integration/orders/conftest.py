"""Shared builders for the order tests: a club with a listing, a buyer, an order."""

from __future__ import annotations

import pytest

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from tests.factories import make_listing, make_org, make_user


@pytest.fixture
def market(session):
    """A club (seller) with a published listing of 100 kg at 30.000 ₫/kg, and a buyer."""
    club = make_org("club", name="Hội quán Xoài thử đơn")
    buyer_org = make_org("supermarket", name="Siêu thị thử đơn")
    seller = make_user("seller", club)
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity="100", price_vnd="30000")
    return type("Market", (), {"club": club, "buyer_org": buyer_org, "seller": seller, "buyer": buyer,
                               "listing": listing})


def place(market, quantity="10", listing=None):
    order = orders.place_order(db.session, (listing or market.listing).id, market.buyer_org, market.buyer, quantity,
                               today=today_in_vietnam())
    db.session.commit()
    return order

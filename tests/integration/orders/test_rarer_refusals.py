"""Orders refused in the rarer ways, through the services: one's own listing, a price or a quantity
changed after the listing was read, an accepted offer whose total moved or is beyond any order, a
confirmation page sent again, a payment typed above what is due, a claim on an order that moved on.
Each checks what the person is told and that nothing was stored or reserved.

"Changed after it was read" is a Core UPDATE that leaves the session's copy as it was read, as
another connection's commit would (tests/integration/orders/test_reserve_underneath.py does the
same with a real second connection)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, update

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, ValidationError
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.payments import recording
from tests.factories import make_demand, make_listing, make_offer, make_org, make_user
from tests.integration.orders.conftest import place

TODAY = today_in_vietnam


@pytest.fixture(autouse=True)
def english(session):
    """Messages in English, to read the assertions."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def _left(listing_id: int) -> float:
    return float(db.session.scalar(select(Listing.quantity_available).where(Listing.id == listing_id)))


def _orders_of(buyer_org_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Order).where(Order.buyer_org_id == buyer_org_id))


def _behind_the_sessions_back(listing_id: int, **values) -> None:
    """Change the listing row without touching the session's copy (as another connection would)."""
    db.session.execute(update(Listing.__table__).where(Listing.__table__.c.id == listing_id).values(**values))


def _accepted_offer(*, listing_quantity="8", offered="2", price_vnd="40000"):
    """A club's listing of mangoes in tonnes, a supermarket's request and its accepted offer of that
    listing: the buyer, the listing and the offer."""
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity=listing_quantity, unit="tấn", price_vnd="38000")
    request = make_demand(buyer_org, quantity="5", unit="tấn")
    offer = make_offer(request, club, offered, price_vnd=price_vnd, listing_id=listing.id)
    offer.status = "accepted"
    db.session.commit()
    return buyer, listing, offer


# -- placing an order on a listing --------------------------------------------------------------


def test_an_organisation_ordering_from_its_own_listing_is_refused(session):
    """A cooperative lists mangoes, then an organisations import (same ref) re-registers it as a
    business, which buys: its buyer cannot order its own goods, 409 (never from itself), nothing reserved."""
    coop = make_org("cooperative")
    listing = make_listing(coop, quantity="50")
    coop = session.get(type(coop), coop.id)
    coop.kind = "business"  # what imports/handlers/organizations.py does to an existing ref
    session.commit()
    member = make_user("buyer", coop)
    with pytest.raises(Conflict) as caught:
        orders.place_order(session, listing.id, coop, member, "5", today=TODAY())
    session.rollback()
    assert caught.value.message == "You cannot order from your own organisation."
    assert _left(listing.id) == 50 and _orders_of(coop.id) == 0


def test_a_price_changed_after_the_confirmed_total_was_read_refuses_the_order(session, market):
    """The buyer confirmed 300.000 ₫; the club changes the price after the listing was read: the
    reservation's price condition fails, the buyer is told the price changed, nothing is taken."""
    listing = session.get(Listing, market.listing.id)
    assert listing.price_vnd == 30_000  # read: the session keeps this copy
    _behind_the_sessions_back(listing.id, price_vnd=35_000)
    with pytest.raises(Conflict) as caught:
        orders.place_order(
            session, listing.id, market.buyer_org, market.buyer, "10", today=TODAY(), expected_amount_vnd=300_000
        )
    session.rollback()
    assert caught.value.message == "The seller changed the price a moment ago: look at the listing again."
    assert _left(listing.id) == 100 and _orders_of(market.buyer_org.id) == 0


def test_an_order_sent_again_from_the_same_page_returns_the_first(session, market):
    """The confirmation page's key: the second send places nothing and takes nothing more."""
    first = orders.place_order(
        session, market.listing.id, market.buyer_org, market.buyer, "10", today=TODAY(), placing_key="page-1"
    )
    again = orders.place_order(
        session, market.listing.id, market.buyer_org, market.buyer, "10", today=TODAY(), placing_key="page-1"
    )
    assert again.id == first.id
    assert _left(market.listing.id) == 90 and _orders_of(market.buyer_org.id) == 1


# -- ordering an accepted offer -------------------------------------------------------------------


def test_an_offer_sent_again_from_the_same_page_returns_the_first_order(session):
    buyer, listing, offer = _accepted_offer()
    first = orders.order_from_offer(session, offer, buyer, today=TODAY(), placing_key="offer-page")
    session.commit()
    again = orders.order_from_offer(session, offer, buyer, today=TODAY(), placing_key="offer-page")
    assert again.id == first.id
    assert _left(listing.id) == 6  # 2 of 8 tonnes, taken once
    assert _orders_of(offer.demand.organization_id) == 1


def test_an_offer_whose_total_is_not_the_one_confirmed_is_not_ordered(session):
    """The page showed another total than the offer costs now: TotalChanged carries the order as it
    stands (2 t at 40.000 ₫/kg = 80.000.000 ₫), nothing is placed or reserved."""
    buyer, listing, offer = _accepted_offer()
    with pytest.raises(orders.TotalChanged) as caught:
        orders.order_from_offer(session, offer, buyer, today=TODAY(), expected_amount_vnd=70_000_000)
    session.rollback()
    assert caught.value.draft.amount_vnd == 80_000_000
    assert "instead of" in caught.value.message
    assert _left(listing.id) == 8 and _orders_of(offer.demand.organization_id) == 0


def test_an_offer_on_a_listing_sold_down_after_it_was_read_says_how_much_is_left(session):
    """The listing had 8 t when the offer was read, 1 t by the time it is reserved: 409 saying
    1 t is left, and that 1 t stays on the listing."""
    buyer, listing, offer = _accepted_offer()
    offer = session.get(type(offer), offer.id)
    assert float(offer.listing.quantity_available) == 8  # read
    _behind_the_sessions_back(listing.id, quantity_available=1)
    with pytest.raises(Conflict) as caught:
        orders.order_from_offer(session, offer, buyer, today=TODAY())
    assert caught.value.message.startswith("Only 1 ")
    assert _left(listing.id) == 1 and _orders_of(offer.demand.organization_id) == 0


def test_an_offer_costing_more_than_any_order_can_is_refused(session):
    """99.999 t at 999.999.999 ₫/kg is beyond the largest amount an order may have: 422."""
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    request = make_demand(buyer_org, quantity="100000", unit="tấn")
    offer = make_offer(request, club, "99999", price_vnd="999999999")
    offer.status = "accepted"
    session.commit()
    with pytest.raises(ValidationError) as caught:
        orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.rollback()
    assert caught.value.message == "That number is too large."
    assert _orders_of(buyer_org.id) == 0


# -- money: typed amounts and the buyer's claim ------------------------------------------------------


def test_a_received_amount_above_the_deposit_is_asked_about_then_counts_as_paid(session, market):
    """On a 90.000 ₫ deposit the seller types 300.000 ₫ (the full amount): asked once, in words
    saying the order will count it as paid; recorded when confirmed."""
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    recording.choose_payment_option(session, order, "deposit")
    with pytest.raises(recording.AmountToConfirm) as caught:
        recording.mark_received(session, order, "300.000", market.seller, token="form-1")
    assert "If 300,000 ₫ arrived" in caught.value.message and "counts it as paid" in caught.value.message
    assert session.get(Order, order.id).amount_paid_vnd == 0
    assert recording.mark_received(session, order, "300.000", market.seller, token="form-1", accepted_vnd=300_000)
    session.expire_all()
    order = session.get(Order, order.id)
    assert (order.status, order.amount_paid_vnd) == ("paid", 300_000)


def test_a_received_amount_left_empty_is_required(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    with pytest.raises(ValidationError) as caught:
        recording.mark_received(session, order, "  ", market.seller, token="form-1")
    assert set(caught.value.fields) == {"amount_vnd"}
    assert session.get(Order, order.id).amount_paid_vnd == 0


def test_a_payment_claim_with_a_reference_too_long_is_refused(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    with pytest.raises(ValidationError) as caught:
        recording.claim_payment(session, order, market.buyer, reference="x" * (recording.MAX_CLAIM_NOTE + 1))
    assert set(caught.value.fields) == {"reference"}
    assert session.get(Order, order.id).payment_claimed_at is None


def test_a_payment_claim_on_an_order_that_moved_on_meanwhile_is_refused(session, market):
    """The buyer's page showed the order confirmed; it was cancelled since (another connection):
    409, no claim opened and no claim event."""
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    session.commit()
    order = session.get(Order, order.id)
    assert order.status == "confirmed"  # read
    session.execute(update(Order.__table__).where(Order.__table__.c.id == order.id).values(status="cancelled"))
    with pytest.raises(Conflict):
        recording.claim_payment(session, order, market.buyer, reference="UNC 123")
    session.rollback()
    assert session.get(Order, order.id).payment_claimed_at is None
    assert (
        session.scalar(
            select(func.count())
            .select_from(OrderEvent)
            .where(OrderEvent.order_id == order.id, OrderEvent.kind == "payment_claimed")
        )
        == 0
    )


def test_a_payment_claim_without_a_reference_tells_the_seller_the_amount_only(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    notices.send_notices(session)
    assert recording.claim_payment(session, order, market.buyer, reference="")
    notices.send_notices(session)
    told = session.scalar(
        select(Notification).where(Notification.user_id == market.seller.id, Notification.kind == "order_claim_paid")
    )
    assert told is not None
    params = json.loads(told.params)
    assert params["amount_vnd"] == 300_000 and "reason" not in params

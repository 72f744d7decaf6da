"""Order forms sent stale: without the session's CSRF token (a page left open past the session, or
a forged form) and a confirmation page whose total is not what the order costs now. Each checks
the page or the redirect the person gets and that the order, the listing and the payments are as
they were."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order, OrderEvent, Payment
from tests.clients import app_session, post, signed_in
from tests.factories import make_demand, make_listing, make_market, make_offer
from tests.integration.orders.confirming import carried, confirm


@pytest.fixture
def trade(app):
    """A club selling 100 kg of mangoes at 30.000 ₫/kg and a supermarket that buys."""
    with app_session(app):
        return SimpleNamespace(**vars(make_market("Hội quán Xoài trang cũ", "Siêu thị trang cũ")))


def _order(app, trade, *, confirmed: bool) -> Order:
    with app_session(app) as session:
        today = today_in_vietnam()
        order = orders.place_order(
            session, trade.listing.id, session.merge(trade.buyer_org), session.merge(trade.buyer), "10", today=today
        )
        if confirmed:
            orders.change(session, order, "confirm", actor="seller", user=session.merge(trade.seller), today=today)
        session.commit()
        return order


def _stored(app, order_id: int) -> SimpleNamespace:
    with app_session(app) as session:
        order = session.get(Order, order_id)
        return SimpleNamespace(
            status=order.status,
            payment_option=order.payment_option,
            claimed=order.payment_claimed_at,
            paid=order.amount_paid_vnd,
            events=session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order_id)),
            payments=session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)),
        )


def _orders_of(app, buyer_org_id: int) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(Order).where(Order.buyer_org_id == buyer_org_id))


def _left(app, listing_id: int) -> float:
    with app_session(app) as session:
        return float(session.get(Listing, listing_id).quantity_available)


def _flashes(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', text)]


# -- placing ----------------------------------------------------------------------------------------


def test_place_the_order_with_a_note_beyond_the_form_shows_the_page_again_and_places_nothing(app, trade):
    """ "Place the order" sent with a note longer than the form allows (only an edited page can):
    422, the form again with the note's problem, nothing placed or reserved."""
    buyer = signed_in(app, trade.buyer, "en")
    page = confirm(buyer, f"/listings/{trade.listing.id}/order", {"quantity": "10"}).get_data(as_text=True)
    sent = {**carried(page), "step": "place", "note": "x" * 1001}
    response = buyer.post(f"/listings/{trade.listing.id}/order", data={"csrf_token": _token(page), **sent})
    assert response.status_code == 422
    assert "Use at most 1000 characters." in response.get_data(as_text=True)
    assert _orders_of(app, trade.buyer_org.id) == 0
    assert _left(app, trade.listing.id) == 100


def test_an_offers_confirmation_page_with_an_old_total_shows_the_new_one_and_places_nothing(app, trade):
    """The buyer's page says 70.000.000 ₫ (an older page); the accepted offer costs 80.000.000 ₫
    now: 409, the confirmation page again with the new total and why, no error flashed, no order,
    nothing reserved from the offer's listing."""
    with app_session(app) as session:
        club, buyer_org = session.merge(trade.club), session.merge(trade.buyer_org)
        listing = make_listing(club, quantity="5", unit="tấn", price_vnd="38000")
        request = make_demand(buyer_org, quantity="10", unit="tấn")
        offer = make_offer(request, club, "2", price_vnd="40000", listing_id=listing.id)
        offer.status = "accepted"
        session.commit()
    buyer = signed_in(app, trade.buyer, "en")
    page = confirm(buyer, f"/offers/{offer.id}/order").get_data(as_text=True)
    sent = {**carried(page), "step": "place", "expected_amount_vnd": "70000000"}
    response = buyer.post(f"/offers/{offer.id}/order", data={"csrf_token": _token(page), **sent})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "the total is now 80,000,000 ₫ instead of 70,000,000 ₫" in text
    assert 'data-testid="place-order"' in text
    assert _flashes(text) == []
    assert _orders_of(app, trade.buyer_org.id) == 0
    assert _left(app, listing.id) == 5


def _token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


# -- steps, payment option, claim and statement without the token -------------------------------------


def test_confirming_an_order_without_the_form_token_is_refused_and_changes_nothing(app, trade):
    """The token is checked before any view (security.check_csrf): 400, the order still requested."""
    order = _order(app, trade, confirmed=False)
    before = _stored(app, order.id)
    response = signed_in(app, trade.seller).post(f"/orders/{order.id}/confirm")
    assert response.status_code == 400
    assert _stored(app, order.id) == before and before.status == "requested"


def test_choosing_a_deposit_without_the_form_token_is_refused_and_changes_nothing(app, trade):
    order = _order(app, trade, confirmed=True)
    response = signed_in(app, trade.buyer).post(
        f"/orders/{order.id}/payment-option", data={"payment_option": "deposit"}
    )
    assert response.status_code == 400
    assert _stored(app, order.id).payment_option == "full"


def test_choosing_a_payment_option_that_does_not_exist_is_refused_and_changes_nothing(app, trade):
    order = _order(app, trade, confirmed=True)
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/orders/{order.id}/payment-option", {"payment_option": "cheque"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}#pay")
    assert _flashes(buyer.get(response.headers["Location"]).get_data(as_text=True)) == [
        "Choose full payment or a deposit."
    ]
    assert _stored(app, order.id).payment_option == "full"


def test_saying_i_paid_with_a_reference_too_long_on_an_order_not_yet_confirmed_goes_back(app, trade):
    """No money is due on a requested order, so the claim form is not on the page: a claim with a
    reference beyond the form's 200 characters goes back to the order saying what is wrong with
    that field, and opens no claim."""
    order = _order(app, trade, confirmed=False)
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/orders/{order.id}/paid-by-transfer", {"reference": "x" * 201})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}#pay")
    [flashed] = _flashes(buyer.get(response.headers["Location"]).get_data(as_text=True))
    assert flashed.startswith("Transfer reference or note (optional):")
    stored = _stored(app, order.id)
    assert stored.claimed is None and stored.events == 1  # placed, nothing more


def test_a_statement_sent_without_the_form_token_is_refused_and_counts_nothing(app, trade):
    order = _order(app, trade, confirmed=True)
    seller = signed_in(app, trade.seller, "en")
    text = "\ufeffNgày giao dịch;Số tiền;Nội dung\n" + f"29/11/2026;300.000;CHQ {order.id} DH\n"
    response = seller.post(
        f"/orgs/{trade.club.id}/statement",
        content_type="multipart/form-data",
        data={"statement": (io.BytesIO(text.encode("utf-8")), "saoke.csv")},
    )
    assert response.status_code == 400
    stored = _stored(app, order.id)
    assert (stored.status, stored.paid, stored.payments) == ("confirmed", 0, 0)

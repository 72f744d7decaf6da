"""Orders and payments refused, and what the person is told: a quantity or an amount too large, a
listing gone off sale or sold down meanwhile, forms sent half-filled or twice, statement lines for
orders that are not waiting for money, an id no order can have. Each checks that nothing was
stored or reserved."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.messages import MESSAGES
from marketplace.orders.models import Order, Payment
from tests.clients import app_session, csrf_token, post, signed_in
from tests.factories import make_demand, make_listing, make_market, make_offer, make_user
from tests.integration.orders.confirming import confirmed_order, place_confirmed
from tests.pages import refused_beside


@pytest.fixture
def trade(app):
    """A club selling 100 kg of mangoes at 30.000 ₫/kg, a supermarket that buys, and staff."""
    with app_session(app):
        market = make_market("Hội quán Xoài từ chối", "Siêu thị từ chối")
        return SimpleNamespace(**vars(market), staff=make_user("staff", name="Cán bộ từ chối"))


def _left(app, listing_id: int) -> float:
    with app_session(app) as session:
        return float(session.get(Listing, listing_id).quantity_available)


def _orders_of(app, buyer_org_id: int) -> list[Order]:
    with app_session(app) as session:
        return list(session.scalars(select(Order).where(Order.buyer_org_id == buyer_org_id).order_by(Order.id)))


def _flashes(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', text)]


# -- placing an order -------------------------------------------------------------------------------

def test_order_zero_is_not_found(app, trade):
    """No row has id 0 (the id converter lets it through; the view says 404, not a database error)."""
    staff = signed_in(app, trade.staff)
    assert staff.get("/orders/0").status_code == 404
    assert staff.get("/orders/0/receipt").status_code == 404
    seller = signed_in(app, trade.seller)
    assert post(seller, "/orders/0/confirm").status_code == 404
    assert post(signed_in(app, trade.buyer), "/listings/0/order", {"quantity": "5"}).status_code == 404


def test_an_empty_quantity_is_refused_beside_the_field_and_nothing_reserved(app, trade):
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/listings/{trade.listing.id}/order", {"quantity": "", "note": "giao sáng"})
    text = refused_beside(response, "quantity", "required")
    assert "giao sáng" in text  # what was typed is kept
    assert _orders_of(app, trade.buyer_org.id) == []
    assert _left(app, trade.listing.id) == 100


def test_a_quantity_above_the_largest_a_listing_can_hold_is_refused(app, trade):
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/listings/{trade.listing.id}/order", {"quantity": "20.000.000"})
    refused_beside(response, "quantity", "too large")
    assert _orders_of(app, trade.buyer_org.id) == []
    assert _left(app, trade.listing.id) == 100


def test_an_order_worth_more_than_the_largest_amount_is_refused_and_its_reservation_undone(app, trade):
    with app_session(app):
        dear = make_listing(trade.club, quantity="50000", price_vnd="10000000000")  # 10 tỷ ₫/kg, the price cap
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/listings/{dear.id}/order", {"quantity": "20000"})  # 200 nghìn tỷ ₫
    refused_beside(response, "quantity", "too large")
    assert _orders_of(app, trade.buyer_org.id) == []
    assert _left(app, dear.id) == 50_000  # reserved before the amount was known, then rolled back


def test_a_listing_paused_after_the_buyer_read_it_is_said_to_be_off_sale(session, trade):
    """The order reads the listing (on sale), then the club pauses it and commits before the
    reservation runs: the conditional UPDATE finds it paused, and the buyer is told it is not on
    sale (not that too little is left). The pause is written past the session's copy of the
    listing, as another connection's commit would be."""
    listing = session.get(Listing, trade.listing.id)
    assert listing.status == "published"
    session.execute(update(Listing).where(Listing.id == listing.id).values(status="paused")
                    .execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as refused:
        orders.place_order(session, listing.id, session.merge(trade.buyer_org), session.merge(trade.buyer), "10",
                           today=today_in_vietnam())
    assert refused.value.message == str(MESSAGES["not_on_sale"])  # not "only 100 kg left"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Order).where(Order.listing_id == listing.id)) == 0


# -- ordering an offer ------------------------------------------------------------------------------

def _accepted_offer(app, trade, *, listing_quantity: str, listing_unit: str, offered: str, offer_unit: str):
    with app_session(app) as session:
        club, buyer_org = session.merge(trade.club), session.merge(trade.buyer_org)
        listing = make_listing(club, quantity=listing_quantity, unit=listing_unit, price_vnd="38000")
        request = make_demand(buyer_org, quantity="10", unit=offer_unit)
        offer = make_offer(request, club, offered, price_vnd="40000", listing_id=listing.id)
        offer.status = "accepted"
        session.commit()
        return listing, request, offer


def test_an_offer_in_tonnes_reserves_its_weight_from_a_listing_in_kilograms(app, trade):
    listing, request, offer = _accepted_offer(app, trade, listing_quantity="5000", listing_unit="kg", offered="2",
                                              offer_unit="tấn")
    response = place_confirmed(signed_in(app, trade.buyer), f"/offers/{offer.id}/order")
    assert response.status_code == 302 and "/orders/" in response.headers["Location"]
    [order] = _orders_of(app, trade.buyer_org.id)
    assert (order.quantity, order.unit, order.reserved_quantity) == (2, "tấn", 2000)
    assert order.amount_vnd == 80_000_000  # 2 tấn at 40.000 ₫/kg
    assert _left(app, listing.id) == 3000


def test_an_offer_whose_listing_sold_down_meanwhile_says_what_is_left_and_orders_nothing(app, trade):
    listing, request, offer = _accepted_offer(app, trade, listing_quantity="3", listing_unit="tấn", offered="2",
                                              offer_unit="tấn")
    with app_session(app) as session:  # another buyer takes 2,5 tấn of the listing first
        other = make_market("Hội quán khác", "Siêu thị mua trước")
        orders.place_order(session, listing.id, session.merge(other.buyer_org), session.merge(other.buyer), "2,5",
                           today=today_in_vietnam())
        session.commit()
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/offers/{offer.id}/order")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/demand/{request.id}#offers")
    assert "Only 0.5 tonnes left: order at most that." in _flashes(buyer.get(response.headers["Location"])
                                                                 .get_data(as_text=True))
    assert _orders_of(app, trade.buyer_org.id) == []
    assert _left(app, listing.id) == 0.5


def test_a_note_too_long_on_an_offers_order_is_said_not_called_an_expired_form(app, trade):
    listing, request, offer = _accepted_offer(app, trade, listing_quantity="5", listing_unit="tấn", offered="2",
                                              offer_unit="tấn")
    buyer = signed_in(app, trade.buyer, "en")
    response = post(buyer, f"/offers/{offer.id}/order", {"note": "Giao trước 6 giờ sáng. " * 60})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/demand/{request.id}#offers")
    flashed = _flashes(buyer.get(response.headers["Location"]).get_data(as_text=True))
    assert flashed and "expired" not in " ".join(flashed)
    assert "Note for the seller (delivery, packing): Use at most 1000 characters." in flashed
    assert _orders_of(app, trade.buyer_org.id) == []
    assert _left(app, listing.id) == 5


# -- transfers received -----------------------------------------------------------------------------

def _confirmed(app, trade, quantity="10") -> Order:
    return confirmed_order(app, trade.listing.id, trade.buyer_org, trade.buyer, trade.seller, quantity)


def _payments(app, order_id: int) -> list[Payment]:
    with app_session(app) as session:
        return list(session.scalars(select(Payment).where(Payment.order_id == order_id)))


def test_a_received_form_sent_empty_keeps_its_token_so_the_corrected_one_counts_once(app, trade):
    order = _confirmed(app, trade)  # 300.000 ₫
    seller = signed_in(app, trade.seller, "en")
    response = post(seller, f"/orders/{order.id}/received", {"amount_vnd": "", "token": "form-shown-once"})
    refused_beside(response, "amount_vnd", "required")
    assert 'name="token" type="hidden" value="form-shown-once"' in response.get_data(as_text=True)
    assert _payments(app, order.id) == []
    for _ in range(2):  # corrected (a part payment, confirmed as asked), then sent again (a double click)
        post(seller, f"/orders/{order.id}/received", {"amount_vnd": "100000", "token": "form-shown-once",
                                                      "accept_amount": "100000"})
    [payment] = _payments(app, order.id)
    assert payment.amount_vnd == 100_000


def test_the_same_received_form_twice_records_once_and_says_so(app, trade):
    order = _confirmed(app, trade)
    seller = signed_in(app, trade.seller, "en")
    part = {"amount_vnd": "100000", "token": "t-1", "accept_amount": "100000"}  # a part payment, confirmed
    first = post(seller, f"/orders/{order.id}/received", part, follow_redirects=True)
    assert "The payment is recorded." in _flashes(first.get_data(as_text=True))
    again = post(seller, f"/orders/{order.id}/received", part, follow_redirects=True)
    assert "This payment was already recorded." in _flashes(again.get_data(as_text=True))
    with app_session(app) as session:
        assert session.get(Order, order.id).amount_paid_vnd == 100_000
    assert len(_payments(app, order.id)) == 1


# -- bank statements --------------------------------------------------------------------------------

def _statement(*lines: str) -> tuple[io.BytesIO, str]:
    text = "\ufeffNgày giao dịch;Số tiền;Nội dung\n" + "\n".join(lines) + "\n"
    return io.BytesIO(text.encode("utf-8")), "saoke.csv"


def test_a_statement_upload_without_a_file_asks_for_one(app, trade):
    seller = signed_in(app, trade.seller, "en")
    response = seller.post(f"/orgs/{trade.club.id}/statement", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(seller)})
    assert response.status_code == 422
    assert "Choose the statement file first." in response.get_data(as_text=True)


def test_statement_lines_for_orders_not_waiting_for_money_are_listed_not_counted(app, trade):
    with app_session(app) as session:
        today = today_in_vietnam()
        requested = orders.place_order(session, trade.listing.id, session.merge(trade.buyer_org),
                                       session.merge(trade.buyer), "10", today=today)
        cancelled = orders.place_order(session, trade.listing.id, session.merge(trade.buyer_org),
                                       session.merge(trade.buyer), "5", today=today)
        orders.change(session, cancelled, "cancel", actor="buyer", user=session.merge(trade.buyer), today=today)
        session.commit()
    seller = signed_in(app, trade.seller, "en")
    response = post(seller, f"/orgs/{trade.club.id}/statement",
                    {"statement": _statement(f"29/11/2026;300.000;CHQ {requested.id} DH",
                                             f"29/11/2026;150.000;CHQ {cancelled.id} DH")},
                    content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not matched (2)" in page
    assert f"{requested.ref} is not waiting for a payment." in page
    assert f"{cancelled.ref} is not waiting for a payment." in page
    assert _payments(app, requested.id) == [] and _payments(app, cancelled.id) == []
    with app_session(app) as session:
        assert [session.get(Order, o.id).status for o in (requested, cancelled)] == ["requested", "cancelled"]

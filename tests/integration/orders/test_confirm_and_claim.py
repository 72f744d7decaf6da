"""Issue #16: an order is placed only after its total was shown (from a listing and from an offer),
at that total and once; the seller types the amount that arrived; the buyer says "I have paid"
and the seller is told."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices
from marketplace.orders.models import Order, OrderEvent, Payment
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_demand, make_listing, make_market, make_offer, make_user
from tests.integration.orders.confirming import carried, confirm, confirmed_order
from tests.pages import refused_beside


@pytest.fixture
def shop(app):
    """A club selling 10 tấn of mangoes at 45.000 ₫ a kg (min. 0,2 tấn), a supermarket and staff."""
    with app_session(app):
        market = make_market("Hội quán Xoài xác nhận", "Siêu thị xác nhận")
        listing = make_listing(market.club, quantity="10", unit="tấn", price_vnd="45000", min_order="0,2",
                               variety="cát Chu", delivery_area="Giao tại TP. Cao Lãnh")
        other = make_market("Hội quán khác xác nhận", "Siêu thị khác xác nhận")
        return SimpleNamespace(**vars(market), tonnes=listing, other_buyer=other.buyer, other_seller=other.seller,
                               staff=make_user("staff", name="Cán bộ xác nhận"))


def _orders(app, listing_id: int) -> list[Order]:
    with app_session(app) as session:
        return list(session.scalars(select(Order).where(Order.listing_id == listing_id).order_by(Order.id)))


def _left(app, listing_id: int) -> float:
    with app_session(app) as session:
        return float(session.get(Listing, listing_id).quantity_available)


def _path(shop) -> str:
    return f"/listings/{shop.tonnes.id}/order"


# -- the confirmation page ----------------------------------------------------------------------

def test_the_confirmation_shows_the_total_and_places_nothing(app, shop):
    buyer = signed_in(app, shop.buyer)  # Vietnamese, the site's default
    response = confirm(buyer, _path(shop), {"quantity": "0,5", "note": "Giao sáng thứ Bảy"})
    page = text_of(response)
    summary = page[page.index('data-testid="order-summary"'):page.index("</section>", page.index("order-summary"))]
    assert "0,5 tấn" in summary and "45.000 ₫ / kg" in summary
    assert re.search(r'data-testid="confirm-total">22\.500\.000 ₫<', summary)  # 500 kg × 45.000 ₫
    assert "Giao tại TP. Cao Lãnh" in summary and "Giao sáng thứ Bảy" in summary
    assert ">Đặt hàng</button>" in page and ">Sửa lại</button>" in page
    assert carried(page)["expected_amount_vnd"] == "22500000"
    assert _orders(app, shop.tonnes.id) == [] and _left(app, shop.tonnes.id) == 10  # nothing reserved


def test_place_the_order_places_it_once_however_often_the_page_is_sent(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    page = confirm(buyer, _path(shop), {"quantity": "0,5"}).get_data(as_text=True)
    final = {**carried(page), "step": "place"}
    first = post(buyer, _path(shop), final)
    assert first.status_code == 302 and re.search(r"/orders/\d+$", first.headers["Location"])
    again = post(buyer, _path(shop), final, follow_redirects=True)  # a double tap, or the page sent again
    assert "This order was already placed" in text_of(again)
    [order] = _orders(app, shop.tonnes.id)
    assert first.headers["Location"].endswith(f"/orders/{order.id}")
    assert (order.quantity, order.amount_vnd, order.unit) == (0.5, 22_500_000, "tấn")
    assert _left(app, shop.tonnes.id) == 9.5  # reserved once


def test_change_goes_back_to_the_form_with_everything_kept(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    page = confirm(buyer, _path(shop), {"quantity": "0,5", "note": "cổng sau"}).get_data(as_text=True)
    back = post(buyer, _path(shop), {**carried(page), "step": "edit"})
    assert back.status_code == 200
    text = text_of(back)
    assert 'data-testid="order-submit"' in text and 'value="0,5"' in text and "cổng sau" in text
    assert _orders(app, shop.tonnes.id) == []


def test_place_without_a_total_shown_shows_the_confirmation_instead(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    response = post(buyer, _path(shop), {"quantity": "1", "step": "place"})  # no total seen
    assert response.status_code == 200 and "45,000,000 ₫" in text_of(response)
    assert _orders(app, shop.tonnes.id) == []


def test_a_price_changed_after_the_confirmation_is_told_and_not_applied(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    page = confirm(buyer, _path(shop), {"quantity": "0,5"}).get_data(as_text=True)
    with app_session(app) as session:  # the club raises its price meanwhile
        session.execute(update(Listing).where(Listing.id == shop.tonnes.id).values(price_vnd=48000))
        session.commit()
    changed = post(buyer, _path(shop), {**carried(page), "step": "place"})
    assert changed.status_code == 409
    text = text_of(changed)
    assert "The price changed since you looked: the total is now 24,000,000 ₫ instead of 22,500,000 ₫." in text
    assert 'data-testid="place-order"' in text and carried(text)["expected_amount_vnd"] == "24000000"
    assert _orders(app, shop.tonnes.id) == [] and _left(app, shop.tonnes.id) == 10
    # Placing from the page that shows the new total places it, at that total.
    assert post(buyer, _path(shop), {**carried(text), "step": "place"}).status_code == 302
    [order] = _orders(app, shop.tonnes.id)
    assert (order.unit_price_vnd, order.amount_vnd) == (48_000, 24_000_000)


def test_stock_sold_down_after_the_confirmation_is_told_and_nothing_placed(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    page = confirm(buyer, _path(shop), {"quantity": "2"}).get_data(as_text=True)
    with app_session(app) as session:  # another buyer takes 8,5 tấn first
        other = make_market("Hội quán mua trước", "Siêu thị mua trước xác nhận")
        orders.place_order(session, shop.tonnes.id, session.merge(other.buyer_org), session.merge(other.buyer),
                           "8,5", today=today_in_vietnam())
        session.commit()
    response = post(buyer, _path(shop), {**carried(page), "step": "place"})
    assert response.status_code == 409
    text = text_of(response)
    assert "Only 1.5 tonnes left: order at most that." in text
    assert 'data-testid="order-submit"' in text and 'value="2"' in text  # the form, as typed
    assert [o.buyer_org_id for o in _orders(app, shop.tonnes.id)] != [shop.buyer_org.id]
    assert _left(app, shop.tonnes.id) == 1.5


def test_the_confirmation_refuses_what_placing_would(app, shop):
    buyer = signed_in(app, shop.buyer, "en")
    refused_beside(post(buyer, _path(shop), {"quantity": "0,1"}), "quantity", "minimum order is 0.2 tonnes")
    too_much = post(buyer, _path(shop), {"quantity": "11"})
    assert too_much.status_code == 409 and "Only 10 tonnes left" in text_of(too_much)
    assert _orders(app, shop.tonnes.id) == []


def test_an_offer_is_confirmed_with_its_total_and_delivery_then_placed_once(app, shop):
    from datetime import timedelta

    with app_session(app) as session:
        request = make_demand(session.merge(shop.buyer_org), quantity="5", unit="tấn")
        offer = make_offer(request, session.merge(shop.club), "2", price_vnd="40000",
                           delivery_date=today_in_vietnam() + timedelta(days=7), note="Hàng tuyển loại 1")
        offer.status = "accepted"
        session.commit()
        offer_id = offer.id
    buyer = signed_in(app, shop.buyer, "en")
    page = text_of(confirm(buyer, f"/offers/{offer_id}/order"))
    assert "80,000,000 ₫" in page and "2 tonnes" in page and "Hàng tuyển loại 1" in page and "Delivery" in page
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Order).where(Order.offer_id == offer_id)) == 0
    final = {**carried(page), "note": "Giao kho Sa Đéc", "step": "place"}
    assert post(buyer, f"/offers/{offer_id}/order", final).status_code == 302
    again = post(buyer, f"/offers/{offer_id}/order", final)
    assert again.status_code == 302 and "/orders/" in again.headers["Location"]
    with app_session(app) as session:
        [order] = session.scalars(select(Order).where(Order.offer_id == offer_id)).all()
        assert (order.amount_vnd, order.note) == (80_000_000, "Giao kho Sa Đéc")


# -- the amount received ------------------------------------------------------------------------

def _confirmed(app, shop, quantity="0,5") -> Order:
    return confirmed_order(app, shop.tonnes.id, shop.buyer_org, shop.buyer, shop.seller, quantity)


def _paid(app, order_id: int) -> tuple[str, int, int]:
    with app_session(app) as session:
        order = session.get(Order, order_id)
        count = session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id))
        return order.status, int(order.amount_paid_vnd), count


def test_the_amount_received_is_empty_required_with_the_amount_due_beside_it(app, shop):
    order = _confirmed(app, shop)
    seller = signed_in(app, shop.seller, "en")
    page = text_of(seller.get(f"/orders/{order.id}"))
    field = re.search(r'<input[^>]*name="amount_vnd"[^>]*>', page).group(0)
    assert re.search(r'value=""', field) or "value=" not in field  # nothing pre-filled: one tap records nothing
    assert " required" in field
    assert "Due now: 22,500,000 ₫" in page
    response = post(seller, f"/orders/{order.id}/received", {"amount_vnd": "", "token": "t-empty"})
    refused_beside(response, "amount_vnd", "required")
    assert _paid(app, order.id) == ("confirmed", 0, 0)


@pytest.mark.parametrize("typed", ["22,5 triệu", "22.500.000", "22500k", "22,5tr", "22 500 000 đ", "22.500.000 VND"])
def test_the_amount_is_read_as_people_write_money(app, shop, typed):
    order = _confirmed(app, shop)
    seller = signed_in(app, shop.seller, "en")
    response = post(seller, f"/orders/{order.id}/received", {"amount_vnd": typed, "token": "t-typed"})
    assert response.status_code == 302, typed
    assert _paid(app, order.id) == ("paid", 22_500_000, 1)


def test_another_amount_than_the_one_due_is_asked_then_recorded_as_a_part_payment(app, shop):
    order = _confirmed(app, shop)
    seller = signed_in(app, shop.seller, "en")
    asked = post(seller, f"/orders/{order.id}/received", {"amount_vnd": "2,25 triệu", "token": "t-part"})
    text = refused_beside(asked, "amount_vnd", "You typed 2,250,000 ₫ but 22,500,000 ₫ is due.")
    assert "20,250,000 ₫ stays due" in text
    assert re.search(r'name="accept_amount" value="2250000"', text) and 'value="2,25 triệu"' in text
    assert _paid(app, order.id) == ("confirmed", 0, 0)
    # The button confirms exactly the amount typed; another amount typed meanwhile is asked again.
    changed = post(seller, f"/orders/{order.id}/received",
                   {"amount_vnd": "3.000.000", "token": "t-part", "accept_amount": "2250000"})
    assert changed.status_code == 422 and _paid(app, order.id) == ("confirmed", 0, 0)
    recorded = post(seller, f"/orders/{order.id}/received",
                    {"amount_vnd": "2,25 triệu", "token": "t-part", "accept_amount": "2250000"})
    assert recorded.status_code == 302
    assert _paid(app, order.id) == ("confirmed", 2_250_000, 1)
    page = text_of(seller.get(f"/orders/{order.id}?lang=en"))
    assert "Due now: 20,250,000 ₫" in page


# -- "I have paid" ------------------------------------------------------------------------------

def _claims(app, order_id: int) -> list[OrderEvent]:
    with app_session(app) as session:
        return list(session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id,
                                                             OrderEvent.kind == "payment_claimed")))


def test_i_have_paid_is_recorded_once_told_to_the_seller_and_counts_no_money(app, shop):
    order = _confirmed(app, shop)
    buyer = signed_in(app, shop.buyer, "en")
    page = text_of(buyer.get(f"/orders/{order.id}"))
    assert 'data-testid="claim-paid"' in page and "I have paid" in page
    first = post(buyer, f"/orders/{order.id}/paid-by-transfer", {"reference": "FT2634\x00 1234"},
                 follow_redirects=True)
    assert "the seller is told you paid" in text_of(first)
    again = post(buyer, f"/orders/{order.id}/paid-by-transfer", {"reference": "lần hai"}, follow_redirects=True)
    assert "The seller was already told you paid." in text_of(again)
    [claim] = _claims(app, order.id)
    assert (claim.note, claim.from_status, claim.to_status) == ("FT2634 1234", "confirmed", "confirmed")
    assert _paid(app, order.id) == ("confirmed", 0, 0)  # a claim is not money
    page = text_of(buyer.get(f"/orders/{order.id}"))
    assert 'data-testid="claim-open"' in page and 'data-testid="claim-paid"' not in page
    assert "The buyer says they paid by transfer" in page and "FT2634 1234" in page  # in the history

    with app_session(app) as session:  # the worker tells the seller, once
        assert notices.send_notices(session) >= 1
        session.commit()
        seller_id = shop.seller.id
        told = session.scalars(select(Notification).where(Notification.user_id == seller_id,
                                                          Notification.kind == "order_claim_paid")).all()
        mails = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == seller_id)).all()
        assert len(told) == 1 and notices.send_notices(session) == 0
    assert any("22.500.000" in m.body and order.ref in m.body for m in mails)
    bell = html.unescape(signed_in(app, shop.seller, "en").get("/notifications").get_data(as_text=True))
    assert (f"Siêu thị xác nhận says they paid 22,500,000 ₫ by transfer for order {order.ref}"
            in bell) and "“FT2634 1234”" in bell
    seller_page = text_of(signed_in(app, shop.seller, "en").get(f"/orders/{order.id}"))
    assert "The buyer says they paid by transfer on" in seller_page and "FT2634 1234" in seller_page


def test_a_payment_recorded_answers_the_claim_and_a_later_one_can_be_made(app, shop):
    order = _confirmed(app, shop)
    buyer = signed_in(app, shop.buyer, "en")
    post(buyer, f"/orders/{order.id}/payment-option", {"payment_option": "deposit"})
    assert post(buyer, f"/orders/{order.id}/paid-by-transfer", {}).status_code == 302
    seller = signed_in(app, shop.seller, "en")
    assert post(seller, f"/orders/{order.id}/received", {"amount_vnd": "6.750.000", "token": "dep"}).status_code == 302
    assert _paid(app, order.id) == ("paid", 6_750_000, 1)
    assert 'data-testid="claim-paid"' in buyer.get(f"/orders/{order.id}").get_data(as_text=True)  # the balance
    assert post(buyer, f"/orders/{order.id}/paid-by-transfer", {}).status_code == 302
    assert len(_claims(app, order.id)) == 2


def test_only_the_orders_buyer_may_say_they_paid_and_only_while_money_is_due(app, shop):
    with app_session(app) as session:
        requested = orders.place_order(session, shop.tonnes.id, session.merge(shop.buyer_org),
                                       session.merge(shop.buyer), "1", today=today_in_vietnam())
        session.commit()
    order = _confirmed(app, shop)
    for user in (shop.other_buyer, shop.seller, shop.other_seller, shop.staff):
        assert post(signed_in(app, user), f"/orders/{order.id}/paid-by-transfer", {}).status_code == 403
    anonymous = app.test_client()
    response = post(anonymous, f"/orders/{order.id}/paid-by-transfer", {})
    assert response.status_code in (302, 401) and "/login" in response.headers.get("Location", "/login")
    assert post(signed_in(app, shop.buyer), "/orders/999999/paid-by-transfer", {}).status_code == 404
    buyer = signed_in(app, shop.buyer, "en")
    early = post(buyer, f"/orders/{requested.id}/paid-by-transfer", {}, follow_redirects=True)
    assert "This order is not waiting for a transfer from you." in text_of(early)
    assert 'data-testid="claim-paid"' not in buyer.get(f"/orders/{requested.id}").get_data(as_text=True)
    assert _claims(app, order.id) == [] and _claims(app, requested.id) == []
    too_long = post(buyer, f"/orders/{order.id}/paid-by-transfer", {"reference": "x" * 201})
    refused_beside(too_long, "reference")
    assert _claims(app, order.id) == []


# -- the API: a preview, and the total it returned held on placing -------------------------------

def test_the_api_previews_the_total_and_places_only_at_that_total(app, shop):
    from tests.clients import api_token

    token = api_token(app, shop.buyer)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    body = {"listing_id": shop.tonnes.id, "quantity": "0,5"}
    preview = client.post("/api/v1/orders/preview", json=body, headers=headers)
    assert preview.status_code == 200
    assert preview.get_json() == {"listing_id": shop.tonnes.id, "title": preview.get_json()["title"], "quantity": 0.5,
                                  "unit": "tấn", "unit_price_vnd": 45_000, "price_unit": "kg",
                                  "amount_vnd": 22_500_000, "deposit_vnd": 6_750_000}
    assert _orders(app, shop.tonnes.id) == [] and _left(app, shop.tonnes.id) == 10
    refused = client.post("/api/v1/orders/preview?lang=en", json={**body, "quantity": "11"}, headers=headers)
    assert refused.status_code == 409 and "Only 10 tonnes left" in refused.get_json()["error"]

    with app_session(app) as session:
        session.execute(update(Listing).where(Listing.id == shop.tonnes.id).values(price_vnd=48000))
        session.commit()
    stale = client.post("/api/v1/orders?lang=en", json={**body, "expected_amount_vnd": 22_500_000}, headers=headers)
    assert stale.status_code == 409 and "24,000,000 ₫ instead of 22,500,000 ₫" in stale.get_json()["error"]
    bad = client.post("/api/v1/orders", json={**body, "expected_amount_vnd": "nhiều"}, headers=headers)
    assert bad.status_code == 422 and "expected_amount_vnd" in bad.get_json()["fields"]
    assert _orders(app, shop.tonnes.id) == []
    placed = client.post("/api/v1/orders", json={**body, "expected_amount_vnd": 24_000_000}, headers=headers)
    assert placed.status_code == 201 and placed.get_json()["amount_vnd"] == 24_000_000
    assert client.post("/api/v1/orders", json=body, headers=headers).status_code == 201  # without: as before


def test_a_key_taken_between_the_look_up_and_the_insert_returns_the_first_order_and_gives_back(app, shop,
                                                                                            monkeypatch):
    """What the second of two simultaneous sends of one page meets on PostgreSQL, made to happen in
    order: the look-up finds nothing, the reservation is made, the insert fails on the key."""
    with app_session(app) as session:
        first = orders.place_order(session, shop.tonnes.id, session.merge(shop.buyer_org), session.merge(shop.buyer),
                                   "1", today=today_in_vietnam(), expected_amount_vnd=45_000_000, placing_key="k-1")
        session.commit()
        first_id = first.id
    looked_up = []

    def finds_nothing_first(db, buyer_org_id, key, real=orders.placed_with):
        looked_up.append(key)
        return None if len(looked_up) == 1 else real(db, buyer_org_id, key)

    monkeypatch.setattr(orders, "placed_with", finds_nothing_first)
    with app_session(app) as session:
        again = orders.place_order(session, shop.tonnes.id, session.merge(shop.buyer_org), session.merge(shop.buyer),
                                   "1", today=today_in_vietnam(), expected_amount_vnd=45_000_000, placing_key="k-1")
        session.commit()
        assert again.id == first_id and len(looked_up) == 2
    assert len(_orders(app, shop.tonnes.id)) == 1 and _left(app, shop.tonnes.id) == 9  # reserved once


def test_a_note_too_long_on_an_offers_confirmation_page_is_said_there_and_kept(app, shop):
    with app_session(app) as session:
        request = make_demand(session.merge(shop.buyer_org), quantity="5", unit="tấn")
        offer = make_offer(request, session.merge(shop.club), "2", price_vnd="40000")
        offer.status = "accepted"
        session.commit()
        offer_id = offer.id
    buyer = signed_in(app, shop.buyer, "en")
    page = text_of(confirm(buyer, f"/offers/{offer_id}/order"))
    note = "Giao trước 6 giờ sáng. " * 60
    response = post(buyer, f"/offers/{offer_id}/order", {**carried(page), "note": note, "step": "place"})
    text = refused_beside(response, "note", "at most 1000 characters")
    assert "80,000,000 ₫" in text and note.strip() in text and 'data-testid="place-order"' in text
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Order).where(Order.offer_id == offer_id)) == 0

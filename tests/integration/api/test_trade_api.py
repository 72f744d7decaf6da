"""Club-to-club trade through the API (issue #19): a cooperative's board posts a request and
orders from a member club, never from itself (409); a club's seller who is not on its board may not
buy (403), its buyer may; offers listed, made, decided; an order confirmed, paid once per
Idempotency-Key and delivered; 403/404/409/422 as the rest of the API. Every response is checked
against the OpenAPI document (conftest)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts import services as accounts
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import Offer
from marketplace.orders.models import Order, Payment
from tests.clients import api_token, app_session
from tests.factories import make_demand, make_listing, make_org, make_user


def call(client, path: str, token: str, body: dict | None = None, **headers):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", **headers})


def get(client, path: str, token: str):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


class Trade:
    """A cooperative (its board member acts for it) and a member club with a listing of mangoes."""


@pytest.fixture
def trade(app) -> Trade:
    t = Trade()
    with app_session(app) as session:
        coop = make_org("cooperative", name="HTX Xoài Thử API")
        club = make_org("club", name="Hội quán Xoài Thử API")
        board = make_user(None, name="Chủ nhiệm HTX")
        accounts.add_member(session, coop, board, "seller", board=True)
        plain_seller = make_user("seller", coop, name="Người bán HTX")  # not on the board
        coop_buyer = make_user("buyer", coop, name="Người mua HTX")
        club_seller = make_user("seller", club, name="Chủ nhiệm Hội quán")
        session.commit()
        t.coop_id, t.club_id = coop.id, club.id
        t.coop_listing = make_listing(coop, quantity="500", price_vnd="30000").id
        t.club_listing = make_listing(club, quantity="500", price_vnd="25000").id
        t.demand = make_demand(coop, quantity="10", unit="tấn", quality_notes="Để đóng gói xuất khẩu").id
        users = (board, plain_seller, coop_buyer, club_seller)
    t.board, t.plain, t.coop_buyer, t.club = (api_token(app, u) for u in users)
    return t


def test_a_cooperatives_board_orders_from_a_member_club_never_from_itself(app, client, trade):
    today = today_in_vietnam().isoformat()
    response = call(client, "/api/v1/orders", trade.board, {"listing_id": trade.club_listing, "quantity": "20"})
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["buyer"]["id"] == trade.coop_id and order["seller"]["id"] == trade.club_id
    own = call(client, "/api/v1/orders", trade.board, {"listing_id": trade.coop_listing, "quantity": "20"})
    assert own.status_code == 409
    assert "own organisation" in own.get_json()["error"] or "chính" in own.get_json()["error"]
    # and a request posted by the cooperative's board
    posted = call(client, "/api/v1/demand", trade.board, {
        "product": "xoai", "variety": "cat chu", "quantity": "10", "unit": "tấn",
        "needed_from": today, "needed_to": (today_in_vietnam() + timedelta(days=30)).isoformat()})
    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json()["org"]["id"] == trade.coop_id


def test_a_clubs_seller_not_on_its_board_cannot_buy_its_buyer_can(app, client, trade):
    body = {"listing_id": trade.club_listing, "quantity": "5"}
    assert call(client, "/api/v1/orders", trade.plain, body).status_code == 403
    assert call(client, "/api/v1/orders", trade.coop_buyer, body).status_code == 201
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_offers_are_made_listed_and_decided_once(app, client, trade):
    path = f"/api/v1/demand/{trade.demand}/offers"
    made = call(client, path, trade.club, {"quantity": "4,5", "price_vnd": "28k", "listing_id": trade.club_listing,
                                           "note": "Xoai cat Chu loai 1"})
    assert made.status_code == 201, made.get_json()
    offer = made.get_json()
    assert (offer["quantity"], offer["price_vnd"], offer["status"]) == (4.5, 28000, "pending")
    # the cooperative sees every offer, the club its own
    assert get(client, path, trade.board).get_json()["total"] == 1
    assert get(client, path, trade.club).get_json()["results"][0]["id"] == offer["id"]
    # the cooperative cannot offer on its own request (nor the club a second time)
    assert call(client, path, trade.board, {"quantity": "1"}).status_code == 409
    assert call(client, path, trade.club, {"quantity": "1"}).status_code == 422
    # only the buyer decides; a second decision is a conflict
    assert call(client, f"/api/v1/offers/{offer['id']}/accept", trade.club).status_code == 403
    accepted = call(client, f"/api/v1/offers/{offer['id']}/accept", trade.board)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert call(client, f"/api/v1/offers/{offer['id']}/accept", trade.board).status_code == 409
    assert call(client, f"/api/v1/offers/{offer['id']}/withdraw", trade.board).status_code == 403
    withdrawn = call(client, f"/api/v1/offers/{offer['id']}/withdraw", trade.club)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert call(client, f"/api/v1/offers/{offer['id']}/decline", trade.board).status_code == 409


def test_bad_offers_and_unknown_ids(app, client, trade):
    path = f"/api/v1/demand/{trade.demand}/offers"
    bad = call(client, path, trade.club, {"quantity": "nhieu", "price_vnd": "re lam"})
    assert bad.status_code == 422 and {"quantity", "price_vnd"} <= set(bad.get_json()["fields"])
    assert call(client, path, trade.club, {"quantity": "1", "listing_id": "abc"}).status_code == 422
    assert call(client, path, trade.club, {"quantity": "1", "listing_id": "²"}).status_code == 422  # isdigit, not int
    assert call(client, path, trade.club, {"quantity": "1", "listing_id": trade.coop_listing}).status_code == 422
    assert call(client, "/api/v1/demand/999999/offers", trade.club, {"quantity": "1"}).status_code == 404
    assert get(client, "/api/v1/demand/999999/offers", trade.club).status_code == 404
    assert call(client, "/api/v1/offers/999999/accept", trade.board).status_code == 404
    assert call(client, "/api/v1/orders/99999999999999999999/confirm", trade.club).status_code == 404
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == 0


def test_a_closed_request_refuses_offers_with_409(app, client, trade):
    with app_session(app) as session:
        closed = make_demand(accounts.get_organization(session, trade.coop_id), status="closed").id
    response = call(client, f"/api/v1/demand/{closed}/offers", trade.club, {"quantity": "1"})
    assert response.status_code == 409


def _ordered(client, trade) -> int:
    response = call(client, "/api/v1/orders", trade.board, {"listing_id": trade.club_listing, "quantity": "10"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_seller_confirms_records_a_payment_once_per_key_and_delivers(app, client, trade):
    order_id = _ordered(client, trade)
    assert call(client, f"/api/v1/orders/{order_id}/confirm", trade.board).status_code == 403  # the buyer
    confirmed = call(client, f"/api/v1/orders/{order_id}/confirm", trade.club)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert call(client, f"/api/v1/orders/{order_id}/confirm", trade.club).status_code == 409
    assert call(client, f"/api/v1/orders/{order_id}/deliver", trade.club).status_code == 409  # not paid yet

    path = f"/api/v1/orders/{order_id}/payments"
    assert call(client, path, trade.club, {"amount_vnd": "250k"}).status_code == 422  # no key
    assert call(client, path, trade.board, {"amount_vnd": "250k"}, **{"Idempotency-Key": "k1"}).status_code == 403
    other = call(client, path, trade.club, {"amount_vnd": "100.000"}, **{"Idempotency-Key": "bank-line-7"})
    assert other.status_code == 422  # not the 250.000 due: asked first
    first = call(client, path, trade.club, {"amount_vnd": "250.000"}, **{"Idempotency-Key": "bank-line-7"})
    assert first.status_code == 201, first.get_json()
    again = call(client, path, trade.club, {"amount_vnd": "250.000"}, **{"Idempotency-Key": "bank-line-7"})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["order"]["status"] == "paid"
    with app_session(app) as session:
        payments = list(session.scalars(select(Payment).where(Payment.order_id == order_id)))
        assert len(payments) == 1 and "bank-line-7" not in payments[0].reference  # only its SHA-256
    delivered = call(client, f"/api/v1/orders/{order_id}/deliver", trade.club)
    assert delivered.status_code == 200 and delivered.get_json()["status"] == "delivered"


def test_a_seller_declines_with_a_reason(app, client, trade):
    order_id = _ordered(client, trade)
    declined = call(client, f"/api/v1/orders/{order_id}/decline", trade.club, {"note": "Het xoai loai 1"})
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    too_long = call(client, f"/api/v1/orders/{_ordered(client, trade)}/decline", trade.club, {"note": "x" * 2000})
    assert too_long.status_code == 422

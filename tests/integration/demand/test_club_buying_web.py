"""Clubs and cooperatives buy on the web pages too (issue #19): a cooperative's board posts a
request and orders from another club; a person in two organisations chooses which one with
?org=; never from itself (no button, and a clear message when sent anyway); a club's seller who is
not on its board may not buy (403); the club's buyer may; matching leaves out the organisation's
own listings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts import services as accounts
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost, Offer
from marketplace.matching import services as matching
from marketplace.orders.models import Order
from tests.clients import api_token, app_session, post, signed_in, text_of
from tests.factories import make_demand, make_listing, make_org, make_user
from tests.integration.orders.confirming import place_confirmed
from tests.pages import dmy


class World:
    pass


@pytest.fixture
def world(app) -> World:
    w = World()
    with app_session(app) as session:
        w.coop = make_org("cooperative", name="HTX Xoài Thử Web")
        w.club = make_org("club", name="Hội quán Xoài Mỹ Xương Thử")
        w.trader = make_org("trader", name="Thương lái Thử Web")
        w.board = make_user(None, name="Ban chủ nhiệm HTX")
        accounts.add_member(session, w.coop, w.board, "seller", board=True)
        accounts.add_member(session, w.trader, w.board, "buyer")  # also a trader, joined later
        w.plain = make_user("seller", w.coop, name="Người bán HTX")
        w.coop_buyer = make_user("buyer", w.coop, name="Người mua HTX")
        w.club_seller = make_user("seller", w.club, name="Chủ nhiệm Hội quán")
        session.commit()
        w.coop_listing = make_listing(w.coop, quantity="500", price_vnd="30000")
        w.club_listing = make_listing(w.club, quantity="500", price_vnd="25000")
    return w


def demand_form() -> dict:
    today = today_in_vietnam()
    return {"product": "xoai", "variety": "cat chu", "quantity": "10", "unit": "tấn", "frequency": "once",
            "needed_from": dmy(today), "needed_to": dmy(today + timedelta(days=60)), "commune_query": "",
            "commune_code": "", "price_min_vnd": "", "price_max_vnd": "", "min_ocop_stars": "",
            "export_market": "My", "quality_notes": "De dong goi xuat khau"}


def count(app, model, *where) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_cooperatives_board_posts_a_request_for_the_cooperative_or_the_trader(app, world):
    board = signed_in(app, world.board, "en")
    response = post(board, "/demand/new", demand_form())  # first organisation: the cooperative
    assert response.status_code == 302, text_of(response)[:2000]
    response = post(board, f"/demand/new?org={world.trader.id}", demand_form())
    assert response.status_code == 302
    assert count(app, DemandPost, DemandPost.organization_id == world.coop.id) == 1
    assert count(app, DemandPost, DemandPost.organization_id == world.trader.id) == 1
    assert post(board, f"/demand/new?org={world.club.id}", demand_form()).status_code == 404  # not theirs


def test_a_club_orders_from_another_club_never_from_itself(app, world):
    board = signed_in(app, world.board)
    own_page = text_of(board.get(f"/listings/{world.coop_listing.id}"))
    assert f'action="/listings/{world.coop_listing.id}/order"' not in own_page  # no order form on its own
    assert f'action="/listings/{world.club_listing.id}/order"' in text_of(board.get(f"/listings/{world.club_listing.id}"))
    refused = post(board, f"/listings/{world.coop_listing.id}/order", {"quantity": "5"})
    assert refused.status_code == 409
    assert "chính tổ chức mình" in text_of(refused)
    placed = place_confirmed(board, f"/listings/{world.club_listing.id}/order", {"quantity": "20"})
    assert placed.status_code == 302
    assert count(app, Order, Order.buyer_org_id == world.coop.id, Order.seller_org_id == world.club.id) == 1
    assert count(app, Order, Order.seller_org_id == world.coop.id) == 0


def test_a_clubs_seller_off_the_board_cannot_buy_its_buyer_can(app, world):
    plain = signed_in(app, world.plain, "en")
    assert post(plain, f"/listings/{world.club_listing.id}/order", {"quantity": "5"}).status_code == 403
    assert post(plain, "/demand/new", demand_form()).status_code == 302  # sent away with a message
    assert count(app, DemandPost) == 0
    buyer = signed_in(app, world.coop_buyer, "en")
    assert place_confirmed(buyer, f"/listings/{world.club_listing.id}/order", {"quantity": "5"}).status_code == 302
    assert count(app, Order) == 1


def test_no_offer_on_the_organisations_own_request(app, world):
    with app_session(app) as session:
        request = make_demand(session.merge(world.coop), quantity="10", unit="tấn")
    board = signed_in(app, world.board)
    page = text_of(board.get(f"/demand/{request.id}"))
    assert 'data-testid="offer-submit"' not in page
    refused = post(board, f"/demand/{request.id}/offers", {"quantity": "2"})
    assert refused.status_code == 409 and "yêu cầu của chính tổ chức bạn" in text_of(refused)
    club = signed_in(app, world.club_seller, "en")
    assert 'data-testid="offer-submit"' in text_of(club.get(f"/demand/{request.id}"))
    assert post(club, f"/demand/{request.id}/offers", {"quantity": "2", "price_vnd": "28k"}).status_code == 302
    assert count(app, Offer, Offer.demand_id == request.id) == 1


def test_matching_leaves_out_the_organisations_own_listings(app, world):
    with app_session(app) as session:
        request = make_demand(session.merge(world.coop), quantity="1", unit="tấn")
        found = {m.listing.id for m in matching.matches_for_demand(session, request.id, today_in_vietnam())}
    assert world.coop_listing.id not in found
    assert world.club_listing.id in found


def test_a_person_in_two_organisations_orders_as_the_other_with_org(app, world):
    """The cooperative's board member is also a trader: the cooperative's own listing cannot be
    ordered for the cooperative, but it can for the trader (?org=), another organisation."""
    board = signed_in(app, world.board)
    path = f"/listings/{world.coop_listing.id}"
    assert f'action="{path}/order?org={world.trader.id}"' in text_of(board.get(f"{path}?org={world.trader.id}"))
    placed = place_confirmed(board, f"{path}/order?org={world.trader.id}", {"quantity": "5"})
    assert placed.status_code == 302
    assert count(app, Order, Order.buyer_org_id == world.trader.id, Order.seller_org_id == world.coop.id) == 1
    assert post(board, f"{path}/order?org={world.club.id}", {"quantity": "5"}).status_code == 404


def test_the_trade_apis_writes_are_limited_per_user(app, world, monkeypatch):
    assert app.config["TRADE_API_RATE_LIMIT"] == "60 per minute;1000 per day"  # the default
    monkeypatch.setitem(app.config, "TRADE_API_RATE_LIMIT", "3 per minute")
    with app_session(app) as session:
        request = make_demand(session.merge(world.coop), quantity="10", unit="tấn")
    token = api_token(app, world.club_seller)
    client = app.test_client()
    answers = [client.post(f"/api/v1/demand/{request.id}/offers", json={"quantity": "nhieu"},
                           headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(4)]
    assert answers == [422, 422, 422, 429]


def test_a_stray_org_on_the_public_demand_pages_is_ignored_not_a_404(app, world):
    """A link shared with `?org=` of its sender's club: whoever opens it still reads the page."""
    with app_session(app) as session:
        request = make_demand(session.merge(world.coop), quantity="10", unit="tấn")
    anyone, buyer = app.test_client(), signed_in(app, world.coop_buyer)
    for client in (anyone, buyer):
        assert client.get(f"/demand/{request.id}?org={world.club.id}").status_code == 200
        assert client.get(f"/demand?org={world.club.id}").status_code == 200
        assert client.get("/demand?org=abc").status_code == 200
    club = signed_in(app, world.club_seller, "en")
    page = text_of(club.get(f"/demand/{request.id}?org={world.coop.id}"))  # not theirs: no offering
    assert 'data-testid="offer-submit"' not in page


def test_without_org_a_clubs_seller_who_buys_for_a_trader_posts_for_the_trader(app, world):
    with app_session(app) as session:
        accounts.add_member(session, session.merge(world.trader), session.merge(world.club_seller), "buyer")
        session.commit()
    seller = signed_in(app, world.club_seller)
    assert seller.get("/demand/new").status_code == 200
    assert post(seller, "/demand/new", demand_form()).status_code == 302
    assert count(app, DemandPost, DemandPost.organization_id == world.trader.id) == 1

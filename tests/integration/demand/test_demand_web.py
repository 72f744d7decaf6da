"""Demand through the web pages: a buyer posts what they need as they type it, sellers find it on
the board (visitors without the buyer's name and phone), clubs answer with offers that only they
and the buyer see, the buyer accepts and sees how much the accepted offers cover; staff verify
buyers' tax codes. Others cannot touch what is not theirs.

Each client is a separate browser: data is made in app_session blocks and requests are made
outside them (see tests.clients.app_session). Pages are read in English (?lang=en) so that the
assertions hold whichever Vietnamese wording the catalog settles on.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost, Offer
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_demand, make_listing, make_offer, make_org, make_user

BUYER_NAME = "Siêu thị Bách Hóa Thử"
BUYER_PHONE = "0909111222"
CLUB_A = "Hội quán Xoài Mỹ Xương"
CLUB_B = "Hội quán Xoài Tân Thuận Đông"


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


def error_beside(text: str, field: str) -> str | None:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', text)
    return match.group(1).strip() if match else None


def coverage_text(text: str) -> str:
    match = re.search(r'data-testid="coverage"><strong>(\d+)%</strong>', text)
    assert match, "no coverage on the page"
    return match.group(1)


def count(app, model, *where) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def load_demand(app, demand_id) -> DemandPost:
    with app_session(app) as session:
        demand = session.get(DemandPost, demand_id)
        _ = demand.product, demand.variety, demand.delivery_commune, demand.offers
        return demand


def load_offer(app, offer_id) -> Offer:
    with app_session(app) as session:
        return session.get(Offer, offer_id)


@pytest.fixture
def market(app):
    """A supermarket buyer, a second buyer, two clubs with their chairs, and a staff member."""
    with app_session(app):
        buyer_org = make_org("supermarket", name=BUYER_NAME, phone=BUYER_PHONE)
        buyer = make_user("buyer", buyer_org, name="Chị Mai")
        other_buyer_org = make_org("trader", name="Vựa Trái Cây Khác")
        other_buyer = make_user("buyer", other_buyer_org)
        club_a = make_org("club", name=CLUB_A)
        chair_a = make_user("seller", club_a, name="Chủ nhiệm Ba")
        club_b = make_org("club", name=CLUB_B)
        chair_b = make_user("seller", club_b, name="Chủ nhiệm Tư")
        staff = make_user("staff")
    return SimpleNamespace(buyer_org=buyer_org, buyer=buyer, other_buyer_org=other_buyer_org,
                           other_buyer=other_buyer, club_a=club_a, chair_a=chair_a, club_b=club_b,
                           chair_b=chair_b, staff=staff)


@pytest.fixture
def mangoes(app, market) -> DemandPost:
    """The issue's request: 5 tấn xoài cát Chu VietGAP every week, delivered to Phú Hựu."""
    with app_session(app):
        return make_demand(market.buyer_org, "xoài", variety="cát Chu", quantity="5", unit="tấn",
                           frequency="weekly", required_certificates="vietgap", price_min_vnd="30k",
                           price_max_vnd="45k", commune_code="30244", user=market.buyer,
                           quality_notes="Trái 350–450 g, không sẹo.")


def demand_form(**overrides) -> dict:
    today = today_in_vietnam()
    data = {"product": "xoai", "variety": "cat chu", "quantity": "5", "unit": "tấn", "frequency": "weekly",
            "needed_from": dmy(today), "needed_to": dmy(today + timedelta(days=60)),
            "commune_query": "phu huu", "commune_code": "30244", "price_min_vnd": "30k",
            "price_max_vnd": "45k", "required_certificates": "vietgap", "min_ocop_stars": "",
            "export_market": "", "quality_notes": "Trái 350–450 g, không sẹo."}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def offer_form(**overrides) -> dict:
    data = {"quantity": "3", "price_vnd": "40k", "delivery_date": dmy(today_in_vietnam() + timedelta(days=7)),
            "listing_id": "", "note": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Posting -------------------------------------------------------------------------------------

def test_a_buyer_posts_demand_as_typed_and_it_is_on_the_board(app, market):
    buyer = signed_in(app, market.buyer, "en")
    today = today_in_vietnam()
    response = post(buyer, "/demand/new", demand_form())
    assert response.status_code == 302
    match = re.fullmatch(r".*/demand/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    demand = load_demand(app, int(match.group(1)))

    assert demand.organization_id == market.buyer_org.id
    assert demand.created_by_id == market.buyer.id
    assert demand.product.slug == "xoai"
    assert demand.variety is not None and demand.variety.name == "cát Chu"
    assert (demand.quantity, demand.unit, demand.frequency) == (5.0, "tấn", "weekly")
    assert (demand.needed_from, demand.needed_to) == (today, today + timedelta(days=60))
    assert (demand.price_min_vnd, demand.price_max_vnd) == (30_000, 45_000)
    assert demand.certificate_list == ["vietgap"]
    assert demand.delivery_commune_code == "30244"
    assert demand.min_ocop_stars is None and demand.needs_planting_code is False
    assert demand.status == "open"

    shown = text_of(buyer.get(f"/demand/{demand.id}"))
    assert "Xoài cát Chu" in shown
    assert "Your request is posted" in shown
    assert "Every week" in shown and "VietGAP" in shown
    assert "30,000 ₫" in shown and "45,000 ₫" in shown  # grouped the English way on an English page
    assert "Phú Hựu" in shown

    board = text_of(app.test_client().get("/demand"))
    assert f"/demand/{demand.id}" in board


@pytest.mark.parametrize(("typed", "code"), [
    ({"commune_query": "phu huu", "commune_code": "30244"}, "30244"),  # picked from the list
    ({"commune_query": "cai be", "commune_code": ""}, "28360"),  # typed, names exactly one
    ({"commune_query": "", "commune_code": ""}, None),  # no delivery commune
])
def test_the_delivery_commune_is_picked_or_typed_without_accents(app, market, typed, code):
    buyer = signed_in(app, market.buyer, "en")
    response = post(buyer, "/demand/new", demand_form(**typed))
    assert response.status_code == 302
    demand = load_demand(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert demand.delivery_commune_code == code


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"quantity": "abc"}, "quantity", "Enter a number"),
    ({"quantity": "-5"}, "quantity", "above zero"),
    ({"quantity": "0"}, "quantity", "above zero"),
    ({"price_min_vnd": "50k", "price_max_vnd": "45k"}, "price_max_vnd", "lowest price cannot be above"),
    ({"price_min_vnd": "ba chục"}, "price_min_vnd", "Enter a price"),
    ({"needed_from": dmy(today_in_vietnam() + timedelta(days=20)),
      "needed_to": dmy(today_in_vietnam() + timedelta(days=10))}, "needed_to", "on or after the start"),
    ({"needed_from": dmy(today_in_vietnam() - timedelta(days=20)),
      "needed_to": dmy(today_in_vietnam() - timedelta(days=10))}, "needed_to", "has passed"),
    ({"needed_to": "31/02/2027"}, "needed_to", "February 2027 has no day 31"),
    ({"product": ""}, "product", "required"),
    ({"commune_query": "phu huu", "commune_code": ""}, "commune_query", "Pick a commune"),  # three of them
    ({"quality_notes": "x" * 4001}, "quality_notes", "at most 4000"),
])
def test_mistakes_are_shown_beside_the_field_and_nothing_is_stored(app, market, overrides, field, message):
    buyer = signed_in(app, market.buyer, "en")
    response = post(buyer, "/demand/new", demand_form(**overrides))
    assert response.status_code == 422
    error = error_beside(text_of(response), field)
    assert error and message in error, error
    assert count(app, DemandPost, DemandPost.organization_id == market.buyer_org.id) == 0


def test_the_form_keeps_what_was_typed_after_a_mistake(app, market):
    buyer = signed_in(app, market.buyer, "en")
    text = text_of(post(buyer, "/demand/new", demand_form(quantity="abc", variety="cat chu")))
    assert 'value="abc"' in text and 'value="cat chu"' in text


def test_a_club_seller_cannot_post_demand(app, market):
    seller = signed_in(app, market.chair_a, "en")
    response = seller.get("/demand/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    assert "Only a buyer" in text_of(seller.get("/account"))

    response = post(seller, "/demand/new", demand_form())
    assert response.status_code == 302
    assert count(app, DemandPost) == 0


def test_a_visitor_is_sent_to_sign_in_before_posting(app, market):
    response = app.test_client().get("/demand/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# The board and who sees the buyer -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/demand", "/demand/{id}"])
def test_a_visitor_sees_the_need_but_not_who_buys(app, market, mangoes, path):
    visitor = signed_in(app, lang="en")
    text = text_of(visitor.get(path.format(id=mangoes.id)))
    assert "Cat Chu mango" in text  # the English name on an English page
    assert BUYER_NAME not in text
    assert BUYER_PHONE not in text
    assert "Sign in to see who is buying" in text


@pytest.mark.parametrize("path", ["/demand", "/demand/{id}"])
def test_a_signed_in_seller_sees_the_buyer(app, market, mangoes, path):
    seller = signed_in(app, market.chair_a, "en")
    text = text_of(seller.get(path.format(id=mangoes.id)))
    assert "Cat Chu mango" in text
    assert BUYER_NAME in text
    if path != "/demand":
        assert BUYER_PHONE in text
        assert f"/orgs/{market.buyer_org.id}" in text


def test_the_api_shows_the_buyer_only_to_signed_in_callers(app, market, mangoes):
    anonymous = app.test_client().get(f"/api/v1/demand/{mangoes.id}").get_json()
    assert anonymous["org"] is None
    assert anonymous["product"] == "Xoài" and anonymous["quantity"] == 5

    signed = signed_in(app, market.chair_a, "en").get(f"/api/v1/demand/{mangoes.id}").get_json()
    assert signed["org"]["id"] == market.buyer_org.id
    assert signed["org"]["name"] == BUYER_NAME


def test_the_board_shows_only_open_demand_in_its_window(app, market):
    today = today_in_vietnam()
    with app_session(app):
        open_post = make_demand(market.buyer_org, "xoài")
        paused = make_demand(market.buyer_org, "quýt", status="paused")
        closed = make_demand(market.buyer_org, "bưởi", status="closed")
        fulfilled = make_demand(market.buyer_org, "chanh", status="fulfilled")
        expired = make_demand(market.buyer_org, "khóm", today=today - timedelta(days=40),
                              needed_to=today - timedelta(days=1))
    board = text_of(signed_in(app, lang="en").get("/demand"))
    assert f"/demand/{open_post.id}\"" in board
    for hidden in (paused, closed, fulfilled, expired):
        assert f"/demand/{hidden.id}\"" not in board
    # an expired post still has its page, and says so
    assert "Expired" in text_of(signed_in(app, lang="en").get(f"/demand/{expired.id}"))


def test_the_board_puts_what_a_seller_grows_first(app, market):
    with app_session(app):
        mango = make_demand(market.buyer_org, "xoài")
        newer_other = make_demand(market.buyer_org, "quýt")  # newer, but the club does not grow it
        make_listing(market.club_a, "xoài")
    def order(text):
        return [int(x) for x in re.findall(r'href="/demand/(\d+)"', text)]

    for_club = order(text_of(signed_in(app, market.chair_a, "en").get("/demand")))
    assert for_club.index(mango.id) < for_club.index(newer_other.id)
    for_visitor = order(text_of(signed_in(app, lang="en").get("/demand")))
    assert for_visitor.index(newer_other.id) < for_visitor.index(mango.id)  # newest first


def test_the_board_puts_demand_near_a_seller_before_newer_demand_far_away(app, market):
    with app_session(app):
        near = make_demand(market.buyer_org, "quýt", commune_code="28360")  # Cái Bè, Đồng Tháp: the club's province
        far = make_demand(market.buyer_org, "bưởi", commune_code="31378")  # Cần Thơ, and newer
    order = [int(x) for x in re.findall(r'href="/demand/(\d+)"', text_of(signed_in(app, market.chair_a, "en").get("/demand")))]
    assert order.index(near.id) < order.index(far.id)


# Editing and status: only the buyer ----------------------------------------------------------

def test_the_buyer_edits_their_post(app, market, mangoes):
    buyer = signed_in(app, market.buyer, "en")
    form = text_of(buyer.get(f"/demand/{mangoes.id}/edit"))
    assert 'value="cát Chu"' in form and 'value="5"' in form
    response = post(buyer, f"/demand/{mangoes.id}/edit", demand_form(quantity="6", frequency="monthly"))
    assert response.status_code == 302
    demand = load_demand(app, mangoes.id)
    assert (demand.quantity, demand.frequency) == (6.0, "monthly")


@pytest.mark.parametrize(("action", "expected"), [("pause", "paused"), ("close", "closed"), ("fulfil", "fulfilled")])
def test_the_buyer_changes_the_status(app, market, mangoes, action, expected):
    buyer = signed_in(app, market.buyer, "en")
    response = post(buyer, f"/demand/{mangoes.id}/status", {"action": action})
    assert response.status_code == 302
    assert load_demand(app, mangoes.id).status == expected
    if expected != "fulfilled":
        assert post(buyer, f"/demand/{mangoes.id}/status", {"action": "reopen"}).status_code == 302
        assert load_demand(app, mangoes.id).status == "open"


def test_an_impossible_status_change_is_refused_with_a_message(app, market, mangoes):
    buyer = signed_in(app, market.buyer, "en")
    post(buyer, f"/demand/{mangoes.id}/status", {"action": "fulfil"})
    response = post(buyer, f"/demand/{mangoes.id}/status", {"action": "pause"})
    assert response.status_code == 302
    assert load_demand(app, mangoes.id).status == "fulfilled"
    assert "not possible from the current status" in text_of(buyer.get(f"/demand/{mangoes.id}"))


def test_an_expired_post_cannot_be_reopened_without_a_new_window(app, market):
    today = today_in_vietnam()
    with app_session(app):
        old = make_demand(market.buyer_org, today=today - timedelta(days=40), needed_to=today - timedelta(days=1))
    buyer = signed_in(app, market.buyer, "en")
    post(buyer, f"/demand/{old.id}/status", {"action": "reopen"})
    assert load_demand(app, old.id).status == "open"  # stored status unchanged…
    text = text_of(buyer.get(f"/demand/{old.id}"))
    assert "has passed" in text and "Expired" in text  # …and still expired, with the reason


OWNER_ONLY = [
    ("get", "/demand/{id}/edit", None),
    ("post", "/demand/{id}/edit", "form"),
    ("post", "/demand/{id}/status", {"action": "close"}),
    ("post", "/demand/{id}/status", {"action": "pause"}),
]


@pytest.mark.parametrize(("method", "path", "data"), OWNER_ONLY)
@pytest.mark.parametrize("who", ["other_buyer", "chair_a", "staff"])
def test_others_cannot_edit_or_change_a_buyers_post(app, market, mangoes, who, method, path, data):
    client = signed_in(app, getattr(market, who), "en")
    url = path.format(id=mangoes.id)
    if method == "get":
        response = client.get(url)
    else:
        response = post(client, url, demand_form(quantity="1") if data == "form" else data)
    assert response.status_code == 403
    demand = load_demand(app, mangoes.id)
    assert (demand.quantity, demand.status) == (5.0, "open")


@pytest.mark.parametrize(("method", "path", "data"), OWNER_ONLY)
def test_a_visitor_is_sent_to_sign_in(app, market, mangoes, method, path, data):
    client = signed_in(app, lang="en")
    url = path.format(id=mangoes.id)
    response = client.get(url) if method == "get" else post(client, url, demand_form() if data == "form" else data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert load_demand(app, mangoes.id).status == "open"


def test_another_buyer_sees_no_edit_buttons_nor_coverage(app, market, mangoes):
    text = text_of(signed_in(app, market.other_buyer, "en").get(f"/demand/{mangoes.id}"))
    assert f"/demand/{mangoes.id}/edit" not in text
    assert 'data-testid="coverage"' not in text


def test_a_buyers_list_of_requests_is_theirs_alone(app, market, mangoes):
    assert signed_in(app, market.buyer, "en").get(f"/orgs/{market.buyer_org.id}/demand").status_code == 200
    assert signed_in(app, market.other_buyer, "en").get(f"/orgs/{market.buyer_org.id}/demand").status_code == 403


# Offers and pooling --------------------------------------------------------------------------

def offer_ids(app, demand_id) -> dict[int, int]:
    """org id → offer id, for the offers on a demand post."""
    with app_session(app) as session:
        return {o.organization_id: o.id for o in session.scalars(select(Offer).where(Offer.demand_id == demand_id))}


def test_two_clubs_pool_their_offers_and_the_buyer_sees_the_request_covered(app, market, mangoes):
    club_a, club_b = signed_in(app, market.chair_a, "en"), signed_in(app, market.chair_b, "en")
    response = post(club_a, f"/demand/{mangoes.id}/offers", offer_form(quantity="3"))
    assert response.status_code == 302
    response = post(club_b, f"/demand/{mangoes.id}/offers", offer_form(quantity="2", price_vnd="42k"))
    assert response.status_code == 302
    ids = offer_ids(app, mangoes.id)
    offer_a, offer_b = ids[market.club_a.id], ids[market.club_b.id]

    # each club sees only its own offer
    seen_by_a = text_of(club_a.get(f"/demand/{mangoes.id}"))
    assert CLUB_A in seen_by_a and CLUB_B not in seen_by_a
    assert f'data-testid="offer-{offer_a}"' in seen_by_a and f'data-testid="offer-{offer_b}"' not in seen_by_a
    seen_by_b = text_of(club_b.get(f"/demand/{mangoes.id}"))
    assert CLUB_B in seen_by_b and CLUB_A not in seen_by_b
    assert f'data-testid="offer-{offer_b}"' in seen_by_b and f'data-testid="offer-{offer_a}"' not in seen_by_b
    # a visitor sees no offer at all
    seen_by_visitor = text_of(signed_in(app, lang="en").get(f"/demand/{mangoes.id}"))
    assert CLUB_A not in seen_by_visitor and CLUB_B not in seen_by_visitor

    buyer = signed_in(app, market.buyer, "en")
    seen_by_buyer = text_of(buyer.get(f"/demand/{mangoes.id}"))
    assert CLUB_A in seen_by_buyer and CLUB_B in seen_by_buyer
    assert coverage_text(seen_by_buyer) == "0"

    assert post(buyer, f"/offers/{offer_a}/accept").status_code == 302
    assert coverage_text(text_of(buyer.get(f"/demand/{mangoes.id}"))) == "60"
    assert post(buyer, f"/offers/{offer_b}/accept").status_code == 302
    seen_by_buyer = text_of(buyer.get(f"/demand/{mangoes.id}"))
    assert coverage_text(seen_by_buyer) == "100"
    assert load_offer(app, offer_a).status == load_offer(app, offer_b).status == "accepted"
    assert load_offer(app, offer_a).decided_by_id == market.buyer.id
    # the buyer's list of requests agrees
    assert "100%" in text_of(buyer.get(f"/orgs/{market.buyer_org.id}/demand"))


def test_a_declined_offer_does_not_count(app, market, mangoes):
    with app_session(app):
        offer_a = make_offer(mangoes, market.club_a, "3")
        offer_b = make_offer(mangoes, market.club_b, "2")
    buyer = signed_in(app, market.buyer, "en")
    post(buyer, f"/offers/{offer_a.id}/accept")
    post(buyer, f"/offers/{offer_b.id}/decline")
    assert load_offer(app, offer_b.id).status == "declined"
    assert coverage_text(text_of(buyer.get(f"/demand/{mangoes.id}"))) == "60"
    # a change of mind: the accepted one declined too
    post(buyer, f"/offers/{offer_a.id}/decline")
    assert coverage_text(text_of(buyer.get(f"/demand/{mangoes.id}"))) == "0"


def test_the_club_sees_the_buyers_decision(app, market, mangoes):
    with app_session(app):
        offer = make_offer(mangoes, market.club_a, "3")
    post(signed_in(app, market.buyer, "en"), f"/offers/{offer.id}/accept")
    assert "Accepted" in text_of(signed_in(app, market.chair_a, "en").get(f"/demand/{mangoes.id}"))


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize("who", ["chair_a", "chair_b", "other_buyer"])
def test_only_the_buyer_decides(app, market, mangoes, who, action):
    with app_session(app):
        offer = make_offer(mangoes, market.club_a, "3")
    response = post(signed_in(app, getattr(market, who), "en"), f"/offers/{offer.id}/{action}")
    assert response.status_code == 403
    assert load_offer(app, offer.id).status == "pending"


def test_the_club_withdraws_its_offer(app, market, mangoes):
    with app_session(app):
        offer = make_offer(mangoes, market.club_a, "3")
    buyer, chair_b = signed_in(app, market.buyer, "en"), signed_in(app, market.chair_b, "en")
    assert post(chair_b, f"/offers/{offer.id}/withdraw").status_code == 403  # not another club
    assert post(buyer, f"/offers/{offer.id}/withdraw").status_code == 403  # nor the buyer
    assert load_offer(app, offer.id).status == "pending"

    assert post(signed_in(app, market.chair_a, "en"), f"/offers/{offer.id}/withdraw").status_code == 302
    assert load_offer(app, offer.id).status == "withdrawn"
    # a withdrawn offer cannot be accepted, and does not count
    post(buyer, f"/offers/{offer.id}/accept")
    assert load_offer(app, offer.id).status == "withdrawn"
    text = text_of(buyer.get(f"/demand/{mangoes.id}"))
    assert coverage_text(text) == "0"
    assert "not possible from the current status" in text


def test_an_offer_can_name_the_clubs_own_listing(app, market, mangoes):
    with app_session(app):
        listing = make_listing(market.club_a, "xoài", quantity="10", unit="tấn")
    club = signed_in(app, market.chair_a, "en")
    assert f'value="{listing.id}"' in text_of(club.get(f"/demand/{mangoes.id}"))
    response = post(club, f"/demand/{mangoes.id}/offers", offer_form(listing_id=str(listing.id)))
    assert response.status_code == 302
    offer = load_offer(app, offer_ids(app, mangoes.id)[market.club_a.id])
    assert offer.listing_id == listing.id
    assert (offer.quantity, offer.price_vnd) == (3.0, 40_000)


def test_an_offer_naming_another_clubs_listing_is_refused(app, market, mangoes):
    with app_session(app):
        theirs = make_listing(market.club_b, "xoài", quantity="10", unit="tấn")
    club = signed_in(app, market.chair_a, "en")
    response = post(club, f"/demand/{mangoes.id}/offers", offer_form(listing_id=str(theirs.id)))
    assert response.status_code == 422
    assert error_beside(text_of(response), "listing_id")
    assert count(app, Offer) == 0


def test_the_offer_service_refuses_another_clubs_listing(app, market, mangoes):
    from marketplace.demand import services as demand_service
    from marketplace.errors import ValidationError

    with app_session(app) as session:
        theirs = make_listing(market.club_b, "xoài", quantity="10", unit="tấn")
        demand = session.get(DemandPost, mangoes.id)
        club_a = session.get(Organization, market.club_a.id)
        with pytest.raises(ValidationError) as raised:
            demand_service.make_offer(session, demand, club_a, demand_service.OfferInput(
                quantity="3", listing_id=theirs.id), None, today=today_in_vietnam())
        assert list(raised.value.fields) == ["listing_id"]
        with pytest.raises(ValidationError) as raised:
            demand_service.make_offer(session, demand, club_a, demand_service.OfferInput(
                quantity="3", listing_id=987654), None, today=today_in_vietnam())
        assert list(raised.value.fields) == ["listing_id"]
        session.rollback()
    assert count(app, Offer) == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"quantity": "abc"}, "quantity", "Enter a number"),
    ({"quantity": "-3"}, "quantity", "above zero"),
    ({"quantity": ""}, "quantity", "required"),
    ({"price_vnd": "bốn chục"}, "price_vnd", "Enter a price"),
    ({"delivery_date": dmy(today_in_vietnam() + timedelta(days=90))}, "delivery_date", "within the buyer's needed dates"),
    ({"delivery_date": dmy(today_in_vietnam() - timedelta(days=1))}, "delivery_date", "within the buyer's needed dates"),
    ({"delivery_date": "32/13/2026"}, "delivery_date", "There is no month 13"),
])
def test_a_bad_offer_is_refused_with_messages_and_nothing_stored(app, market, mangoes, overrides, field, message):
    club = signed_in(app, market.chair_a, "en")
    response = post(club, f"/demand/{mangoes.id}/offers", offer_form(**overrides))
    assert response.status_code == 422
    error = error_beside(text_of(response), field)
    assert error and message in error, error
    assert count(app, Offer) == 0


@pytest.mark.parametrize("state", ["paused", "closed", "fulfilled", "expired"])
def test_an_offer_on_a_request_that_is_not_open_is_refused_with_a_message(app, market, state):
    today = today_in_vietnam()
    with app_session(app):
        if state == "expired":
            demand = make_demand(market.buyer_org, today=today - timedelta(days=40),
                                 needed_from=today - timedelta(days=40), needed_to=today - timedelta(days=1))
        else:
            demand = make_demand(market.buyer_org, status=state)
    club = signed_in(app, market.chair_a, "en")
    page = text_of(club.get(f"/demand/{demand.id}"))
    assert 'data-testid="offer-submit"' not in page  # no form to fill in
    response = post(club, f"/demand/{demand.id}/offers",
                    offer_form(delivery_date=""))
    assert response.status_code == 422
    assert "not open for offers" in text_of(response)
    assert count(app, Offer) == 0


def test_a_buyer_cannot_offer_on_demand(app, market, mangoes):
    response = post(signed_in(app, market.other_buyer, "en"), f"/demand/{mangoes.id}/offers", offer_form())
    assert response.status_code == 403
    assert count(app, Offer) == 0


def test_a_visitor_is_asked_to_sign_in_to_offer(app, market, mangoes):
    response = post(signed_in(app, lang="en"), f"/demand/{mangoes.id}/offers", offer_form())
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_demand_and_offers_are_404(app, market):
    assert signed_in(app, lang="en").get("/demand/987654").status_code == 404
    assert signed_in(app, market.buyer, "en").get("/demand/987654/edit").status_code == 404
    assert post(signed_in(app, market.buyer, "en"), "/offers/987654/accept").status_code == 404


# Verified buyers -----------------------------------------------------------------------------

def test_staff_verify_a_buyers_tax_code_and_the_badge_appears(app, market):
    org_id = market.buyer_org.id
    assert 'badge verified' not in text_of(signed_in(app, lang="en").get(f"/orgs/{org_id}"))
    staff = signed_in(app, market.staff, "en")
    assert staff.get(f"/staff/orgs/{org_id}/verify").status_code == 200

    response = post(staff, f"/staff/orgs/{org_id}/verify", {"tax_code": "012345678"})
    assert response.status_code == 422
    assert "10 digits" in (error_beside(text_of(response), "tax_code") or "")
    with app_session(app) as session:
        org = session.get(Organization, org_id)
        assert org.verified is False and not org.tax_code

    response = post(staff, f"/staff/orgs/{org_id}/verify", {"tax_code": "0312 345 678 001"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{org_id}")
    with app_session(app) as session:
        org = session.get(Organization, org_id)
        assert (org.verified, org.tax_code) == (True, "0312345678-001")
    page = text_of(signed_in(app, lang="en").get(f"/orgs/{org_id}"))
    assert re.search(r'class="badge verified">Verified buyer<', page)  # a buyer's badge says what was checked


def test_the_verified_badge_shows_on_demand_for_sellers(app, market, mangoes):
    staff = signed_in(app, market.staff, "en")
    post(staff, f"/staff/orgs/{market.buyer_org.id}/verify", {"tax_code": "0312345678"})
    text = text_of(signed_in(app, market.chair_a, "en").get(f"/demand/{mangoes.id}"))
    assert "Verified buyer" in text


@pytest.mark.parametrize("who", ["chair_a", "buyer"])
def test_only_staff_verify_buyers(app, market, who):
    client = signed_in(app, getattr(market, who), "en")
    assert client.get(f"/staff/orgs/{market.buyer_org.id}/verify").status_code == 403
    assert post(client, f"/staff/orgs/{market.buyer_org.id}/verify", {"tax_code": "0312345678"}).status_code == 403
    with app_session(app) as session:
        assert session.get(Organization, market.buyer_org.id).verified is False


def test_a_visitor_is_sent_to_sign_in_to_verify(app, market):
    response = signed_in(app, lang="en").get(f"/staff/orgs/{market.buyer_org.id}/verify")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_club_is_not_verified_as_a_buyer(app, market):
    response = post(signed_in(app, market.staff, "en"), f"/staff/orgs/{market.club_a.id}/verify", {"tax_code": "0312345678"})
    assert response.status_code == 403
    with app_session(app) as session:
        assert session.get(Organization, market.club_a.id).verified is False


@pytest.mark.parametrize(("stored", "shown"), [
    (5.0, "5"),
    (2.5, "2,5"),  # the Vietnamese decimal comma
    (2.125, None),  # three decimals: must not come back as 2125 (a thousands dot)
    (12.125, None),
    (1234.5, "1234,5"),
    (1_500_000.0, "1500000"),  # not 1.5e+06
])
def test_saving_the_edit_form_unchanged_keeps_the_quantity(app, market, stored, shown):
    with app_session(app):
        demand = make_demand(market.buyer_org, quantity=stored, unit="kg", price_min_vnd="30k")
    buyer = signed_in(app, market.buyer, "en")
    form = text_of(buyer.get(f"/demand/{demand.id}/edit"))
    value = re.search(r'<input[^>]*id="quantity"[^>]*value="([^"]*)"', form).group(1)
    if shown is not None:
        assert value == shown
    fields = demand_form(quantity=value, unit="kg")
    assert post(buyer, f"/demand/{demand.id}/edit", fields).status_code == 302
    assert load_demand(app, demand.id).quantity == pytest.approx(stored)

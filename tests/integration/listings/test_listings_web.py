"""Listings through the web pages: a chair lists produce as they type it, fixes mistakes, keeps
quantities current with the two-tap form, and changes status; others cannot touch it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from tests.clients import app_session, login, post, signed_in, text_of
from tests.factories import make_certificate, make_listing, make_org, make_planting_code, make_user
from tests.pages import dmy, error_beside, refused_beside


def listing_count(app, org) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(Listing).where(Listing.organization_id == org.id))


def load(app, listing_id) -> Listing:
    with app_session(app) as session:
        listing = session.get(Listing, listing_id)
        _ = listing.product, listing.variety, listing.certificates, listing.planting_codes
        return listing


def form_data(**overrides) -> dict:
    today = today_in_vietnam()
    data = {"product": "xoai", "variety": "cat chu", "quantity": "1,5", "unit": "tấn", "price_vnd": "38k",
            "available_from": dmy(today), "available_to": dmy(today + timedelta(days=20)), "publish": "1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Creating --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "slug", "variety", "quantity", "unit", "price"), [
    ({"product": "trai khom", "variety": "", "quantity": "1,5", "unit": "tấn", "price_vnd": "38k"},
     "thom", None, 1.5, "tấn", 38_000),
    ({"product": "xoai", "variety": "cat chu", "quantity": "2.500", "unit": "kg", "price_vnd": "38.000đ"},
     "xoai", "cát Chu", 2500.0, "kg", 38_000),
    ({"product": "Xoài", "variety": "Cát Chu", "quantity": "1.234,5", "unit": "kg", "price_vnd": "1,2tr"},
     "xoai", "cát Chu", 1234.5, "kg", 1_200_000),
])
def test_chair_lists_produce_as_typed(app, club, typed, slug, variety, quantity, unit, price):
    org, chair = club
    seller = signed_in(app, chair)
    today = today_in_vietnam()
    response = post(seller, "/listings/new", form_data(**typed))
    assert response.status_code == 302
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    listing = load(app, listing_id)
    assert listing.organization_id == org.id
    assert listing.product.slug == slug
    assert (listing.variety.name if listing.variety else None) == variety
    assert (listing.quantity, listing.quantity_available, listing.unit, listing.price_vnd) == \
        (quantity, quantity, unit, price)
    assert (listing.available_from, listing.available_to) == (today, today + timedelta(days=20))
    assert listing.status == "published"
    assert listing.created_by_id == chair.id

    visitor = app.test_client()
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert f"/listings/{listing_id}" in org_page
    api = visitor.get("/api/v1/listings").get_json()
    assert listing_id in [x["id"] for x in api["results"]]
    assert "Tin đăng bán đã được đăng" in text_of(seller.get(f"/listings/{listing_id}"))


def test_a_draft_is_only_for_its_owner(app, club):
    org, chair = club
    seller = signed_in(app, chair)
    response = post(seller, "/listings/new", form_data(publish=None, draft="1"))
    assert response.status_code == 302
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert load(app, listing_id).status == "draft"

    assert seller.get(f"/listings/{listing_id}").status_code == 200
    assert seller.get(f"/api/v1/listings/{listing_id}").status_code == 200
    visitor = app.test_client()
    assert visitor.get(f"/listings/{listing_id}").status_code == 404
    assert visitor.get(f"/api/v1/listings/{listing_id}").status_code == 404
    assert f"/listings/{listing_id}" not in text_of(visitor.get(f"/orgs/{org.id}"))
    assert listing_id not in [x["id"] for x in visitor.get("/api/v1/listings").get_json()["results"]]
    with app_session(app):
        other = make_user("seller", make_org("club"))
    assert signed_in(app, other).get(f"/listings/{listing_id}").status_code == 404


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"quantity": "abc"}, "quantity", "Nhập một con số"),
    ({"quantity": "0"}, "quantity", ""),
    ({"quantity": "-5"}, "quantity", ""),
    ({"quantity": "0,0001", "unit": "tấn"}, "quantity", ""),  # too small to store
    ({"available_from": dmy(today_in_vietnam() + timedelta(days=10)),
      "available_to": dmy(today_in_vietnam() + timedelta(days=5))}, "available_to", "Ngày kết thúc phải bằng hoặc sau"),
    ({"available_to": "31/02/2027"}, "available_to", "Tháng 2 năm 2027 không có ngày 31"),
    ({"min_order": "2", "quantity": "1,5"}, "min_order", "Số lượng đặt tối thiểu không được lớn hơn"),
    ({"product": ""}, "product", ""),
    ({"unit": "[kg]"}, "unit", "Chọn đơn vị trong danh sách"),
    ({"price_vnd": "38,5"}, "price_vnd", ""),
    ({"price_vnd": "", "price_negotiable": None}, "price_vnd", ""),
    ({"grade": "x" * 61}, "grade", ""),
])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_stored(app, club, overrides, field, message):
    org, chair = club
    seller = signed_in(app, chair)
    data = form_data(**overrides)
    text = refused_beside(post(seller, "/listings/new", data), field, message)
    # What was typed is kept, so nothing has to be typed twice.
    for name in ("quantity", "price_vnd", "available_from", "available_to", "product"):
        if data.get(name):
            assert f'value="{data[name]}"' in text, name
    assert listing_count(app, org) == 0


def test_every_problem_is_reported_at_once(app, club):
    org, chair = club
    seller = signed_in(app, chair)
    today = today_in_vietnam()
    response = post(seller, "/listings/new", form_data(
        quantity="abc", price_vnd="re lam", available_from=dmy(today + timedelta(days=9)),
        available_to=dmy(today + timedelta(days=2)), product="xe máy"))  # a product kept as typed: no problem
    assert response.status_code == 422
    text = text_of(response)
    for field in ("quantity", "price_vnd", "available_to"):
        assert error_beside(text, field), field
    assert "Một số ô chưa đúng" in text
    assert listing_count(app, org) == 0


def test_a_listing_cannot_carry_another_orgs_certificate(app, club):
    org, chair = club
    with app_session(app):
        own = make_certificate(org, status="active")
        own_code = make_planting_code(org, status="active")
        foreign = make_certificate(make_org("cooperative"), status="active")
    seller = signed_in(app, chair)
    response = post(seller, "/listings/new", {**form_data(), "certificate_ids": [str(own.id), str(foreign.id)]})
    refused_beside(response, "certificate_ids", "Chỉ chọn chứng nhận và mã số của tổ chức mình")
    assert listing_count(app, org) == 0

    response = post(seller, "/listings/new", {**form_data(), "certificate_ids": [str(own.id)],
                                              "planting_code_ids": [str(own_code.id)]})
    assert response.status_code == 302
    listing = load(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert [c.id for c in listing.certificates] == [own.id]
    assert [c.id for c in listing.planting_codes] == [own_code.id]


def test_only_sellers_of_a_club_can_open_the_new_listing_form(app):
    with app_session(app):
        buyer = make_user("buyer")
    response = signed_in(app, buyer).get("/listings/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    assert app.test_client().get("/listings/new").status_code == 302


# The two-tap update ----------------------------------------------------------------------------

@pytest.fixture
def listed(app, club):
    org, chair = club
    with app_session(app):
        listing = make_listing(org, "xoài", quantity="1000", price_vnd="38000", variety="cát Chu", user=chair)
    return org, chair, listing


def test_quick_update_changes_quantity_price_and_end(app, listed):
    org, chair, listing = listed
    seller = signed_in(app, chair)
    new_end = today_in_vietnam() + timedelta(days=45)
    response = post(seller, f"/listings/{listing.id}/quick",
                    {"quantity": "1.200", "price_vnd": "40k", "available_to": dmy(new_end), "back": "org"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{org.id}/listings#listing-{listing.id}")
    updated = load(app, listing.id)
    assert (updated.quantity_available, updated.quantity, updated.price_vnd, updated.available_to) == \
        (1200.0, 1200.0, 40_000, new_end)
    manage = text_of(seller.get(f"/orgs/{org.id}/listings"))
    assert f'id="listing-{listing.id}"' in manage
    assert "Đã cập nhật" in manage


def test_quick_update_accepts_the_date_a_phone_sends(app, listed):
    _org, chair, listing = listed
    new_end = today_in_vietnam() + timedelta(days=10)
    post(signed_in(app, chair), f"/listings/{listing.id}/quick", {"available_to": new_end.isoformat()})
    assert load(app, listing.id).available_to == new_end


def test_quick_update_of_one_field_leaves_the_others(app, listed):
    _org, chair, listing = listed
    response = post(signed_in(app, chair), f"/listings/{listing.id}/quick", {"quantity": "", "price_vnd": "42.000"})
    assert response.headers["Location"].endswith(f"/listings/{listing.id}")
    updated = load(app, listing.id)
    assert (updated.quantity_available, updated.price_vnd, updated.available_to) == \
        (1000.0, 42_000, listing.available_to)


@pytest.mark.parametrize(("data", "message"), [
    ({"quantity": "abc"}, "Nhập một con số"),
    ({"price_vnd": "abc"}, ""),
    ({"price_vnd": "38,5"}, ""),
    ({"quantity": "-3"}, ""),
    ({"available_to": "hôm qua"}, "ngày/tháng/năm"),
    ({"available_to": dmy(today_in_vietnam() - timedelta(days=1))}, ""),
    ({"quantity": "500", "price_vnd": "abc"}, ""),  # one bad value: nothing changes
    # Too long for the form itself (refused before the service): still names the listing.
    ({"quantity": "9" * 30}, "Số lượng còn"),
    ({"price_vnd": "9" * 30}, "Giá"),
])
def test_a_bad_quick_update_changes_nothing_and_says_why(app, listed, data, message):
    org, chair, listing = listed
    seller = signed_in(app, chair)
    response = post(seller, f"/listings/{listing.id}/quick", {**data, "back": "org"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{org.id}/listings#listing-{listing.id}")
    after = load(app, listing.id)
    assert (after.quantity_available, after.price_vnd, after.available_to) == \
        (listing.quantity_available, listing.price_vnd, listing.available_to)
    text = text_of(seller.get(f"/orgs/{org.id}/listings"))
    flashes = re.findall(r'<p class="flash flash-error">([^<]*)</p>', text)
    assert flashes, "no message"
    assert any(message in f and "Xoài cát Chu" in f for f in flashes)


def test_quick_update_to_zero_is_sold_out_and_back(app, listed):
    org, chair, listing = listed
    seller = signed_in(app, chair)
    post(seller, f"/listings/{listing.id}/quick", {"quantity": "0"})
    visitor = app.test_client()
    assert visitor.get(f"/api/v1/listings/{listing.id}").get_json()["status"] == "sold_out"
    assert f"/listings/{listing.id}" not in text_of(visitor.get(f"/orgs/{org.id}"))
    post(seller, f"/listings/{listing.id}/quick", {"quantity": "300"})
    assert visitor.get(f"/api/v1/listings/{listing.id}").get_json()["status"] == "published"


# Who may change a listing ----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["buyer", "other_seller", "staff", "anonymous"])
def test_others_cannot_edit_quick_update_or_change_status(app, listed, who):
    org, _chair, listing = listed
    client = app.test_client()
    if who != "anonymous":
        with app_session(app):
            user = {"buyer": lambda: make_user("buyer"),
                    "other_seller": lambda: make_user("seller", make_org("club")),
                    "staff": lambda: make_user("staff")}[who]()
        login(client, user)
    expected = 302 if who == "anonymous" else 403
    attempts = [
        client.get(f"/listings/{listing.id}/edit"),
        post(client, f"/listings/{listing.id}/edit", form_data(price_vnd="1000")),
        post(client, f"/listings/{listing.id}/quick", {"quantity": "1", "price_vnd": "1000"}),
        post(client, f"/listings/{listing.id}/status", {"action": "pause"}),
        client.get(f"/orgs/{org.id}/listings"),
    ]
    for response in attempts:
        assert response.status_code == expected, response.request.path
        if who == "anonymous":
            assert "/login" in response.headers["Location"]
    after = load(app, listing.id)
    assert (after.status, after.quantity_available, after.price_vnd) == ("published", 1000.0, 38_000)
    shown = text_of(client.get(f"/listings/{listing.id}"))
    assert f"/listings/{listing.id}/quick" not in shown  # no manage forms for them
    assert f"/listings/{listing.id}/status" not in shown


def test_unknown_listing_is_404(app, club):
    _org, chair = club
    seller = signed_in(app, chair)
    assert seller.get("/listings/999999").status_code == 404
    assert post(seller, "/listings/999999/quick", {"quantity": "1"}).status_code == 404
    assert post(seller, "/listings/999999/status", {"action": "pause"}).status_code == 404


def test_owner_edits_everything(app, listed):
    _org, chair, listing = listed
    seller = signed_in(app, chair)
    form = text_of(seller.get(f"/listings/{listing.id}/edit"))
    assert 'value="1000"' in form and 'value="38000"' in form
    response = post(seller, f"/listings/{listing.id}/edit", form_data(
        product="xoai", variety="hoa loc", quantity="900", unit="kg", price_vnd="45k"))
    assert response.status_code == 302
    after = load(app, listing.id)
    assert (after.variety.name, after.quantity, after.price_vnd) == ("cát Hòa Lộc", 900.0, 45_000)


# Status -------------------------------------------------------------------------------------

def _status(client, listing_id, action):
    response = post(client, f"/listings/{listing_id}/status", {"action": action})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/listings/{listing_id}")


def test_publish_pause_publish_and_sold_out(app, listed):
    org, chair, listing = listed
    seller = signed_in(app, chair)
    visitor = app.test_client()

    def public() -> bool:
        in_api = listing.id in [x["id"] for x in visitor.get("/api/v1/listings").get_json()["results"]]
        on_page = f"/listings/{listing.id}" in text_of(visitor.get(f"/orgs/{org.id}"))
        assert in_api == on_page
        return in_api

    assert public()
    shown = text_of(seller.get(f"/listings/{listing.id}"))
    assert f"/listings/{listing.id}/quick" in shown and f"/listings/{listing.id}/status" in shown
    _status(seller, listing.id, "pause")
    assert load(app, listing.id).status == "paused"
    assert not public()
    assert "Tạm ngưng bán" in text_of(visitor.get(f"/listings/{listing.id}"))
    _status(seller, listing.id, "publish")
    assert load(app, listing.id).status == "published"
    assert public()
    _status(seller, listing.id, "sold_out")
    assert load(app, listing.id).status == "sold_out"
    assert not public()
    assert visitor.get(f"/api/v1/listings/{listing.id}").get_json()["status"] == "sold_out"
    assert "Hết hàng" in text_of(visitor.get(f"/listings/{listing.id}"))


@pytest.mark.parametrize(("start", "action"), [("draft", "pause"), ("draft", "sold_out"), ("published", "publish")])
def test_impossible_status_changes_are_refused(app, club, start, action):
    org, chair = club
    with app_session(app):
        listing = make_listing(org, publish=start == "published")
    seller = signed_in(app, chair)
    _status(seller, listing.id, action)
    assert load(app, listing.id).status == start
    assert "Không thể đổi như vậy" in text_of(seller.get(f"/listings/{listing.id}"))


def test_a_listing_past_its_window_is_expired_and_hidden(app, club):
    org, chair = club
    today = today_in_vietnam()
    with app_session(app) as session:
        listing = make_listing(org, ref="XOAI-HET-HAN")
        current = make_listing(org, "khóm")
        stored = session.get(Listing, listing.id)
        stored.available_from, stored.available_to = today - timedelta(days=30), today - timedelta(days=1)
        session.commit()
    visitor = app.test_client()
    assert "Hết hạn" in text_of(visitor.get(f"/listings/{listing.id}"))
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert f"/listings/{listing.id}\"" not in org_page
    assert f"/listings/{current.id}\"" in org_page
    results = visitor.get("/api/v1/listings").get_json()["results"]
    assert listing.id not in [x["id"] for x in results]
    assert current.id in [x["id"] for x in results]
    assert visitor.get(f"/api/v1/listings/{listing.id}").get_json()["status"] == "expired"
    assert load(app, listing.id).status == "published"  # stored status untouched; what it is now is computed

    # Publishing again needs a new window.
    seller = signed_in(app, chair)
    _status(seller, listing.id, "pause")
    _status(seller, listing.id, "publish")
    assert load(app, listing.id).status == "paused"
    assert "Ngày kết thúc đã qua" in text_of(seller.get(f"/listings/{listing.id}"))

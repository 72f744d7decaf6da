"""The listings API: the promised shape, lookups by ref, creating listings with a bearer token,
and a 422 with a message per field (never a 500) for whatever a caller sends."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from tests.clients import api_token, app_session
from tests.factories import make_certificate, make_listing, make_org, make_planting_code, make_user

LISTING_FIELDS = {"id", "ref", "product", "variety", "category", "quantity", "quantity_available", "unit",
                  "price_vnd", "available_from", "available_to", "status", "org", "commune", "certificates",
                  "ocop_stars", "planting_codes"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post_json(client, body, token: str | None = None, path: str = "/api/v1/listings"):
    headers = bearer(token) if token else {}
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def club(app):
    """A club with a chair, current credentials, one expired certificate and one of another org."""
    today = today_in_vietnam()
    with app_session(app):
        org = make_org("club", name="Hội quán Xoài Cao Lãnh", ref="HQ-XOAI-CL", commune_code="29869")
        chair = make_user("seller", org)
        credentials = {
            "vietgap": make_certificate(org, "vietgap", "VietGAP-TT-13-09-68-0096", status="active",
                                        expires_on=today + timedelta(days=200)),
            "ocop": make_certificate(org, "ocop", "88/QD-UBND", stars=4, status="active",
                                     issued_on=today - timedelta(days=100)),
            "expired": make_certificate(org, "globalgap", "4063061000123", status="active",
                                        issued_on=today - timedelta(days=500), expires_on=today - timedelta(days=1)),
            "code": make_planting_code(org, "VN-DTOR-0017", status="active", markets="CN; US",
                                       valid_until=today + timedelta(days=700)),
            "packing": make_planting_code(org, "VN-DTPH-0001", "packing_house", status="pending"),
            "foreign": make_certificate(make_org("cooperative"), "vietgap", "VietGAP-TT-99-99-99-0001",
                                        status="active"),
        }
    return org, chair, credentials


@pytest.fixture
def token(app, club) -> str:
    return api_token(app, club[1])


def body(**overrides) -> dict:
    today = today_in_vietnam()
    data = {"ref": "API-XOAI-1", "product": "xoài", "variety": "cát Chu", "quantity": "2,5", "unit": "tấn",
            "price_vnd": "38k", "available_from": today.isoformat(),
            "available_to": (today + timedelta(days=30)).strftime("%d/%m/%Y")}
    data.update(overrides)
    return data


def listing_count(app) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(Listing))


# Reading ---------------------------------------------------------------------------------------

def test_a_listing_has_every_promised_field(app, club, client):
    org, _chair, cred = club
    today = today_in_vietnam()
    with app_session(app):
        listing = make_listing(org, "xoài", variety="cát Chu", quantity="1.500", price_vnd="38000", ref="XOAI-001",
                               min_order="200",
                               certificates=[cred["vietgap"], cred["ocop"], cred["expired"]],
                               planting_codes=[cred["code"], cred["packing"]])
    response = client.get(f"/api/v1/listings/{listing.id}")
    assert response.status_code == 200
    data = response.get_json()
    assert LISTING_FIELDS <= set(data)
    assert data["id"] == listing.id
    assert data["ref"] == "XOAI-001"
    assert (data["product"], data["variety"], data["category"]) == ("Xoài", "cát Chu", "fruit")
    assert (data["quantity"], data["quantity_available"], data["unit"], data["price_vnd"]) == (1500, 1500, "kg", 38000)
    assert data["available_from"] == today.isoformat()
    assert data["available_to"] == (today + timedelta(days=30)).isoformat()
    assert data["status"] == "published"
    assert data["org"] == {"id": org.id, "ref": "HQ-XOAI-CL", "name": "Hội quán Xoài Cao Lãnh", "kind": "club"}
    assert data["commune"]["code"] == "29869"
    assert data["commune"]["name"] == "Phường Cao Lãnh"
    certificates = {c["number"]: c for c in data["certificates"]}
    assert set(certificates) == {"VIETGAP-TT-13-09-68-0096", "88-QD-UBND", "4063061000123"}
    for certificate in certificates.values():
        assert set(certificate) >= {"type", "number", "stars", "expires_on", "status", "valid"}
    assert certificates["VIETGAP-TT-13-09-68-0096"] == {
        "type": "vietgap", "number": "VIETGAP-TT-13-09-68-0096", "stars": None,
        "expires_on": (today + timedelta(days=200)).isoformat(), "status": "active", "valid": True,
        "issuer": "", "products": "", "area_ha": None, "markets": []}
    assert (certificates["88-QD-UBND"]["stars"], certificates["88-QD-UBND"]["valid"]) == (4, True)
    assert (certificates["4063061000123"]["status"], certificates["4063061000123"]["valid"]) == ("expired", False)
    assert data["ocop_stars"] == 4
    codes = {c["code"]: c for c in data["planting_codes"]}
    assert codes["VN-DTOR-0017"] == {"code": "VN-DTOR-0017", "kind": "growing_area", "status": "active",
                                     "markets": ["CN", "US"], "valid_until": (today + timedelta(days=700)).isoformat(),
                                     "valid": True, "issuer": "", "area_ha": None}
    assert (codes["VN-DTPH-0001"]["kind"], codes["VN-DTPH-0001"]["status"], codes["VN-DTPH-0001"]["valid"]) == \
        ("packing_house", "pending", False)


def test_ocop_stars_are_null_when_the_rating_has_expired(app, club, client):
    org, _chair, _cred = club
    today = today_in_vietnam()
    with app_session(app):
        old = make_certificate(org, "ocop", "7/QD-UBND", stars=5, status="active",
                               issued_on=today - timedelta(days=1200), expires_on=today - timedelta(days=1))
        listing = make_listing(org, certificates=[old])
    data = client.get(f"/api/v1/listings/{listing.id}").get_json()
    assert data["ocop_stars"] is None
    assert data["certificates"][0]["valid"] is False


def test_find_a_listing_by_ref(app, club, client):
    org, _chair, _cred = club
    with app_session(app):
        wanted = make_listing(org, ref="XOAI-REF-7")
        make_listing(org, ref="XOAI-REF-8")
    data = client.get("/api/v1/listings?ref=XOAI-REF-7").get_json()
    assert data["total"] == 1
    assert [x["id"] for x in data["results"]] == [wanted.id]
    assert client.get("/api/v1/listings?ref=NO-SUCH-REF").get_json() == {"total": 0, "results": []}


def test_a_draft_is_not_found_by_ref_for_others(app, club, client):
    org, _chair, _cred = club
    with app_session(app):
        make_listing(org, ref="XOAI-NHAP", publish=False)
    assert client.get("/api/v1/listings?ref=XOAI-NHAP").get_json()["total"] == 0


def test_the_list_holds_only_what_is_on_sale(app, club, client):
    org, _chair, _cred = club
    today = today_in_vietnam()
    with app_session(app) as session:
        on_sale = make_listing(org, ref="ON-SALE")
        make_listing(org, ref="DRAFT", publish=False)
        past = make_listing(org, ref="PAST")
        session.get(Listing, past.id).available_to = today - timedelta(days=1)
        sold = make_listing(org, ref="SOLD")
        session.get(Listing, sold.id).quantity_available = 0
        session.commit()
    data = client.get("/api/v1/listings").get_json()
    refs = {x["ref"] for x in data["results"]}
    assert "ON-SALE" in refs
    assert not refs & {"DRAFT", "PAST", "SOLD"}
    assert data["total"] == len(data["results"])
    assert on_sale.id in [x["id"] for x in client.get(f"/api/v1/listings?org={org.id}").get_json()["results"]]


def test_unknown_listing_is_404_json(client):
    response = client.get("/api/v1/listings/999999")
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "fields"}


# Creating ------------------------------------------------------------------------------------

def test_create_a_listing(app, client, club, token):
    org, chair, cred = club
    today = today_in_vietnam()
    response = post_json(client, body(certificates=["VietGAP-TT-13-09-68-0096", "88/QD-UBND"],
                                      planting_codes="vn dtor 0017"), token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert LISTING_FIELDS <= set(data)
    assert (data["ref"], data["product"], data["variety"], data["quantity"], data["unit"], data["price_vnd"]) == \
        ("API-XOAI-1", "Xoài", "cát Chu", 2.5, "tấn", 38000)
    assert (data["available_from"], data["available_to"]) == \
        (today.isoformat(), (today + timedelta(days=30)).isoformat())
    assert data["status"] == "published"
    assert data["org"]["id"] == org.id
    assert {c["number"] for c in data["certificates"]} == {"VIETGAP-TT-13-09-68-0096", "88-QD-UBND"}
    assert data["ocop_stars"] == 4
    assert [c["code"] for c in data["planting_codes"]] == ["VN-DTOR-0017"]
    with app_session(app) as session:
        stored = session.get(Listing, data["id"])
        assert (stored.organization_id, stored.created_by_id) == (org.id, chair.id)
    again = client.get(f"/api/v1/listings/{data['id']}").get_json()
    for name in ("certificates", "planting_codes"):  # a set of credentials: their order is not promised
        again[name].sort(key=json.dumps)
        data[name].sort(key=json.dumps)
    assert again == data
    assert data["id"] in [x["id"] for x in client.get("/api/v1/listings").get_json()["results"]]


def test_create_accepts_json_numbers_and_a_draft(client, club, token):
    response = post_json(client, body(quantity=1.234, price_vnd=38000, publish=False, ref="API-NUM"), token)
    assert response.status_code == 201
    data = response.get_json()
    assert (data["quantity"], data["price_vnd"], data["status"]) == (1.234, 38000, "draft")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"quantity": -5}, "quantity"),
    ({"quantity": "-5"}, "quantity"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": "abc"}, "quantity"),
    ({"quantity": None}, "quantity"),
    ({"quantity": [1, 2]}, "quantity"),
    ({"quantity": {"value": 2}}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"quantity": "1e999"}, "quantity"),
    ({"quantity": 1e300}, "quantity"),
    pytest.param({"quantity": 10 ** 400}, "quantity", id="quantity-10**400"),
    ({"price_vnd": "abc"}, "price_vnd"),
    ({"price_vnd": "38,5"}, "price_vnd"),
    ({"price_vnd": 38000.5}, "price_vnd"),
    ({"price_vnd": -1}, "price_vnd"),
    pytest.param({"price_vnd": 10 ** 400}, "price_vnd", id="price-10**400"),
    ({"min_order": "3", "quantity": "2,5"}, "min_order"),
    ({"available_to": (today_in_vietnam() - timedelta(days=3)).isoformat(),
      "available_from": (today_in_vietnam() - timedelta(days=1)).isoformat()}, "available_to"),
    ({"available_from": (today_in_vietnam() + timedelta(days=9)).isoformat(),
      "available_to": (today_in_vietnam() + timedelta(days=2)).isoformat()}, "available_to"),
    ({"available_from": "31/02/2027"}, "available_from"),
    ({"available_to": None}, "available_to"),
    ({"unit": None}, "unit"),
    ({"unit": ["kg"]}, "unit"),
    ({"unit": "12345"}, "unit"),
    ({"product": ""}, "product"),
    ({"product": None}, "product"),
    ({"product": "x" * 500}, "product"),
    ({"variety": "x" * 121}, "variety"),
    ({"grade": "x" * 61}, "grade"),
    ({"delivery_area": "x" * 301}, "delivery_area"),
    ({"producer_name": "x" * 121}, "producer_name"),
    ({"description": "x" * 4001}, "description"),
    ({"ref": "R" * 61}, "ref"),
    ({"certificates": ["VietGAP-TT-99-99-99-0001"]}, "certificates"),  # another org's
    ({"certificates": "NO-SUCH-NUMBER"}, "certificates"),
    ({"certificates": 5}, "certificates"),
    ({"certificates": {"number": "x"}}, "certificates"),
    ({"planting_codes": ["VN-DTOR-9999"]}, "planting_codes"),
])
def test_bad_input_is_422_with_a_message_per_field(app, client, club, token, overrides, field):
    before = listing_count(app)
    response = post_json(client, body(**overrides), token)
    assert response.status_code == 422, response.get_json()
    data = response.get_json()
    assert set(data) == {"error", "fields"}
    assert data["error"] == "Một số ô chưa đúng, vui lòng xem lại."
    assert field in data["fields"], data["fields"]
    messages = data["fields"][field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert not any("Field may not" in m or "Not a valid" in m for m in messages)  # our words, translated
    assert listing_count(app) == before


def test_every_problem_is_reported_at_once(client, club, token):
    response = post_json(client, body(quantity="abc", unit="", product="", price_vnd="re",
                                      available_from="hôm nay"), token)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) >= {"quantity", "unit", "product", "price_vnd", "available_from"}


@pytest.mark.parametrize("raw", ["[1, 2]", '"xoai"', "42", "null"])
def test_a_body_that_is_not_an_object_is_refused_not_a_crash(client, club, token, raw):
    response = client.post("/api/v1/listings", data=raw, content_type="application/json", headers=bearer(token))
    assert response.status_code in (400, 422)
    assert set(response.get_json()) == {"error", "fields"}


def test_a_body_that_is_not_json_is_400(client, club, token):
    response = client.post("/api/v1/listings", data="quantity=5", content_type="application/json",
                           headers=bearer(token))
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "fields"}


def test_a_duplicate_ref_is_409(app, client, club, token):
    org, _chair, _cred = club
    with app_session(app):
        make_listing(org, ref="API-XOAI-1")
    before = listing_count(app)
    response = post_json(client, body(ref="API-XOAI-1"), token)
    assert response.status_code == 409
    assert set(response.get_json()) == {"error", "fields"}
    assert listing_count(app) == before


def test_a_ref_of_another_orgs_listing_is_409_too(app, client, club, token):
    with app_session(app):
        make_listing(make_org("cooperative"), ref="OTHER-REF")
    assert post_json(client, body(ref="OTHER-REF"), token).status_code == 409


def test_without_a_token_is_401(app, client, club):
    before = listing_count(app)
    response = post_json(client, body())
    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "fields"}
    assert listing_count(app) == before


@pytest.mark.parametrize("role", ["buyer", "staff"])
def test_a_token_of_someone_who_cannot_sell_is_403(app, client, club, role):
    with app_session(app):
        user = make_user(role)
    before = listing_count(app)
    response = post_json(client, body(), api_token(app, user))
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "fields"}
    assert listing_count(app) == before


def test_a_bad_token_is_401(client, club):
    assert post_json(client, body(), "chq_not-a-real-token-000000000000000000").status_code == 401


def test_messages_in_english_on_request(client, club, token):
    response = post_json(client, body(quantity="abc", unit="[kg]", product="", available_to="31/02/2027"),
                         token, path="/api/v1/listings?lang=en")
    assert response.status_code == 422
    data = response.get_json()
    assert data["error"] == "Some fields need attention."
    assert data["fields"]["quantity"] == ["Enter a number, e.g. 1500 or 2,5."]
    assert data["fields"]["unit"] == ["Write the unit as a word or two, e.g. kg, túi, thùng 10 kg."]
    assert data["fields"]["product"] == ["This field is required."]
    assert data["fields"]["available_to"] == ["February 2027 has no day 31."]

    response = post_json(client, body(certificates=["VietGAP-TT-99-99-99-0001"]), token,
                         path="/api/v1/listings?lang=en")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "certificates": ["VietGAP-TT-99-99-99-0001 is not one of your organisation's."]}


def test_messages_in_vietnamese_by_default(client, club, token):
    data = post_json(client, body(quantity="abc"), token).get_json()
    assert data["fields"]["quantity"] == ["Nhập một con số, ví dụ 1500 hoặc 2,5."]


def test_a_product_and_unit_the_catalogue_lacks_are_kept_as_typed(client, club, token):
    response = post_json(client, body(product="Bánh tráng sữa Phú Hựu loại 1", unit="bịch"), token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (data["product"], data["in_catalogue"], data["grade"], data["unit"]) == (
        "Bánh tráng sữa Phú Hựu", False, "loại 1", "bịch")
    assert data["product_text"] == "Bánh tráng sữa Phú Hựu loại 1"


def test_a_phrase_gives_product_variety_and_grade(client, club, token):
    response = post_json(client, body(product="xoai cat chu xuat khau", variety=""), token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (data["product"], data["variety"], data["grade"], data["in_catalogue"]) == (
        "Xoài", "cát Chu", "xuất khẩu", True)

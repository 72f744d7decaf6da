"""Demand through the JSON API v1: the promised shape, lookups by import ref, the buyer hidden from
anonymous callers, and POST /api/v1/demand answering every mistake with 422 and a message per
field (never a server error), 409 for a duplicate ref, 401 without a token, 403 for a seller."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from tests.clients import api_token, app_session
from tests.factories import make_demand, make_org, make_user

BUYER_NAME = "Siêu thị Thử API"
DEMAND_KEYS = {"id", "ref", "product", "category", "quantity", "unit", "frequency", "needed_from", "needed_to",
               "price_min_vnd", "price_max_vnd", "required_certificates", "min_ocop_stars",
               "needs_planting_code", "export_market", "status", "org", "commune"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def demand_count(app) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(DemandPost))


@pytest.fixture
def buyer_org(app):
    with app_session(app) as session:
        org = make_org("supermarket", name=BUYER_NAME, ref="ST-THU-API", phone="0909000111")
        session.commit()
        return org


@pytest.fixture
def buyer_token(app, buyer_org) -> str:
    with app_session(app):
        user = make_user("buyer", buyer_org)
    return api_token(app, user)


@pytest.fixture
def seller_token(app) -> str:
    with app_session(app):
        user = make_user("seller")
    return api_token(app, user)


@pytest.fixture
def posted(app, buyer_org) -> DemandPost:
    today = today_in_vietnam()
    with app_session(app):
        return make_demand(buyer_org, "xoài", variety="cát Chu", quantity="5", unit="tấn", frequency="weekly",
                           needed_from=today, needed_to=today + timedelta(days=60), price_min_vnd="30k",
                           price_max_vnd="45k", required_certificates="vietgap;globalgap", min_ocop_stars="3",
                           export_market="cn", commune_code="30244", ref="BHX-XOAI-01",
                           quality_notes="Trái 350–450 g.")


def body(**overrides) -> dict:
    today = today_in_vietnam()
    data = {"ref": "API-XOAI-01", "product": "xoai", "variety": "cat chu", "quantity": 5, "unit": "tấn",
            "frequency": "weekly", "needed_from": today.isoformat(),
            "needed_to": (today + timedelta(days=30)).isoformat(), "price_min_vnd": 30000,
            "price_max_vnd": 45000, "required_certificates": ["vietgap"], "min_ocop_stars": None,
            "needs_planting_code": False, "export_market": "", "commune_code": "30244",
            "quality_notes": "Trái 350–450 g."}
    data.update(overrides)
    return data


# Reading -------------------------------------------------------------------------------------

def test_a_demand_post_has_the_promised_shape(client, posted, buyer_token):
    today = today_in_vietnam()
    response = client.get(f"/api/v1/demand/{posted.id}", headers=bearer(buyer_token))
    assert response.status_code == 200
    data = response.get_json()
    assert DEMAND_KEYS <= set(data)
    assert data["id"] == posted.id and data["ref"] == "BHX-XOAI-01"
    assert (data["product"], data["variety"], data["category"]) == ("Xoài", "cát Chu", posted.product.category_code)
    assert (data["quantity"], data["unit"], data["frequency"]) == (5, "tấn", "weekly")
    assert data["needed_from"] == today.isoformat()
    assert data["needed_to"] == (today + timedelta(days=60)).isoformat()
    assert (data["price_min_vnd"], data["price_max_vnd"]) == (30000, 45000)
    assert data["required_certificates"] == ["vietgap", "globalgap"]
    assert data["min_ocop_stars"] == 3
    assert data["needs_planting_code"] is True  # an export market needs a planting area code
    assert data["export_market"] == "CN"
    assert data["status"] == "open"
    assert {"id", "ref", "name", "kind"} <= set(data["org"])
    assert (data["org"]["ref"], data["org"]["name"], data["org"]["kind"]) == ("ST-THU-API", BUYER_NAME, "supermarket")
    assert {"code", "name"} <= set(data["commune"])
    assert (data["commune"]["code"], data["commune"]["name"]) == ("30244", "Xã Phú Hựu")


def test_anonymous_callers_get_the_need_without_the_buyer(client, posted):
    data = client.get(f"/api/v1/demand/{posted.id}").get_json()
    assert data["org"] is None
    assert data["product"] == "Xoài"
    assert BUYER_NAME not in json.dumps(data, ensure_ascii=False)
    listed = client.get("/api/v1/demand", query_string={"ref": "BHX-XOAI-01"}).get_json()
    assert listed["results"][0]["org"] is None


def test_lookup_by_ref(client, posted, buyer_token):
    response = client.get("/api/v1/demand", query_string={"ref": "BHX-XOAI-01"}, headers=bearer(buyer_token))
    assert response.status_code == 200
    data = response.get_json()
    assert data["total"] == 1
    assert [r["id"] for r in data["results"]] == [posted.id]
    assert DEMAND_KEYS <= set(data["results"][0])
    assert data["results"][0]["org"]["name"] == BUYER_NAME


def test_lookup_by_an_unknown_ref_is_empty(client, posted):
    assert client.get("/api/v1/demand", query_string={"ref": "NO-SUCH-REF"}).get_json() == {"total": 0, "results": []}


def test_the_list_holds_open_demand_in_its_window(app, client, buyer_org, posted):
    today = today_in_vietnam()
    with app_session(app):
        paused = make_demand(buyer_org, "quýt", status="paused")
        expired = make_demand(buyer_org, "bưởi", today=today - timedelta(days=40),
                              needed_to=today - timedelta(days=1), ref="BHX-BUOI-CU")
    data = client.get("/api/v1/demand").get_json()
    ids = [r["id"] for r in data["results"]]
    assert posted.id in ids and paused.id not in ids and expired.id not in ids
    assert data["total"] == len(data["results"])
    assert client.get(f"/api/v1/demand/{paused.id}").get_json()["status"] == "paused"
    # by ref a post is found whatever its status, and the status says what it is now
    by_ref = client.get("/api/v1/demand", query_string={"ref": "BHX-BUOI-CU"}).get_json()
    assert [(r["id"], r["status"]) for r in by_ref["results"]] == [(expired.id, "expired")]


def test_an_unknown_post_is_a_json_404(client):
    response = client.get("/api/v1/demand/987654")
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "fields"}


# Posting -------------------------------------------------------------------------------------

def test_a_buyer_posts_demand_with_a_token(app, client, buyer_org, buyer_token):
    today = today_in_vietnam()
    response = client.post("/api/v1/demand", json=body(), headers=bearer(buyer_token))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert DEMAND_KEYS <= set(data)
    assert (data["ref"], data["product"], data["variety"]) == ("API-XOAI-01", "Xoài", "cát Chu")
    assert (data["quantity"], data["unit"], data["frequency"]) == (5, "tấn", "weekly")
    assert (data["price_min_vnd"], data["price_max_vnd"]) == (30000, 45000)
    assert data["required_certificates"] == ["vietgap"]
    assert data["needed_to"] == (today + timedelta(days=30)).isoformat()
    assert data["org"]["id"] == buyer_org.id
    assert data["commune"]["code"] == "30244"
    assert data["status"] == "open"

    found = client.get("/api/v1/demand", query_string={"ref": "API-XOAI-01"}).get_json()
    assert [r["id"] for r in found["results"]] == [data["id"]]
    assert client.get(f"/api/v1/demand/{data['id']}").get_json()["quantity"] == 5


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"quantity": "2,5", "unit": "tan"}, {"quantity": 2.5, "unit": "tấn"}),  # as people type them
    ({"quantity": "1.500", "unit": "kg"}, {"quantity": 1500}),
    ({"price_min_vnd": "30k", "price_max_vnd": "45.000đ"}, {"price_min_vnd": 30000, "price_max_vnd": 45000}),
    ({"price_min_vnd": None, "price_max_vnd": None}, {"price_min_vnd": None, "price_max_vnd": None}),
    ({"price_min_vnd": 2_000_000_000, "price_max_vnd": 3_000_000_000},  # beyond a 32-bit integer
     {"price_min_vnd": 2_000_000_000, "price_max_vnd": 3_000_000_000}),
    ({"needed_from": None, "needed_to": None} | {
        "needed_from": today_in_vietnam().strftime("%d/%m/%Y"),
        "needed_to": (today_in_vietnam() + timedelta(days=3)).strftime("%d/%m/%Y")},
     {"needed_to": (today_in_vietnam() + timedelta(days=3)).isoformat()}),
    ({"required_certificates": "VietGAP;organic"}, {"required_certificates": ["vietgap", "organic"]}),
    ({"required_certificates": []}, {"required_certificates": []}),
    ({"min_ocop_stars": 4}, {"min_ocop_stars": 4}),
    ({"needs_planting_code": True, "export_market": "US"}, {"needs_planting_code": True, "export_market": "US"}),
    ({"frequency": "seasonal"}, {"frequency": "seasonal"}),
    ({"commune_code": None}, {"commune": None}),
    ({"ref": None}, {"ref": None}),
])
def test_values_are_read_as_people_write_them(client, buyer_token, overrides, expected):
    response = client.post("/api/v1/demand", json=body(**overrides), headers=bearer(buyer_token))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    for name, value in expected.items():
        assert data[name] == value, name



BAD_BODIES = [
    ({"quantity": -5}, {"quantity"}),
    ({"quantity": 0}, {"quantity"}),
    ({"quantity": "abc"}, {"quantity"}),
    ({"quantity": None}, {"quantity"}),
    ({"quantity": [5]}, {"quantity"}),
    ({"quantity": {"value": 5}}, {"quantity"}),
    ({"quantity": True}, {"quantity"}),
    ({"quantity": 10 ** 400}, {"quantity"}),  # beyond any float
    ({"quantity": 10 ** 9}, {"quantity"}),
    ({"needed_from": (today_in_vietnam() + timedelta(days=20)).isoformat(), "needed_to": (today_in_vietnam() + timedelta(days=10)).isoformat()},
     {"needed_to"}),
    ({"needed_from": (today_in_vietnam() - timedelta(days=20)).isoformat(), "needed_to": (today_in_vietnam() - timedelta(days=10)).isoformat()},
     {"needed_to"}),
    ({"needed_from": "2026-13-45"}, {"needed_from"}),
    ({"needed_to": "next week"}, {"needed_to"}),
    ({"needed_to": 12345}, {"needed_to"}),
    ({"needed_from": None, "needed_to": None}, {"needed_from", "needed_to"}),
    ({"price_min_vnd": 50000, "price_max_vnd": 45000}, {"price_max_vnd"}),
    ({"price_min_vnd": "50k", "price_max_vnd": "45k"}, {"price_max_vnd"}),
    ({"price_min_vnd": -1}, {"price_min_vnd"}),
    ({"price_max_vnd": 10 ** 11}, {"price_max_vnd"}),
    ({"price_min_vnd": "abc"}, {"price_min_vnd"}),
    ({"price_min_vnd": 38000.5}, {"price_min_vnd"}),
    ({"unit": "1234"}, {"unit"}),
    ({"unit": ""}, {"unit"}),
    ({"unit": ["kg"]}, {"unit"}),
    ({"product": ""}, {"product"}),
    ({"product": "x" * 500}, {"product"}),
    ({"frequency": "daily"}, {"frequency"}),
    ({"required_certificates": ["haccp"]}, {"required_certificates"}),
    ({"required_certificates": {"vietgap": True}}, {"required_certificates"}),
    ({"min_ocop_stars": 6}, {"min_ocop_stars"}),
    ({"min_ocop_stars": 0}, {"min_ocop_stars"}),
    ({"min_ocop_stars": "abc"}, {"min_ocop_stars"}),
    ({"commune_code": "99999"}, {"commune_code"}),
    ({"quality_notes": "x" * 5000}, {"quality_notes"}),
    ({"variety": "x" * 121}, {"variety"}),
    ({"export_market": "x" * 41}, {"export_market"}),
    ({"ref": "R" * 61}, {"ref"}),
    ({"quantity": -5, "needed_from": (today_in_vietnam() + timedelta(days=20)).isoformat(),
      "needed_to": (today_in_vietnam() + timedelta(days=10)).isoformat(), "price_min_vnd": 50000, "price_max_vnd": 45000,
      "unit": "#?", "quality_notes": "x" * 5000},
     {"quantity", "needed_to", "price_max_vnd", "unit", "quality_notes"}),
]


@pytest.mark.parametrize(("overrides", "fields"), BAD_BODIES)
def test_mistakes_are_422_with_a_message_per_field(app, client, buyer_token, overrides, fields):
    response = client.post("/api/v1/demand", json=body(**overrides), headers=bearer(buyer_token))
    assert response.status_code == 422, response.get_data(as_text=True)
    data = response.get_json()
    assert set(data) == {"error", "fields"}
    assert data["error"]
    assert set(data["fields"]) == fields
    for messages in data["fields"].values():
        assert messages and all(isinstance(m, str) and m.strip() for m in messages)
    assert demand_count(app) == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"quantity": -5}, "quantity", "Enter a number above zero."),
    ({"quantity": "abc"}, "quantity", "Enter a number, e.g. 1500 or 2,5."),
    ({"needed_from": (today_in_vietnam() + timedelta(days=20)).isoformat(), "needed_to": (today_in_vietnam() + timedelta(days=10)).isoformat()},
     "needed_to", "The end date must be on or after the start date."),
    ({"price_min_vnd": 50000, "price_max_vnd": 45000}, "price_max_vnd",
     "The lowest price cannot be above the highest price."),
    ({"unit": "[kg]"}, "unit", "Write the unit as a word or two, e.g. kg, túi, thùng 10 kg."),
    ({"quality_notes": "x" * 5000}, "quality_notes", "This text is too long."),
])
def test_messages_say_what_is_wrong(client, buyer_token, overrides, field, message):
    response = client.post("/api/v1/demand?lang=en", json=body(**overrides), headers=bearer(buyer_token))
    assert response.status_code == 422
    assert response.get_json()["fields"][field] == [message]


@pytest.mark.parametrize("payload", [[], "xoai", 5, None])
def test_a_body_that_is_not_an_object_is_422_json(app, client, buyer_token, payload):
    response = client.post("/api/v1/demand", data=json.dumps(payload), content_type="application/json",
                           headers=bearer(buyer_token))
    assert response.status_code == 422
    assert set(response.get_json()) == {"error", "fields"}
    assert demand_count(app) == 0


def test_broken_json_is_400_json(app, client, buyer_token):
    response = client.post("/api/v1/demand", data="{not json", content_type="application/json",
                           headers=bearer(buyer_token))
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "fields"}
    assert demand_count(app) == 0


def test_a_duplicate_ref_is_409(app, client, buyer_token):
    assert client.post("/api/v1/demand", json=body(), headers=bearer(buyer_token)).status_code == 201
    response = client.post("/api/v1/demand", json=body(quantity=7), headers=bearer(buyer_token))
    assert response.status_code == 409
    assert set(response.get_json()) == {"error", "fields"}
    assert demand_count(app) == 1


def test_posting_without_a_token_is_401(app, client):
    response = client.post("/api/v1/demand", json=body())
    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "fields"}
    assert demand_count(app) == 0


def test_a_bad_token_is_401(app, client):
    response = client.post("/api/v1/demand", json=body(), headers=bearer("chq_not-a-real-token-000000000000"))
    assert response.status_code == 401
    assert demand_count(app) == 0


def test_a_club_seller_cannot_post_demand(app, client, seller_token):
    response = client.post("/api/v1/demand", json=body(), headers=bearer(seller_token))
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "fields"}
    assert demand_count(app) == 0


def test_staff_without_a_buyer_organisation_cannot_post_demand(app, client):
    with app_session(app):
        staff = make_user("staff")
    response = client.post("/api/v1/demand", json=body(), headers=bearer(api_token(app, staff)))
    assert response.status_code == 403
    assert demand_count(app) == 0


def test_the_openapi_document_lists_the_demand_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/demand"])
    assert "get" in paths["/api/v1/demand/{demand_id}"]

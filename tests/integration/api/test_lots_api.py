"""The lots API: a club's seller records a lot and its events with a bearer token and reads it
back; bad input is a 422 per field; another club's seller and anonymous callers do not find it."""

from __future__ import annotations

import json

import pytest

from marketplace.dates import today_in_vietnam
from tests.clients import api_token, app_session
from tests.factories import make_org, make_planting_code, make_user


def post_json(client, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def club(app):
    with app_session(app):
        org = make_org("club", name="Hội quán Xoài API lô", commune_code="29869")
        chair = make_user("seller", org)
        make_planting_code(org, "VN-DTOR-0801")
        make_planting_code(org, "VN-DTPH-0802", "packing_house")
        other = make_org("club", name="Hội quán khác API lô")
        stranger = make_user("seller", other)
        staff = make_user("staff")
    return org, api_token(app, chair), api_token(app, stranger), api_token(app, staff)


def test_a_lot_round_trip(app, club, client):
    _org, token, stranger, staff = club
    today = today_in_vietnam()
    created = post_json(client, "/api/v1/lots", {
        "product": "xoai cat chu", "quantity": "2,5", "unit": "tấn", "growing_area_code": "vn-dtor-0801",
        "packing_house_code": "VN-DTPH-0802", "harvested_on": today.strftime("%d/%m/%Y"),
        "producer_name": "Hộ ông Tư"}, token)
    assert created.status_code == 201, created.get_json()
    lot = created.get_json()
    code = lot["code"]
    assert (lot["quantity"], lot["unit"], lot["growing_area_code"], lot["state"]) == (2.5, "tấn", "VN-DTOR-0801", "new")
    assert lot["trace_path"] == f"/t/{code}"
    event = post_json(client, f"/api/v1/lots/{code}/events", {"kind": "harvested", "commune_code": "29869",
                                                             "quantity": 2.5, "unit": "tấn"}, token)
    assert event.status_code == 201, event.get_json()
    fix = post_json(client, f"/api/v1/lots/{code.lower()}/events",
                    {"corrects_event_id": event.get_json()["id"], "quantity": "2,4", "note": "Cân lại"}, token)
    assert fix.status_code == 201 and fix.get_json()["corrects_event_id"] == event.get_json()["id"]
    split = post_json(client, "/api/v1/lots", {"sources": [{"code": code, "quantity": "1"}], "quantity": "1",
                                               "code": "lo-ship-1"}, token)
    assert split.status_code == 201, split.get_json()
    assert split.get_json()["sources"] == [{"code": code, "quantity": 1, "unit": "tấn"}]
    read = client.get(f"/api/v1/lots/{code}", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200
    data = read.get_json()
    assert [e["kind"] for e in data["events"]] == ["harvested", "harvested"]
    assert data["destinations"] == [{"code": "LO-SHIP-1", "quantity": 1, "unit": "tấn"}]
    assert client.get(f"/api/v1/lots/{code}", headers={"Authorization": f"Bearer {staff}"}).status_code == 200
    assert client.get(f"/api/v1/lots/{code}", headers={"Authorization": f"Bearer {stranger}"}).status_code == 404
    assert post_json(client, f"/api/v1/lots/{code}/events", {"kind": "sorted"}, stranger).status_code == 404
    assert post_json(client, f"/api/v1/lots/{code}/events", {"kind": "sorted"}, staff).status_code == 403
    assert client.get(f"/api/v1/lots/{code}").status_code == 401


def test_bad_input_is_a_422_per_field(app, club, client):
    _org, token, stranger, _staff = club
    answer = post_json(client, "/api/v1/lots", {"code": "LO 1", "quantity": "abc", "unit": "kg",
                                                "growing_area_code": "VN-DTOR-0801", "sources": "x"}, token)
    assert answer.status_code == 422
    answer = post_json(client, "/api/v1/lots", {"code": "LO 1", "quantity": "abc", "unit": "kg", "product": "xoài",
                                                "gtin": "123", "listing_id": 99999999999,
                                                "sources": [{"code": "NOPE", "quantity": "1"}]}, token)
    assert answer.status_code == 422
    assert {"code", "quantity", "gtin", "listing_id", "sources-0-code"} <= set(answer.get_json()["fields"])
    created = post_json(client, "/api/v1/lots", {"product": "xoài", "quantity": 1, "unit": "kg"}, token).get_json()
    answer = post_json(client, f"/api/v1/lots/{created['code']}/events",
                       {"kind": "eaten", "happened_at": "tomorrow", "corrects_event_id": True,
                        "order_id": 10**30, "commune_code": "99999"}, token)
    assert answer.status_code == 422
    assert post_json(client, "/api/v1/lots", {"product": "xoài", "quantity": 1, "unit": "kg"},
                     api_token(app, make_buyer(app))).status_code == 403


def test_text_fields_given_as_lists_or_objects_are_a_422(app, club, client):
    _org, token, _stranger, _staff = club
    answer = post_json(client, "/api/v1/lots", {"product": ["xoai"], "quantity": 1, "unit": {"u": "kg"},
                                                "note": True}, token)
    assert answer.status_code == 422
    assert {"product", "unit", "note"} <= set(answer.get_json()["fields"])
    answer = post_json(client, "/api/v1/lots", {"product": "xoài", "quantity": 1, "unit": "kg",
                                                "sources": [{"code": ["X"], "quantity": 1}]}, token)
    assert answer.status_code == 422 and "sources-0-code" in answer.get_json()["fields"]
    created = post_json(client, "/api/v1/lots", {"product": "xoài", "quantity": 1, "unit": "kg"}, token)
    assert created.status_code == 201 and created.get_json()["product_text"] == "xoài"
    answer = post_json(client, f"/api/v1/lots/{created.get_json()['code']}/events",
                       {"kind": ["sorted"], "place": 5}, token)
    assert answer.status_code == 422 and {"kind", "place"} <= set(answer.get_json()["fields"])
    assert post_json(client, f"/api/v1/lots/{created.get_json()['code']}/events",
                     {"kind": "sorted", "commune_code": 29869}, token).status_code == 201


def make_buyer(app):
    with app_session(app):
        return make_user("buyer", make_org("supermarket"))

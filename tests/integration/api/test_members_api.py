"""The members API: the list for members and staff, invitations by the board (201 with the link and
the code, 422 per field), others refused; every response checked against the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.members import services as members
from marketplace.members.models import Invitation
from marketplace.notifications.models import OutgoingMail
from tests.clients import api_token, app_session, csrf_token, signed_in
from tests.factories import make_org, make_user
from tests.integration.members.helpers import board_club


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_members_listed_for_members_and_staff_only(app, client):
    with app_session(app):
        club, chair = board_club()
        seller = make_user("seller", club, name="Anh Ba")
        staff, outsider = make_user("staff"), make_user("seller", make_org("club"))
    listed = client.get(f"/api/v1/orgs/{club.id}/members", headers=_auth(api_token(app, seller)))
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2
    assert {(m["name"], m["role"], m["board"]) for m in body["results"]} == {
        ("Chú Tư chủ nhiệm", "seller", True), ("Anh Ba", "seller", False)}
    assert client.get(f"/api/v1/orgs/{club.id}/members", headers=_auth(api_token(app, staff))).status_code == 200
    assert client.get(f"/api/v1/orgs/{club.id}/members", headers=_auth(api_token(app, outsider))).status_code == 403
    assert client.get("/api/v1/orgs/999999/members", headers=_auth(api_token(app, staff))).status_code == 404
    assert client.get(f"/api/v1/orgs/{club.id}/members").status_code == 401


def test_the_board_invites_through_the_api(app, client):
    with app_session(app):
        club, chair = board_club()
        seller = make_user("seller", club)
    token = api_token(app, chair)
    made = client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                       json={"name": "Chị Năm", "phone": "+84 912 345 678", "role": "board", "title": "Phó chủ nhiệm"})
    assert made.status_code == 201
    body = made.get_json()
    assert "/join/" in body["link"] and len(body["code"]) == 6 and body["phone"] == "0912345678"
    by_mail = client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                          json={"name": "Anh Sáu", "email": "sau@example.test", "role": "buyer"})
    assert by_mail.status_code == 201
    with app_session(app) as session:
        assert session.scalar(select(Invitation.role).where(Invitation.id == body["id"])) == "board"
        assert session.scalar(select(OutgoingMail.to).where(OutgoingMail.kind == "invitation")) == "sau@example.test"
    bad = client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                      json={"name": "", "phone": "12345", "role": "king"})
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"name", "phone", "role"}
    refused = client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(api_token(app, seller)),
                          json={"name": "X", "phone": "0912345678"})
    assert refused.status_code == 403
    assert client.post("/api/v1/orgs/999999/members", headers=_auth(token), json={}).status_code == 404


def test_invitations_share_one_budget_on_the_page_and_in_the_api(app, client):
    with app_session(app):
        club, chair = board_club()
    token = api_token(app, chair)
    for _ in range(3):  # refused for their problems: nothing spent
        assert client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                           json={"name": "", "phone": "123"}).status_code == 422
    for n in range(30):
        sent = client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                           json={"name": f"Người {n}", "phone": f"0912 345 {n:03d}"})
        assert sent.status_code == 201
    assert client.post(f"/api/v1/orgs/{club.id}/members", headers=_auth(token),
                       json={"name": "Thêm", "phone": "0912 999 999"}).status_code == 429
    page = signed_in(app, chair)
    assert page.post(f"/orgs/{club.id}/members", data={"csrf_token": csrf_token(page), "name": "Thêm",
                                                       "contact": "0912 999 999", "role": "seller"}).status_code == 429


def test_a_listing_names_one_of_the_clubs_households_through_the_api(app, client):
    with app_session(app) as session:
        club, chair = board_club()
        seller = make_user("seller", club)
        household = members.save_household(session, club, None, members.HouseholdInput(name="Hộ ông Tư"), chair)
        other_club, other_chair = board_club("Hội quán khác")
        foreign = members.save_household(session, other_club, None, members.HouseholdInput(name="Hộ khác"),
                                         other_chair)
        session.commit()
        household_id, foreign_id = household.id, foreign.id
    headers = _auth(api_token(app, seller))
    body = {"product": "xoài", "quantity": "200", "unit": "kg", "price_vnd": "30000",
            "available_from": "2030-01-01", "available_to": "2030-02-01"}
    refused = client.post("/api/v1/listings", headers=headers, json=body | {"household_id": foreign_id})
    assert refused.status_code == 422 and "household_id" in refused.get_json()["fields"]
    odd = client.post("/api/v1/listings", headers=headers, json=body | {"household_id": "²"})  # isdigit, not int
    assert odd.status_code == 422 and "household_id" in odd.get_json()["fields"]
    made = client.post("/api/v1/listings", headers=headers, json=body | {"household_id": household_id})
    assert made.status_code == 201 and made.get_json()["household"] == {"id": household_id, "name": "Hộ ông Tư"}
    plain = client.post("/api/v1/listings", headers=headers, json=body)
    assert plain.status_code == 201 and plain.get_json()["household"] is None

"""A NUL typed into issue #19's inputs (a joining contact, an invitation by the API, a founding
decision's number, a household's note) is dropped where the request is parsed (request_text), so
PostgreSQL, which refuses it in text, never sees it: no 500, anonymously either."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.members.models import Invitation
from tests.clients import api_token, app_session, csrf_token, post, signed_in
from tests.integration.members.helpers import board_club


def test_a_nul_in_the_joining_contact_is_a_wrong_code_not_an_error(app):
    visitor = app.test_client()
    body = f"csrf_token={csrf_token(visitor)}&contact=a%00@b.vn&code=123456"
    response = visitor.post("/join", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 422)


def test_a_nul_in_an_api_invitation_is_dropped(app, client):
    with app_session(app):
        club, chair = board_club()
    made = client.post(f"/api/v1/orgs/{club.id}/members", headers={"Authorization": f"Bearer {api_token(app, chair)}"},
                       data='{"name": "Chi Nam\\u0000", "email": "nam\\u0000@example.test", "role": "seller"}',
                       content_type="application/json")
    assert made.status_code == 201
    with app_session(app) as session:
        assert session.scalar(select(Invitation.email)) == "nam@example.test"


def test_a_nul_in_a_decision_number_is_dropped(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    response = post(board, f"/orgs/{club.id}/verification", {"number": "125/QĐ\x00-UBND", "decided_on": "1/8/2019"})
    assert response.status_code == 422  # no scan yet: refused with words, not a 500

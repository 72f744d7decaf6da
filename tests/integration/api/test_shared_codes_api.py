"""API POST /listings with a cooperative's code: a member club's listing carries it and the JSON
says whose (`held_by`); a club that is not a member is refused and flagged for staff."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials.models import CodeClaimFlag
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from tests.clients import api_token, app_session
from tests.factories import make_org, make_planting_code, make_user


def _setup(app, *, member: bool):
    today = today_in_vietnam()
    with app_session(app) as session:
        coop = make_org("cooperative", name="HTX Xoài API thử")
        club = make_org("club", name="Hội quán Xoài API thử")
        chair = make_user("seller", club)
        make_planting_code(coop, "VN-DTOR-0777", status="active", markets="US", valid_until=today + timedelta(days=300))
        make_planting_code(club, "VN-DTOR-0778", status="active")
        if member:
            session.add(CooperativeMember(cooperative_id=coop.id, club_id=club.id, status="active",
                                          proposed_by_org_id=club.id, answered_at=utcnow()))
            session.commit()
    return coop, club, api_token(app, chair)


def _post(client, token, codes):
    today = today_in_vietnam()
    body = {"product": "xoài", "variety": "cát Chu", "quantity": "2", "unit": "tấn", "price_vnd": "38k",
            "available_from": today.isoformat(), "available_to": (today + timedelta(days=20)).isoformat(),
            "planting_codes": codes}
    return client.post("/api/v1/listings", data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_member_club_posts_the_cooperatives_code_and_the_json_says_whose(app, client):
    coop, _club, token = _setup(app, member=True)
    response = _post(client, token, "vn dtor 0777; VN-DTOR-0778")
    assert response.status_code == 201, response.get_json()
    codes = {c["code"]: c for c in response.get_json()["planting_codes"]}
    held_by = codes["VN-DTOR-0777"]["held_by"]
    assert (held_by["id"], held_by["name"], held_by["kind"]) == (coop.id, "HTX Xoài API thử", "cooperative")
    assert "held_by" not in codes["VN-DTOR-0778"]  # its own: as before
    listing_id = response.get_json()["id"]
    again = client.get(f"/api/v1/listings/{listing_id}").get_json()
    assert {c["code"]: c.get("held_by", {}).get("name") for c in again["planting_codes"]} == {
        "VN-DTOR-0777": "HTX Xoài API thử", "VN-DTOR-0778": None}


def test_a_club_that_is_not_a_member_is_refused_and_flagged(app, client):
    coop, club, token = _setup(app, member=False)
    response = _post(client, token, ["VN-DTOR-0777"])
    assert response.status_code == 422
    assert "planting_codes" in response.get_json()["fields"]
    with app_session(app) as session:
        flags = list(session.scalars(select(CodeClaimFlag)))
        assert [(f.code, f.holder_id, f.claimant_id) for f in flags] == [("VN-DTOR-0777", coop.id, club.id)]
        assert session.scalar(select(func.count()).select_from(CooperativeMember)) == 0


def test_sent_again_the_refused_code_is_flagged_once(app, client):
    coop, club, token = _setup(app, member=False)
    assert _post(client, token, ["VN-DTOR-0777"]).status_code == 422
    assert _post(client, token, ["VN-DTOR-0777"]).status_code == 422
    with app_session(app) as session:
        flags = list(session.scalars(select(CodeClaimFlag)))
        assert [(f.code, f.holder_id, f.claimant_id) for f in flags] == [("VN-DTOR-0777", coop.id, club.id)]


def test_a_pending_code_of_the_clubs_own_cooperative_is_refused_but_not_flagged(app, client):
    coop, _club, token = _setup(app, member=True)
    with app_session(app):
        make_planting_code(coop, "VN-DTOR-0779", status="pending")
    response = _post(client, token, ["VN-DTOR-0779"])
    assert response.status_code == 422 and "planting_codes" in response.get_json()["fields"]
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(CodeClaimFlag)) == 0

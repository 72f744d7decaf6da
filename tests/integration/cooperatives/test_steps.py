"""Staff record a club's steps towards a cooperative; both organisation pages show the founding."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.cooperatives.models import CooperativeStep
from marketplace.dates import today_in_vietnam
from marketplace.forms import as_typed_date
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_org, make_user


def _step(client, club_id, **fields):
    return client.post(f"/staff/cooperatives/{club_id}", data={"csrf_token": csrf_token(client)} | fields)


def test_staff_record_the_road_and_the_founding_shows_on_both_pages(app):
    today = today_in_vietnam()
    with app_session(app):
        club = make_org("club", name="Hội quán Quýt hồng thử")
        coop = make_org("cooperative", name="HTX Quýt hồng thử")
        staff = make_user("staff")
    client = signed_in(app, staff)
    assert client.get(f"/staff/cooperatives/{club.id}").status_code == 200
    assert _step(client, club.id, stage="guided", taken_on=as_typed_date(today - timedelta(days=90)),
                 note="Đã hướng dẫn ban chủ nhiệm điều lệ HTX").status_code == 302
    road = text_of(client.get("/staff/cooperatives"))
    assert "Hội quán Quýt hồng thử" in road
    # founding without a cooperative, or in the future: refused, nothing stored
    assert _step(client, club.id, stage="founded", taken_on=as_typed_date(today)).status_code == 422
    assert _step(client, club.id, stage="founded", taken_on=as_typed_date(today + timedelta(days=3)),
                 cooperative_id=str(coop.id)).status_code == 422
    with app_session(app) as session:
        assert session.scalar(select(func.count(CooperativeStep.id))) == 1
    founded_on = today - timedelta(days=10)
    assert _step(client, club.id, stage="founded", taken_on=as_typed_date(founded_on), cooperative_id=str(coop.id),
                 households_joined="25", members_joined="Phạm Văn Út, Lê Thị Hồng").status_code == 302
    with app_session(app) as session:
        saved = session.get(Organization, coop.id)
        assert (saved.founded_from_id, saved.founded_on) == (club.id, founded_on)
    anyone = app.test_client()
    club_page = text_of(anyone.get(f"/orgs/{club.id}"))
    assert 'data-testid="coop-history"' in club_page and "HTX Quýt hồng thử" in club_page and "25" in club_page
    assert "điều lệ HTX" not in club_page  # the staff's note stays theirs
    coop_page = text_of(anyone.get(f"/orgs/{coop.id}"))
    assert "Hội quán Quýt hồng thử" in coop_page and 'data-testid="coop-history"' in coop_page
    # a second founding of the same club is refused
    assert _step(client, club.id, stage="founded", taken_on=as_typed_date(today),
                 cooperative_id=str(coop.id)).status_code == 422


def test_only_staff_record_steps(app):
    with app_session(app):
        club = make_org("club", name="Hội quán thử quyền")
        chair = make_user("seller", club)
    client = signed_in(app, chair)
    assert client.get(f"/staff/cooperatives/{club.id}").status_code == 403
    assert "/login" in app.test_client().get("/staff/cooperatives").headers["Location"]

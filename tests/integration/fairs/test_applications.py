"""Applying for a booth, and what staff and the applicant do with the application afterwards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict
from marketplace.fairs import applications as booths
from marketplace.fairs.models import BoothApplication, BoothKind
from marketplace.notifications.models import Notification
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_listing, make_user
from tests.integration.fairs.helpers import apply_for, make_exhibitor, make_fair, make_staff, reload


def _notices(app, user) -> list[str]:
    with app_session(app) as session:
        return [n.kind for n in session.scalars(select(Notification).where(Notification.user_id == user.id)
                                                .order_by(Notification.id))]


def test_a_club_applies_with_its_listings_and_typed_products(app, outbox):
    with app_session(app):
        fair = make_fair()
        club, chair = make_exhibitor(1)
        listing = make_listing(club, "xoài cát Chu")
        staff = make_staff()
    client = signed_in(app, chair)
    page = client.get(f"/fairs/{fair.slug}")
    assert 'data-testid="apply"' in page.get_data(as_text=True)
    form = client.get(f"/fairs/{fair.slug}/apply")
    assert form.status_code == 200 and listing.title in text_of(form)
    with app_session(app) as session:
        kind_id = session.scalar(select(BoothKind.id).where(BoothKind.number_prefix == "A-"))
    response = client.post(f"/fairs/{fair.slug}/apply", data={
        "csrf_token": csrf_token(client), "booth_kind_id": str(kind_id), "listing_ids": [str(listing.id)],
        "products_text": "Khô cá lóc\nMắm cá linh", "contact_name": "Chị Lan", "contact_phone": "0912 345 678",
        "note": "Cần ổ điện"})
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        application = session.scalar(select(BoothApplication))
        assert (application.status, application.org_id, application.contact_phone) == ("applied", club.id, "0912345678")
        assert application.products_text == "Khô cá lóc\nMắm cá linh"
        assert [link.listing_id for link in application.listings] == [listing.id]
    mine = client.get(response.headers["Location"])
    assert "Chờ duyệt" in text_of(mine) or 'data-testid="application-status"' in mine.get_data(as_text=True)
    assert _notices(app, staff) == ["booth_applied"]
    # One application per organisation and fair
    again = client.get(f"/fairs/{fair.slug}/apply")
    assert again.status_code == 302 and f"/fairs/applications/{application.id}" in again.headers["Location"]


def test_every_problem_of_the_application_at_once_and_typed_text_kept(app):
    with app_session(app):
        fair = make_fair()
        _club, chair = make_exhibitor(2)
    client = signed_in(app, chair)
    response = client.post(f"/fairs/{fair.slug}/apply", data={
        "csrf_token": csrf_token(client), "booth_kind_id": "", "products_text": "", "contact_name": "",
        "contact_phone": "12 34", "note": "Ghi chú giữ nguyên"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("booth_kind_id", "products_text", "contact_name", "contact_phone"):
        assert f'id="{name}-error"' in html, name
    assert "Ghi chú giữ nguyên" in text_of(response) and 'value="12 34"' in html
    with app_session(app) as session:
        assert session.scalar(select(BoothApplication)) is None


def test_who_cannot_apply(app):
    with app_session(app):
        fair = make_fair()
        closed = make_fair(name="Hội chợ đã đóng đơn", apply_by=today_in_vietnam() - timedelta(days=1))
        buyer = make_user("buyer")
        _club, chair = make_exhibitor(3)
    response = signed_in(app, buyer).get(f"/fairs/{fair.slug}/apply")
    assert response.status_code == 302  # told why, sent back to the fair
    assert signed_in(app, chair).get(f"/fairs/{closed.slug}/apply").status_code == 302
    assert 'data-testid="applications-closed"' in signed_in(app, chair).get(f"/fairs/{closed.slug}").get_data(
        as_text=True)
    assert signed_in(app, chair).get(f"/fairs/{fair.slug}/apply?org=999999").status_code == 404


def _applied(app, n: int, kind_index: int = 0):
    """A fair, a club (the n-th) that applied for a booth of its `kind_index`-th kind, and staff."""
    with app_session(app):
        fair = make_fair()
        club, chair = make_exhibitor(n)
        staff = make_staff()
        application = apply_for(fair, club, chair, kind_index=kind_index)
    return fair, club, chair, staff, application


def test_approve_a_paid_booth_then_withdraw_gives_it_back(app):
    fair, club, chair, staff, application = _applied(app, 4)
    client = signed_in(app, staff)
    response = client.post(f"/staff/fairs/applications/{application.id}/decide",
                           data={"csrf_token": csrf_token(client), "action": "approve"})
    assert response.status_code == 302
    approved = reload(app, BoothApplication, application.id)
    assert (approved.status, approved.booth_number, approved.fee_vnd) == ("approved", "A-01", 1_500_000)
    assert reload(app, BoothKind, approved.booth_kind_id).given == 1
    assert _notices(app, chair) == ["booth_approved"]
    page = signed_in(app, chair).get(f"/fairs/applications/{application.id}")
    assert 'id="pay"' in page.get_data(as_text=True) and "1.500.000" in text_of(page)
    owner = signed_in(app, chair)
    assert owner.post(f"/fairs/applications/{application.id}/withdraw",
                      data={"csrf_token": csrf_token(owner)}).status_code == 302
    withdrawn = reload(app, BoothApplication, application.id)
    assert (withdrawn.status, withdrawn.booth_number) == ("withdrawn", None)
    assert reload(app, BoothKind, approved.booth_kind_id).given == 0


def test_a_free_booth_is_confirmed_at_once_and_listed_as_exhibitor(app):
    fair, club, chair, staff, application = _applied(app, 5, kind_index=1)
    client = signed_in(app, staff)
    client.post(f"/staff/fairs/applications/{application.id}/decide",
                data={"csrf_token": csrf_token(client), "action": "approve"})
    confirmed = reload(app, BoothApplication, application.id)
    assert (confirmed.status, confirmed.booth_number, confirmed.payment_method) == ("confirmed", "F-01", "free")
    assert _notices(app, chair) == ["booth_confirmed"]
    text = text_of(signed_in(app).get(f"/fairs/{fair.slug}"))
    assert club.name in text and "F-01" in text


def test_decline_needs_a_reason_and_gives_a_held_booth_back(app):
    fair, club, chair, staff, application = _applied(app, 6)
    client = signed_in(app, staff)
    url = f"/staff/fairs/applications/{application.id}/decide"
    client.post(url, data={"csrf_token": csrf_token(client), "action": "approve"})
    refused = client.post(url, data={"csrf_token": csrf_token(client), "action": "decline", "reason": "  "},
                          follow_redirects=True)
    assert "Hãy nói lý do" in text_of(refused) or "reason" in text_of(refused).lower()
    assert reload(app, BoothApplication, application.id).status == "approved"
    client.post(url, data={"csrf_token": csrf_token(client), "action": "decline", "reason": "Trùng ngành hàng"})
    declined = reload(app, BoothApplication, application.id)
    assert (declined.status, declined.reason, declined.booth_number) == ("declined", "Trùng ngành hàng", None)
    assert reload(app, BoothKind, declined.booth_kind_id).given == 0
    assert _notices(app, chair) == ["booth_approved", "booth_declined"]
    assert "Trùng ngành hàng" in text_of(signed_in(app, chair).get(f"/fairs/applications/{application.id}"))


def test_waitlist_then_approve_and_when_full_approval_waitlists(app, session):
    fair = make_fair(standard=1)
    staff = make_staff()
    first = apply_for(fair, *make_exhibitor(7))
    second = apply_for(fair, *make_exhibitor(8))
    assert booths.decide(session, first, "waitlist", staff) == "waitlisted"
    assert booths.decide(session, first, "approve", staff) == "approved"
    assert booths.decide(session, second, "approve", staff) == "full"
    session.commit()
    assert (first.status, second.status) == ("approved", "waitlisted")
    booths.withdraw(session, first, staff)
    assert booths.decide(session, second, "approve", staff) == "approved"
    assert second.booth_number == "A-01"  # given back, given again


def test_numbers_are_unique_and_never_reused_while_held(app, session):
    fair = make_fair(standard=5)
    staff = make_staff()
    apps = [apply_for(fair, *make_exhibitor(20 + n)) for n in range(4)]
    for application in apps:
        booths.decide(session, application, "approve", staff)
    assert [a.booth_number for a in apps] == ["A-01", "A-02", "A-03", "A-04"]
    booths.withdraw(session, apps[1], staff)
    late = apply_for(fair, *make_exhibitor(30))
    booths.decide(session, late, "approve", staff)
    assert late.booth_number == "A-02"
    held = [a.booth_number for a in session.scalars(select(BoothApplication).where(
        BoothApplication.booth_number.is_not(None)))]
    assert sorted(held) == ["A-01", "A-02", "A-03", "A-04"]


def test_a_club_cannot_see_or_touch_another_organisations_application(app):
    with app_session(app):
        fair = make_fair()
        club, chair = make_exhibitor(9)
        _other, other_chair = make_exhibitor(10)
        buyer = make_user("buyer")
        application = apply_for(fair, club, chair)
    for user in (other_chair, buyer):
        client = signed_in(app, user)
        token = csrf_token(client)
        assert client.get(f"/fairs/applications/{application.id}").status_code in (403, 404)
        assert client.post(f"/fairs/applications/{application.id}/withdraw",
                           data={"csrf_token": token}).status_code in (403, 404)
        assert client.post(f"/staff/fairs/applications/{application.id}/decide",
                           data={"csrf_token": token, "action": "approve"}).status_code == 403
        assert club.name not in text_of(client.get("/fairs/mine"))
    assert reload(app, BoothApplication, application.id).status == "applied"


def test_staff_approve_the_waitlist_in_order(app):
    with app_session(app):
        fair = make_fair(standard=2)
        staff = make_staff()
        first, second, third = (apply_for(fair, *make_exhibitor(60 + n)) for n in range(3))
    client = signed_in(app, staff)
    for application in (third, first, second):
        client.post(f"/staff/fairs/applications/{application.id}/decide",
                    data={"csrf_token": csrf_token(client), "action": "waitlist"})
    response = client.post(f"/staff/fairs/{fair.id}/approve-waitlist", data={"csrf_token": csrf_token(client)},
                           follow_redirects=True)
    assert "2 đơn được duyệt từ danh sách chờ; 1 đơn vẫn chờ." in text_of(response)
    states = [reload(app, BoothApplication, a.id) for a in (first, second, third)]
    assert [(a.status, a.booth_number) for a in states] == [("approved", "A-01"), ("approved", "A-02"),
                                                            ("waitlisted", None)]


def test_after_withdrawing_an_organisation_may_apply_again(app, session):
    fair = make_fair()
    club, chair = make_exhibitor(80)
    first = apply_for(fair, club, chair, text="Xoài")
    booths.withdraw(session, first, chair)
    session.commit()
    again = apply_for(fair, club, chair, text="Sen")
    assert (again.id, again.status, again.products_text) == (first.id, "applied", "Sen")
    try:
        apply_for(fair, club, chair)
        raise AssertionError("applied twice")
    except Conflict as refused:
        assert "đã đăng ký" in refused.message or "already" in refused.message

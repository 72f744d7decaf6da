"""Verified clubs and cooperatives (issue #19): the board sends its founding decision, staff verify,
suspend or reject it with a reason, and the badge "verified by staff on …" shows only while staff's
verification stands — on the page, on cards and in the API. A rename sends it back to staff."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from marketplace.verification.models import OrganizationEvent, OrganizationRecord
from tests.clients import app_session, post, signed_in, text_of
from tests.documents import pdf_document
from tests.factories import make_board_member, make_club, make_org, make_user, verify_org
from tests.pages import dmy, refused_beside, staff_decides

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def world(app):
    """A club with its board (the chair) and a plain seller, another club's chair, a buyer, staff."""
    with app_session(app):
        club = make_org("club", name="Hội quán Xoài Mỹ Xương", commune_code="30076")
        chair = make_board_member(club, "Nguyễn Văn Tư")
        seller = make_user("seller", club, name="Thành viên bán hàng")
        other, other_chair = make_club("Hội quán Tân Thuận")
        staff = make_user("staff", name="Lý Thị Thu")
    return {"club": club, "chair": chair, "seller": seller, "other": other, "other_chair": other_chair,
            "staff": staff}


def decision_form(**overrides) -> dict:
    data = {"number": " 125 / QĐ-UBND ", "decided_on": "1/8/2019", "commune_query": "Mỹ Xương",
            "commune_code": "30076", "issuer": "UBND xã Mỹ Xương",
            "scan": (io.BytesIO(pdf_document(1)), "Quyet dinh thanh lap.pdf", "application/pdf")}
    data.update(overrides)
    return data


def send(client, org, data):
    return post(client, f"/orgs/{org.id}/verification", data, content_type="multipart/form-data")


def record_and_events(app, org) -> tuple[OrganizationRecord | None, list[tuple[str, str, str, str]], bool]:
    with app_session(app) as session:
        record = session.scalar(select(OrganizationRecord).where(OrganizationRecord.organization_id == org.id))
        events = [(e.action, e.from_status, e.to_status, e.reason) for e in session.scalars(
            select(OrganizationEvent).where(OrganizationEvent.organization_id == org.id).order_by(OrganizationEvent.id))]
        verified = session.get(Organization, org.id).verified
        return record, events, verified


def badges(app, org) -> tuple[str, str, dict]:
    visitor = app.test_client()
    page = text_of(visitor.get(f"/orgs/{org.id}"))
    cards = text_of(visitor.get("/orgs?side=sellers"))
    api = visitor.get(f"/api/v1/orgs/{org.id}").get_json()
    return page, cards, api


def test_the_badge_appears_only_after_staff_verify(app, world):
    club = world["club"]
    chair = signed_in(app, world["chair"])
    assert send(chair, club, decision_form()).status_code == 302
    record, events, verified = record_and_events(app, club)
    assert (record.status, record.decision_number, record.issuing_commune_code) == ("pending", "125/QĐ-UBND", "30076")
    assert record.scan_id is not None and not verified
    assert events == [("submit", "", "pending", "")]
    page, cards, api = badges(app, club)
    assert "Đã xác minh bởi cán bộ" not in page and "Đã xác minh bởi cán bộ" not in cards
    assert (api["verified"], api["verified_on"]) == (False, None)
    assert "Chờ cán bộ xác minh" in text_of(chair.get(f"/orgs/{club.id}/verification"))

    staff = signed_in(app, world["staff"])
    queue = text_of(staff.get("/staff/verification"))
    assert "Hội quán Xoài Mỹ Xương" in queue and "125/QĐ-UBND" in queue
    record_page = text_of(staff.get(f"/staff/verification/{club.id}"))
    assert 'data-testid="scan-link"' in record_page and 'data-testid="verify-org"' in record_page
    assert staff_decides(staff, club.id, "verify", "").status_code == 302

    today = dmy(today_in_vietnam())
    page, cards, api = badges(app, club)
    assert f"Đã xác minh bởi cán bộ ngày {today}" in page
    assert f"Đã xác minh bởi cán bộ ngày {today}" in cards
    assert (api["verified"], api["verified_on"]) == (True, today_in_vietnam().isoformat())
    listed = app.test_client().get("/api/v1/orgs?kind=club").get_json()["results"]
    assert [o["verified_on"] for o in listed if o["id"] == club.id] == [today_in_vietnam().isoformat()]
    record, events, verified = record_and_events(app, club)
    assert verified and record.verified_by_id == world["staff"].id and record.verified_at is not None
    assert events[-1] == ("verify", "pending", "active", "")


def test_suspend_and_reject_need_a_reason_and_take_the_badge_away(app, world):
    club = world["club"]
    with app_session(app) as session:
        verify_org(session, club, world["staff"])
        session.commit()
    staff = signed_in(app, world["staff"])
    staff_decides(staff, club.id, "suspend", "  ")
    assert record_and_events(app, club)[0].status == "active"
    staff_decides(staff, club.id, "suspend", "Quyết định đã bị thu hồi")
    record, events, verified = record_and_events(app, club)
    assert (record.status, record.status_reason, verified) == ("suspended", "Quyết định đã bị thu hồi", False)
    page, cards, api = badges(app, club)
    assert "Đã xác minh bởi cán bộ" not in page and api["verified_on"] is None
    staff_decides(staff, club.id, "reject", "")
    assert record_and_events(app, club)[0].status == "suspended"
    staff_decides(staff, club.id, "reject", "Không phải hội quán")
    record, events, verified = record_and_events(app, club)
    assert record.status == "rejected" and not verified
    assert [e[0] for e in events] == ["submit", "verify", "suspend", "reject"]
    history = text_of(staff.get(f"/staff/verification/{club.id}"))
    assert "Không phải hội quán" in history and "Quyết định đã bị thu hồi" in history and "Lý Thị Thu" in history


def test_a_rejected_club_sends_its_decision_again(app, world):
    club = world["club"]
    chair = signed_in(app, world["chair"])
    send(chair, club, decision_form())
    with app_session(app) as session:
        from marketplace.verification import services as verification
        verification.decide(session, session.get(Organization, club.id), "reject", world["staff"], "Sai số")
        session.commit()
    assert send(chair, club, decision_form(number="126/QĐ-UBND", scan=(io.BytesIO(b""), ""))).status_code == 302
    record, events, _verified = record_and_events(app, club)
    assert (record.status, record.decision_number) == ("pending", "126/QĐ-UBND")
    assert [e[:3] for e in events][-1] == ("submit", "rejected", "pending")


def test_a_rejected_club_sending_the_same_decision_again_goes_back_to_staff(app, world):
    club = world["club"]
    chair = signed_in(app, world["chair"])
    send(chair, club, decision_form())
    staff = signed_in(app, world["staff"])
    staff_decides(staff, club.id, "reject", "Anh scan bi mo")
    assert send(chair, club, decision_form(scan=(io.BytesIO(b""), ""))).status_code == 302
    record, events, _verified = record_and_events(app, club)
    assert record.status == "pending"
    assert [e[:3] for e in events][-1] == ("submit", "rejected", "pending")


def test_staff_cannot_verify_what_the_board_changed_after_they_opened_the_page(app, world):
    club = world["club"]
    chair = signed_in(app, world["chair"])
    send(chair, club, decision_form())
    staff = signed_in(app, world["staff"])
    page = staff.get(f"/staff/verification/{club.id}").get_data(as_text=True)
    seen = re.search(r'<input[^>]*name="seen"[^>]*value="([^"]*)"', page).group(1)
    send(chair, club, decision_form(number="999/QĐ-UBND", scan=(io.BytesIO(b""), "")))
    refused = post(staff, f"/staff/verification/{club.id}", {"action": "verify", "reason": "", "seen": seen},
                   follow_redirects=True)
    assert "thay đổi" in text_of(refused) and "999/QĐ-UBND" in text_of(refused)
    record, events, verified = record_and_events(app, club)
    assert (record.status, verified) == ("pending", False)
    assert staff_decides(staff, club.id, "verify").status_code == 302  # looked again: now it goes
    assert record_and_events(app, club)[2] is True


@pytest.mark.parametrize("who", ["seller", "other_chair", "staff"])
def test_only_the_board_sends_the_decision(app, world, who):
    client = signed_in(app, world[who])
    assert send(client, world["club"], decision_form()).status_code == 403
    assert record_and_events(app, world["club"])[0] is None
    expected = 200 if who == "staff" else 403  # staff read the section; they decide on their own page
    assert client.get(f"/orgs/{world['club'].id}/verification").status_code == expected


def test_anonymous_is_sent_to_sign_in_and_a_missing_org_is_not_found(app, world):
    response = send(app.test_client(), world["club"], decision_form())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert signed_in(app, world["chair"]).get("/orgs/999999/verification").status_code == 404
    assert signed_in(app, world["staff"]).get("/staff/verification/999999").status_code == 404


def test_the_scan_is_checked_and_the_form_keeps_what_was_typed(app, world):
    chair = signed_in(app, world["chair"])
    html = decision_form(scan=(io.BytesIO(HTML), "quyet dinh.pdf", "application/pdf"))
    text = refused_beside(send(chair, world["club"], html), "scan")
    assert "125 / QĐ-UBND" in text or "125/QĐ-UBND" in text
    assert record_and_events(app, world["club"])[0] is None
    no_scan = decision_form(scan=(io.BytesIO(b""), ""))
    refused_beside(send(chair, world["club"], no_scan), "scan", "bản quét")
    future = decision_form(decided_on="31/12/2099")
    text = refused_beside(send(chair, world["club"], future), "decided_on", "tương lai")
    assert 'name="scan_key" type="hidden" value="' in text.replace("id=\"scan_key\" ", "")
    assert record_and_events(app, world["club"])[0] is None
    bad = decision_form(number="", decided_on="31/02/2019", commune_query="khong co xa nay", commune_code="")
    response = send(chair, world["club"], bad)
    for field in ("number", "decided_on", "commune_query"):
        refused_beside(response, field)


def test_a_rename_sends_a_verified_club_back_to_staff(app, world):
    club = world["club"]
    with app_session(app) as session:
        verify_org(session, club, world["staff"])
        session.commit()
    chair = signed_in(app, world["chair"])
    form = text_of(chair.get(f"/orgs/{club.id}/edit"))
    assert "Hội quán Xoài Mỹ Xương" in form
    with app_session(app) as session:
        org = session.get(Organization, club.id)
        accounts.update_profile(session, org, {"description": "Xoài cát Chu"}, world["chair"])
        session.commit()
    assert record_and_events(app, club)[0].status == "active"  # other fields: the badge stays
    response = post(chair, f"/orgs/{club.id}/edit", {"name": "Hội quán Xoài Cát Chu Mỹ Xương", "commune_code": "30076",
                                                      "commune_query": ""})
    assert response.status_code == 302
    record, events, verified = record_and_events(app, club)
    assert (record.status, verified) == ("pending", False)
    assert events[-1][:3] == ("recheck", "active", "pending") and "Hội quán Xoài Cát Chu Mỹ Xương" in events[-1][3]
    history = text_of(signed_in(app, world["staff"]).get(f"/staff/verification/{club.id}"))
    assert "Đổi tên hoặc loại tổ chức" in history
    assert "tên: Hội quán Xoài Mỹ Xương → Hội quán Xoài Cát Chu Mỹ Xương" in history and "renamed" not in history
    page, _cards, api = badges(app, club)
    assert "Đã xác minh bởi cán bộ" not in page and not api["verified"]


def test_editing_a_verified_decision_sends_it_back(app, world):
    club = world["club"]
    chair = signed_in(app, world["chair"])
    send(chair, club, decision_form())
    staff = signed_in(app, world["staff"])
    staff_decides(staff, club.id, "verify")
    # The same decision again (a double tap): nothing changes.
    send(chair, club, decision_form(scan=(io.BytesIO(b""), "")))
    assert record_and_events(app, club)[0].status == "active"
    send(chair, club, decision_form(decided_on="02/08/2019", scan=(io.BytesIO(b""), "")))
    record, events, verified = record_and_events(app, club)
    assert (record.status, verified, events[-1][:3]) == ("pending", False, ("submit", "active", "pending"))


def test_a_buyer_is_verified_against_its_tax_code_with_the_same_log(app, world):
    with app_session(app) as session:
        buyer_org = make_org("supermarket", name="Siêu thị Mỹ Tho")
        session.commit()
    staff = signed_in(app, world["staff"])
    response = post(staff, f"/staff/orgs/{buyer_org.id}/verify", {"tax_code": "0312 345 678"})
    assert response.status_code == 302
    record, events, verified = record_and_events(app, buyer_org)
    assert verified and record.status == "active" and record.decision_number == ""
    assert events == [("verify", "", "active", "Đã kiểm tra mã số thuế 0312345678.")]
    page = text_of(app.test_client().get(f"/orgs/{buyer_org.id}"))
    assert "Bên mua đã xác minh" in page
    assert app.test_client().get(f"/api/v1/orgs/{buyer_org.id}").get_json()["verified_on"] == \
        today_in_vietnam().isoformat()
    # A buyer sends no founding decision.
    with app_session(app):
        buyer = make_board_member(buyer_org, "Người mua", role="buyer")
    assert send(signed_in(app, buyer), buyer_org, decision_form()).status_code == 422


def test_the_staff_dashboard_links_to_the_queue_and_the_queue_filters_by_kind(app, world):
    with app_session(app) as session:
        coop = make_org("cooperative", name="HTX Xoài Mỹ Xương")
        verify_org(session, coop, world["staff"])
        session.commit()
    chair = signed_in(app, world["chair"])
    send(chair, world["club"], decision_form())
    staff = signed_in(app, world["staff"])
    with app_session(app):
        admin = make_user("admin")
    assert 'href="/staff/verification"' in text_of(signed_in(app, admin).get("/staff"))
    everything = text_of(staff.get("/staff/verification"))
    assert everything.index("Hội quán Xoài Mỹ Xương") < everything.index("HTX Xoài Mỹ Xương")  # pending first
    clubs = text_of(staff.get("/staff/verification?kind=club"))
    assert "Hội quán Xoài Mỹ Xương" in clubs and "HTX Xoài Mỹ Xương" not in clubs
    assert staff.get("/staff/verification?kind=nonsense").status_code == 200


def test_the_board_finds_the_section_from_its_page(app, world):
    page = text_of(signed_in(app, world["chair"]).get(f"/orgs/{world['club'].id}"))
    assert f'href="/orgs/{world["club"].id}/verification"' in page
    missing = text_of(signed_in(app, world["chair"]).get(f"/orgs/{world['club'].id}/verification"))
    assert "Còn thiếu" in missing and "Bản quét hoặc ảnh chụp quyết định." in missing

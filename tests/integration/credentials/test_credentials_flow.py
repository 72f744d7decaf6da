"""Credentials end to end: a club enters a certificate or code, staff verify, suspend or revoke
it, and the organisation page and the API show only what is verified and unexpired."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, CodeClaimFlag, CredentialEvent, PlantingCode
from marketplace.credentials.rules import add_months
from marketplace.dates import today_in_vietnam
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_certificate, make_club, make_org, make_planting_code, make_user
from tests.pages import dmy, refused_beside, verified_badges


def recorded_changes(app, column, record_id: int) -> list[tuple]:
    """(action, from status, to status, who, reason) of every change recorded on one credential,
    oldest first; column says which kind (CredentialEvent.certificate_id or .planting_code_id)."""
    with app_session(app) as session:
        events = session.scalars(select(CredentialEvent).where(column == record_id).order_by(CredentialEvent.id))
        return [(e.action, e.from_status, e.to_status, e.actor_id, e.reason) for e in events]


@pytest.fixture
def club(app):
    """A club with its chair (a seller) and a staff member of the trade-promotion centre."""
    with app_session(app):
        org, chair = make_club("Hội quán xoài Mỹ Xương", chair_name="Nguyễn Văn Chủ")
        staff = make_user("staff", name="Cán bộ Xúc tiến")
    return org, chair, staff


# A certificate from entry to suspension ----------------------------------------------------------

def test_certificate_entered_verified_and_suspended(app, club):
    org, chair, staff = club
    today = today_in_vietnam()
    seller = signed_in(app, chair)

    response = post(seller, f"/orgs/{org.id}/credentials/certificates", {
        "cert-type": "vietgap", "cert-number": "VietGAP-TT-13-09-68-0096", "cert-product_text": "xoài cát Chu",
        "cert-issuer": "Trung tâm Chứng nhận", "cert-issued_on": dmy(today - timedelta(days=30)),
        "cert-expires_on": dmy(today + timedelta(days=600)),
    })
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{org.id}/credentials")

    with app_session(app) as session:
        certificate = session.scalars(select(Certificate).where(Certificate.organization_id == org.id)).one()
        assert certificate.status == "pending"
        assert certificate.number == "VIETGAP-TT-13-09-68-0096"
        assert certificate.expires_on == today + timedelta(days=600)
        cert_id = certificate.id

    # Pending: "not verified" for the club, no badge for visitors, not valid for the API.
    manage = text_of(seller.get(f"/orgs/{org.id}/credentials"))
    assert "chưa xác minh" in manage.lower()
    assert "VIETGAP-TT-13-09-68-0096" in manage
    visitor = app.test_client()
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert "VIETGAP-TT-13-09-68-0096" in org_page
    assert "chưa xác minh" in org_page.lower()
    assert not any("VietGAP" in b for b in verified_badges(org_page))
    api = visitor.get(f"/api/v1/orgs/{org.id}").get_json()
    assert api["certificates"] == [{"type": "vietgap", "number": "VIETGAP-TT-13-09-68-0096", "stars": None,
                                    "expires_on": (today + timedelta(days=600)).isoformat(),
                                    "status": "pending", "valid": False, "issuer": "Trung tâm Chứng nhận",
                                    "products": "xoài cát Chu", "area_ha": None, "markets": []}]

    # Staff verify it: a badge on the page, valid in the API.
    officer = signed_in(app, staff)
    response = post(officer, f"/staff/credentials/certificate/{cert_id}", {"action": "verify"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/credentials")
    assert "VIETGAP-TT-13-09-68-0096" in text_of(officer.get("/staff/credentials"))  # the "done" message
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert "✓ VietGAP" in verified_badges(org_page)
    certificate_json = visitor.get(f"/api/v1/orgs/{org.id}").get_json()["certificates"][0]
    assert (certificate_json["status"], certificate_json["valid"]) == ("active", True)

    # Suspending needs a reason: refused with a message, nothing changes.
    response = post(officer, f"/staff/credentials/certificate/{cert_id}", {"action": "suspend", "reason": "  "})
    assert response.status_code == 302
    assert "Hãy ghi lý do" in text_of(officer.get("/staff/credentials"))
    with app_session(app) as session:
        assert session.get(Certificate, cert_id).status == "active"
    assert "✓ VietGAP" in verified_badges(text_of(visitor.get(f"/orgs/{org.id}")))

    # With a reason it works, the badge goes, and the club sees why.
    post(officer, f"/staff/credentials/certificate/{cert_id}",
         {"action": "suspend", "reason": "Kiểm tra đột xuất không đạt"})
    with app_session(app) as session:
        certificate = session.get(Certificate, cert_id)
        assert (certificate.status, certificate.status_reason) == ("suspended", "Kiểm tra đột xuất không đạt")
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert not any("VietGAP" in b for b in verified_badges(org_page))
    assert "status-suspended" in org_page
    certificate_json = visitor.get(f"/api/v1/orgs/{org.id}").get_json()["certificates"][0]
    assert (certificate_json["status"], certificate_json["valid"]) == ("suspended", False)
    assert "Kiểm tra đột xuất không đạt" in text_of(seller.get(f"/orgs/{org.id}/credentials"))

    # Every change is recorded with who made it and why.
    assert recorded_changes(app, CredentialEvent.certificate_id, cert_id) == [
        ("entered", "", "pending", chair.id, ""),
        ("verify", "pending", "active", staff.id, ""),
        ("suspend", "active", "suspended", staff.id, "Kiểm tra đột xuất không đạt"),
    ]
    with app_session(app) as session:
        assert session.get(Certificate, cert_id).verified_by_id == staff.id


def test_a_planting_code_is_verified_and_revoked(app, club):
    org, chair, staff = club
    seller = signed_in(app, chair)
    response = post(seller, f"/orgs/{org.id}/credentials/codes", {
        "code-code": "vn\u2013dtor\u20130017", "code-kind": "growing_area", "code-crop": "xoài",
        "code-variety": "cát Chu", "code-area_ha": "12,5", "code-markets": "CN", "code-other_markets": "my",
    })
    assert response.status_code == 302
    with app_session(app) as session:
        code = session.scalars(select(PlantingCode).where(PlantingCode.organization_id == org.id)).one()
        assert (code.code, code.status, code.area_ha, code.markets) == ("VN-DTOR-0017", "pending", 12.5, "CN;US")
        code_id = code.id

    visitor = app.test_client()
    assert not any("VN-DTOR" in b for b in verified_badges(text_of(visitor.get(f"/orgs/{org.id}"))))

    officer = signed_in(app, staff)
    post(officer, f"/staff/credentials/code/{code_id}", {"action": "verify"})
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert "✓ Mã số vùng trồng" in verified_badges(org_page)
    assert "VN-DTOR-0017 (CN, US)" in org_page
    codes = visitor.get(f"/api/v1/orgs/{org.id}").get_json()["planting_codes"]
    assert codes == [{"code": "VN-DTOR-0017", "kind": "growing_area", "status": "active", "markets": ["CN", "US"],
                      "valid_until": None, "valid": True, "issuer": "", "area_ha": 12.5}]

    post(officer, f"/staff/credentials/code/{code_id}", {"action": "revoke", "reason": "Mượn mã"})
    codes = visitor.get(f"/api/v1/orgs/{org.id}").get_json()["planting_codes"]
    assert (codes[0]["status"], codes[0]["valid"]) == ("revoked", False)
    assert recorded_changes(app, CredentialEvent.planting_code_id, code_id) == [
        ("entered", "", "pending", chair.id, ""),
        ("verify", "pending", "active", staff.id, ""),
        ("revoke", "active", "revoked", staff.id, "Mượn mã"),
    ]


@pytest.mark.parametrize(("status", "action"), [
    ("active", "verify"), ("revoked", "verify"), ("pending", "suspend"), ("expired", "suspend"),
    ("revoked", "revoke"), ("active", "reject"),
])
def test_staff_cannot_make_an_impossible_change(app, club, status, action):
    org, _chair, staff = club
    with app_session(app):
        certificate = make_certificate(org, status=status)
    officer = signed_in(app, staff)
    post(officer, f"/staff/credentials/certificate/{certificate.id}", {"action": action, "reason": "Lý do"})
    assert "Không thể đổi sang trạng thái này" in text_of(officer.get("/staff/credentials"))
    with app_session(app) as session:
        assert session.get(Certificate, certificate.id).status == status
        assert session.scalars(select(CredentialEvent).where(
            CredentialEvent.certificate_id == certificate.id, CredentialEvent.action == action)).first() is None


def test_staff_decide_on_an_unknown_credential_is_404(app, club):
    _org, _chair, staff = club
    officer = signed_in(app, staff)
    assert post(officer, "/staff/credentials/certificate/999999", {"action": "verify"}).status_code == 404
    assert post(officer, "/staff/credentials/code/999999", {"action": "verify"}).status_code == 404


# Expiry ----------------------------------------------------------------------------------------

def test_an_expired_active_certificate_shows_as_expired(app, club):
    org, _chair, _staff = club
    today = today_in_vietnam()
    with app_session(app):
        make_certificate(org, "vietgap", "VietGAP-TT-01-01-01-0001", status="active",
                         issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
        make_certificate(org, "globalgap", "4063061000017", status="active",
                         issued_on=today - timedelta(days=400), expires_on=today)  # its last day
    visitor = app.test_client()
    org_page = text_of(visitor.get(f"/orgs/{org.id}"))
    assert "status-expired" in org_page
    assert "Hết hạn" in org_page
    assert not any("VietGAP" in b for b in verified_badges(org_page))
    assert "✓ GlobalGAP" in verified_badges(org_page)
    by_number = {c["number"]: c for c in visitor.get(f"/api/v1/orgs/{org.id}").get_json()["certificates"]}
    assert (by_number["VIETGAP-TT-01-01-01-0001"]["status"], by_number["VIETGAP-TT-01-01-01-0001"]["valid"]) == \
        ("expired", False)
    assert (by_number["4063061000017"]["status"], by_number["4063061000017"]["valid"]) == ("active", True)


def test_an_expired_ocop_rating_shows_no_stars(app, club):
    org, _chair, _staff = club
    today = today_in_vietnam()
    with app_session(app):
        make_certificate(org, "ocop", "12/QD-UBND", stars=4, status="active",
                         issued_on=today - timedelta(days=1200), expires_on=today - timedelta(days=5))
    visitor = app.test_client()
    body = visitor.get(f"/api/v1/orgs/{org.id}").get_json()
    assert body["ocop_stars"] is None
    assert body["certificates"][0]["valid"] is False
    assert body["certificates"][0]["status"] == "expired"
    assert "OCOP ★" not in " ".join(verified_badges(text_of(visitor.get(f"/orgs/{org.id}"))))


def test_a_current_ocop_rating_shows_its_stars(app, club):
    org, _chair, _staff = club
    today = today_in_vietnam()
    with app_session(app):
        rating = make_certificate(org, "ocop", "13/QD-UBND", stars=4, status="active",
                                  issued_on=today - timedelta(days=100))
    assert rating.expires_on == add_months(today - timedelta(days=100), 36)
    visitor = app.test_client()
    assert visitor.get(f"/api/v1/orgs/{org.id}").get_json()["ocop_stars"] == 4
    assert "OCOP ★★★★" in verified_badges(text_of(visitor.get(f"/orgs/{org.id}")))


def test_a_two_star_ocop_rating_is_never_a_badge(app, club):
    org, _chair, _staff = club
    with app_session(app):
        make_certificate(org, "ocop", "14/QD-UBND", stars=2, status="active")
    visitor = app.test_client()
    body = visitor.get(f"/api/v1/orgs/{org.id}").get_json()
    assert body["ocop_stars"] is None
    assert body["certificates"][0]["valid"] is False
    assert not verified_badges(text_of(visitor.get(f"/orgs/{org.id}")))


def test_entering_an_active_credential_records_one_event_from_nothing(session):
    """Imports enter credentials as verified: the entry is recorded once, from no status."""
    org = make_org("club")
    certificate = make_certificate(org, status="active", product_text="xoài cát Chu")
    code = make_planting_code(org, status="active", crop="xoài")
    for column, record in ((CredentialEvent.certificate_id, certificate), (CredentialEvent.planting_code_id, code)):
        events = session.scalars(select(CredentialEvent).where(column == record.id)).all()
        assert [(e.action, e.from_status, e.to_status) for e in events] == [("entered", "", "active")]


def test_expire_due_marks_only_active_credentials_past_their_end(session):
    today = today_in_vietnam()
    org = make_org("club")
    due = make_certificate(org, status="active", issued_on=today - timedelta(days=400),
                           expires_on=today - timedelta(days=1))
    last_day = make_certificate(org, status="active", expires_on=today)
    pending_old = make_certificate(org, status="pending", issued_on=today - timedelta(days=400),
                                   expires_on=today - timedelta(days=1))
    suspended_old = make_certificate(org, status="suspended", issued_on=today - timedelta(days=400),
                                     expires_on=today - timedelta(days=1))
    no_end = make_planting_code(org, status="active")
    code_due = make_planting_code(org, status="active", valid_until=today - timedelta(days=1))

    assert credentials.expire_due(session, today) == 2
    session.commit()
    assert [c.status for c in (due, last_day, pending_old, suspended_old)] == \
        ["expired", "active", "pending", "suspended"]
    assert (no_end.status, code_due.status) == ("active", "expired")
    event = session.scalars(select(CredentialEvent).where(CredentialEvent.certificate_id == due.id,
                                                          CredentialEvent.action == "expire")).one()
    assert (event.from_status, event.to_status, event.actor_id) == ("active", "expired", None)
    assert credentials.expire_due(session, today) == 0  # nothing left to do


# Code borrowing ------------------------------------------------------------------------------

def test_a_code_held_by_another_org_is_refused_and_flagged(app, club):
    org, chair, staff = club
    with app_session(app):
        holder = make_org("cooperative", name="HTX Xoài Tịnh Thới")
        make_planting_code(holder, "VN-DTOR-0017", status="active")
    seller = signed_in(app, chair)
    response = post(seller, f"/orgs/{org.id}/credentials/codes",
                    {"code-code": "vn dtor 0017", "code-kind": "growing_area", "code-crop": "xoài"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Mã số này đã được tổ chức khác đăng ký" in text
    assert re.search(r'id="code-code-error"[^>]*>[^<]*đã được tổ chức khác đăng ký', text), "not beside the field"
    assert 'value="vn dtor 0017"' in text  # what was typed is kept

    with app_session(app) as session:
        assert session.scalars(select(PlantingCode).where(PlantingCode.organization_id == org.id)).all() == []
        flag = session.scalars(select(CodeClaimFlag).where(CodeClaimFlag.claimant_id == org.id)).one()
        assert (flag.code, flag.holder_id, flag.claimed_by_id, flag.resolved_at) == \
            ("VN-DTOR-0017", holder.id, chair.id, None)

    queue = text_of(signed_in(app, staff).get("/staff/credentials"))
    assert "Mã số bị tổ chức khác nhận là của mình" in queue
    assert "VN-DTOR-0017" in queue
    assert "HTX Xoài Tịnh Thới" in queue and "Hội quán xoài Mỹ Xương" in queue


def test_a_certificate_number_held_by_another_org_is_refused_and_flagged(app, club):
    org, chair, _staff = club
    with app_session(app):
        holder = make_org("cooperative", name="HTX Sen Tháp Mười")
        make_certificate(holder, "globalgap", "4063061999999", status="active")
    seller = signed_in(app, chair)
    response = post(seller, f"/orgs/{org.id}/credentials/certificates", {
        "cert-type": "globalgap", "cert-number": "4063 0619 99999",
        "cert-expires_on": dmy(today_in_vietnam() + timedelta(days=100))})
    assert response.status_code == 422
    assert "Số giấy chứng nhận này đã được tổ chức khác đăng ký" in text_of(response)
    with app_session(app) as session:
        assert session.scalars(select(Certificate).where(Certificate.organization_id == org.id)).all() == []
        flag = session.scalars(select(CodeClaimFlag).where(CodeClaimFlag.claimant_id == org.id)).one()
        assert (flag.code, flag.holder_id) == ("4063061999999", holder.id)


def test_the_same_org_entering_its_own_code_again_is_not_a_claim(app, club):
    org, chair, _staff = club
    with app_session(app):
        make_planting_code(org, "VN-DTOR-0042", status="active")
    seller = signed_in(app, chair)
    response = post(seller, f"/orgs/{org.id}/credentials/codes",
                    {"code-code": "VN-DTOR-0042", "code-kind": "growing_area", "code-crop": "xoài"})
    assert response.status_code == 302
    with app_session(app) as session:
        assert session.scalars(select(CodeClaimFlag).where(CodeClaimFlag.claimant_id == org.id)).all() == []
        assert len(session.scalars(select(PlantingCode).where(PlantingCode.code == "VN-DTOR-0042")).all()) == 1


# Bad input -----------------------------------------------------------------------------------

def _certificate_form(**overrides) -> dict:
    today = today_in_vietnam()
    form = {"cert-type": "vietgap", "cert-number": "VietGAP-TT-13-09-68-0100",
            "cert-issued_on": dmy(today - timedelta(days=10)), "cert-expires_on": dmy(today + timedelta(days=300))}
    form.update(overrides)
    return form


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"cert-type": "globalgap", "cert-number": "12345"}, "cert-number", "phải có đúng 13 chữ số"),
    ({"cert-expires_on": "01/01/2020"}, "cert-expires_on", "Ngày hết hạn phải sau ngày cấp"),
    ({"cert-expires_on": dmy(today_in_vietnam() + timedelta(days=1000))}, "cert-expires_on",
     "có hiệu lực tối đa 2 năm"),
    ({"cert-issued_on": "31/02/2026"}, "cert-issued_on", "Tháng 2 năm 2026 không có ngày 31"),
    ({"cert-number": ""}, "cert-number", ""),
    ({"cert-type": "halal"}, "cert-type", "Chọn VietGAP, GlobalGAP, hữu cơ hoặc OCOP."),
    ({"cert-type": "ocop", "cert-number": "15/QD-UBND", "cert-stars": ""}, "cert-stars", "Số sao OCOP từ 1 đến 5."),
    ({"cert-type": "ocop", "cert-number": "15/QD-UBND", "cert-stars": "7"}, "cert-stars", "Số sao OCOP từ 1 đến 5."),
    # A date far in the future, and no expiry to count from it: a message on the form, not a crash.
    ({"cert-type": "ocop", "cert-number": "QD-1", "cert-stars": "4", "cert-issued_on": "9999-06-01",
      "cert-expires_on": ""}, "cert-issued_on", "Kiểm tra lại năm"),
])
def test_bad_certificates_are_refused_beside_the_field(app, club, overrides, field, message):
    org, chair, _staff = club
    response = post(signed_in(app, chair), f"/orgs/{org.id}/credentials/certificates", _certificate_form(**overrides))
    refused_beside(response, field, message)
    with app_session(app) as session:
        assert session.scalars(select(Certificate).where(Certificate.organization_id == org.id)).all() == []


# Each field of the code form and what is refused in it: (typed, the message beside it; "" where any
# words of ours will do).
BAD_CODE_FIELDS = {
    "code-code": [("VN-DTPH-0001", "Đây là mã số cơ sở đóng gói"), ("VN.DTOR.0017", "")],
    "code-area_ha": [("abc", ""), ("-2", "")],
    "code-valid_until": [("hôm qua", "ngày/tháng/năm")],
    "code-kind": [("orchard", "Mã số vùng trồng")],
}


@pytest.mark.parametrize(("field", "typed", "message"), [
    (field, typed, message) for field, refused in BAD_CODE_FIELDS.items() for typed, message in refused])
def test_bad_codes_are_refused_beside_the_field(app, club, field, typed, message):
    org, chair, _staff = club
    form = {"code-code": "VN-DTOR-0077", "code-kind": "growing_area", field: typed}
    refused_beside(post(signed_in(app, chair), f"/orgs/{org.id}/credentials/codes", form), field, message)
    with app_session(app) as session:
        assert session.scalars(select(PlantingCode).where(PlantingCode.organization_id == org.id)).all() == []


def test_ocop_without_expiry_gets_36_months(app, club):
    org, chair, _staff = club
    seller = signed_in(app, chair)
    issued = today_in_vietnam() - timedelta(days=400)  # still valid: 36 months run from the issue day
    response = post(seller, f"/orgs/{org.id}/credentials/certificates", {
        "cert-type": "ocop", "cert-number": "1234/QĐ-UBND", "cert-stars": "4", "cert-issued_on": dmy(issued)})
    assert response.status_code == 302
    with app_session(app) as session:
        rating = session.scalars(select(Certificate).where(Certificate.organization_id == org.id)).one()
        # (29 February → 28 February three years on is a unit test of rules.default_expiry.)
        assert (rating.stars, rating.level, rating.expires_on) == (4, "province", add_months(issued, 36))

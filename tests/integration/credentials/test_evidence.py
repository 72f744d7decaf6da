"""Credentials with evidence: a club enters the issuer, area, export markets and a scan of the paper;
every problem of the form comes back at once with what was typed; the scan is checked from its
content and opened only by the club and staff; staff see all of it beside the verify button."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.credentials import evidence
from marketplace.credentials.models import Certificate, CredentialScan, PlantingCode
from marketplace.db import utcnow
from tests.clients import app_session, post, signed_in, text_of
from tests.documents import pdf_document
from tests.factories import make_certificate, make_club, make_org, make_user
from tests.images import image_bytes, noise
from tests.pages import refused_beside

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def jpeg() -> bytes:
    return image_bytes(noise(900, 1200), "JPEG", quality=85)


@pytest.fixture
def world(app):
    """A club (chair), another club (its chair), a buyer and staff."""
    with app_session(app):
        org, chair = make_club("Hội quán xoài Mỹ Xương", chair_name="Nguyễn Văn Chủ")
        other, other_chair = make_club("Hội quán Tân Thuận")
        buyer = make_user("buyer")
        staff = make_user("staff", name="Cán bộ Xúc tiến")
    return {"org": org, "chair": chair, "other": other, "other_chair": other_chair, "buyer": buyer, "staff": staff}


def certificate_form(**overrides):
    data = {"cert-type": "vietgap", "cert-number": "VietGAP-TT-13-09-68-0096", "cert-product_text": "xoài cát Chu",
            "cert-issuer": "Chi cục Trồng trọt và BVTV Đồng Tháp", "cert-issued_on": "15/03/2026",
            "cert-expires_on": "14/03/2028", "cert-area_ha": "2,5", "cert-markets": ["CN", "US"],
            "cert-other_markets": "Nhat Ban"}
    data.update(overrides)
    return data


def with_scan(data: dict, content: bytes, name: str, mimetype: str = "application/octet-stream") -> dict:
    return {**data, "cert-scan": (io.BytesIO(content), name, mimetype)}


def add_certificate(client, org, data):
    return post(client, f"/orgs/{org.id}/credentials/certificates", data, content_type="multipart/form-data")


def stored(app, org) -> list[Certificate]:
    with app_session(app) as session:
        certificates = list(session.scalars(select(Certificate).where(Certificate.organization_id == org.id)))
        for certificate in certificates:
            _ = certificate.scan
        return certificates


def scans(app) -> int:
    with app_session(app) as session:
        return len(list(session.scalars(select(CredentialScan))))


# --- the form ---------------------------------------------------------------------------------------

def test_a_certificate_is_entered_with_its_evidence(app, world):
    chair = signed_in(app, world["chair"])
    response = add_certificate(chair, world["org"], with_scan(certificate_form(), pdf_document(2), "GCN VietGAP.pdf",
                                                                "application/pdf"))
    assert response.status_code == 302
    [certificate] = stored(app, world["org"])
    assert (certificate.issuer, certificate.product_text, certificate.area_ha, certificate.markets, certificate.status) \
        == ("Chi cục Trồng trọt và BVTV Đồng Tháp", "xoài cát Chu", 2.5, "CN;US;JP", "pending")
    assert (certificate.scan.media, certificate.scan.pages, certificate.scan.filename) == ("pdf", 2, "GCN VietGAP.pdf")


def test_every_bad_field_is_reported_at_once_and_what_was_typed_stays(app, world):
    chair = signed_in(app, world["chair"])
    data = certificate_form(**{"cert-number": "", "cert-issued_on": "31/02/2026", "cert-expires_on": "1/1/2025",
                               "cert-area_ha": "hai ha ruoi", "cert-other_markets": "Trung Quoc; Narnia",
                               "cert-issuer": "Chi cuc BVTV Dong Thap"})
    response = add_certificate(chair, world["org"], with_scan(data, HTML, "giay-chung-nhan.pdf", "application/pdf"))
    text = refused_beside(response, "cert-number", "Vui lòng điền")
    refused_beside(response, "cert-issued_on", "Tháng 2 năm 2026 không có ngày 31")
    refused_beside(response, "cert-area_ha", "Nhập một con số")
    refused_beside(response, "cert-other_markets", "“Narnia”")
    refused_beside(response, "cert-scan", "không phải là PDF")
    # What was typed comes back, even the impossible date and the market nobody knows.
    for typed in ("31/02/2026", "1/1/2025", "hai ha ruoi", "Trung Quoc; Narnia", "Chi cuc BVTV Dong Thap",
                  "xoài cát Chu"):
        assert f'value="{typed}"' in text, typed
    assert re.search(r'<input checked[^>]*value="CN">', text)
    assert stored(app, world["org"]) == [] and scans(app) == 0


def test_the_rules_are_reported_with_the_typing_problems(app, world):
    """A date that did not parse is reported once; the other rules still speak in the same pass."""
    chair = signed_in(app, world["chair"])
    data = certificate_form(**{"cert-number": "VietGAP 0096", "cert-issued_on": "01/01/2026",
                               "cert-expires_on": "31/12/2025", "cert-area_ha": "-3", "cert-other_markets": "Mars"})
    response = add_certificate(chair, world["org"], data)
    refused_beside(response, "cert-expires_on", "sau ngày cấp")
    refused_beside(response, "cert-area_ha", "không được là số âm")
    refused_beside(response, "cert-other_markets", "“Mars”")


def test_a_scan_sent_with_a_form_that_had_problems_is_kept_for_the_next_try(app, world):
    chair = signed_in(app, world["chair"])
    first = add_certificate(chair, world["org"], with_scan(certificate_form(**{"cert-number": ""}), jpeg(),
                                                            "IMG_20260315.jpg", "image/jpeg"))
    text = refused_beside(first, "cert-number")
    assert "Bản chụp bạn đã gửi được giữ lại" in text
    key = re.search(r'name="cert-scan_key" type="hidden" value="([^"]+)"|name="cert-scan_key"[^>]*value="([^"]+)"',
                    text)
    scan_key = next(group for group in key.groups() if group)
    again = add_certificate(chair, world["org"], certificate_form(**{"cert-scan_key": scan_key}))
    assert again.status_code == 302
    [certificate] = stored(app, world["org"])
    assert (certificate.scan.key, certificate.scan.media) == (scan_key, "image")


def test_another_club_cannot_attach_a_scan_it_did_not_send(app, world):
    chair = signed_in(app, world["chair"])
    add_certificate(chair, world["org"], with_scan(certificate_form(**{"cert-number": ""}), pdf_document(),
                                                   "gcn.pdf"))
    with app_session(app) as session:
        scan_key = session.scalars(select(CredentialScan.key)).one()
    other = signed_in(app, world["other_chair"])
    other_org_id = world["other"].id
    response = post(other, f"/orgs/{other_org_id}/credentials/certificates",
                    certificate_form(**{"cert-number": "VietGAP-TT-13-09-68-0777", "cert-scan_key": scan_key}))
    assert response.status_code == 302
    with app_session(app) as session:
        certificate = session.scalars(select(Certificate).where(Certificate.organization_id == other_org_id)).one()
        assert certificate.scan_id is None


# --- what a scan may be ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "name", "mimetype", "message"), [
    (b"This is the certificate, typed out.\n", "chung-nhan.pdf", "application/pdf", "không phải là PDF"),
    (HTML, "giay-chung-nhan.pdf", "application/pdf", "không phải là PDF"),
    (HTML, "giay-chung-nhan.html", "text/html", "không phải ảnh đọc được"),
    (pdf_document(1) + b"%" * (10 * 1024 * 1024), "scan-lon.pdf", "application/pdf", "quá lớn"),
    (pdf_document(2)[:-300], "cat-ngang.pdf", "application/pdf", "bị hỏng"),
])
def test_a_scan_that_is_not_what_we_take_is_refused_by_name(app, world, content, name, mimetype, message):
    chair = signed_in(app, world["chair"])
    response = add_certificate(chair, world["org"], with_scan(certificate_form(), content, name, mimetype))
    refused_beside(response, "cert-scan", message)
    assert f"“{name}”" in text_of(response)
    assert stored(app, world["org"]) == [] and scans(app) == 0


def test_a_phone_photo_of_the_paper_is_kept_as_a_webp_without_its_metadata(app, world):
    chair = signed_in(app, world["chair"])
    response = add_certificate(chair, world["org"], with_scan(certificate_form(), jpeg(), "IMG_2031.jpg", "image/jpeg"))
    assert response.status_code == 302
    [certificate] = stored(app, world["org"])
    assert certificate.scan.media == "image"
    opened = chair.get(f"/credentials/scans/{certificate.scan.key}")
    assert opened.status_code == 200 and opened.mimetype == "image/webp"
    assert opened.data[:4] == b"RIFF" and opened.data[8:12] == b"WEBP"
    thumb = chair.get(f"/credentials/scans/{certificate.scan.key}/thumb")
    assert thumb.status_code == 200 and len(thumb.data) < len(opened.data)


# --- who opens a scan ----------------------------------------------------------------------------------

@pytest.fixture
def scanned(app, world):
    chair = signed_in(app, world["chair"])
    add_certificate(chair, world["org"], with_scan(certificate_form(), pdf_document(1), "GCN VietGAP.pdf",
                                                   "application/pdf"))
    [certificate] = stored(app, world["org"])
    return certificate


@pytest.mark.parametrize(("who", "status"), [("chair", 200), ("staff", 200), ("other_chair", 404), ("buyer", 404),
                                             ("anonymous", 302)])
def test_only_the_club_and_staff_open_a_scan(app, world, scanned, who, status):
    client = app.test_client() if who == "anonymous" else signed_in(app, world[who])
    response = client.get(f"/credentials/scans/{scanned.scan.key}")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert response.data == pdf_document(1)
        assert response.headers["Content-Disposition"].startswith("inline; filename=gcn-vietgap.pdf")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    else:
        assert b"%PDF" not in response.data


def test_a_scan_key_nobody_has_is_not_found(app, world):
    chair = signed_in(app, world["chair"])
    assert chair.get("/credentials/scans/" + "A" * 32).status_code == 404
    assert chair.get("/credentials/scans/../../etc/passwd").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("other_chair", 403), ("buyer", 403), ("anonymous", 302)])
def test_only_the_club_and_staff_see_a_credentials_page(app, world, scanned, who, status):
    client = app.test_client() if who == "anonymous" else signed_in(app, world[who])
    response = client.get(f"/orgs/{world['org'].id}/credentials/certificate/{scanned.id}")
    assert response.status_code == status
    assert scanned.scan.key not in response.get_data(as_text=True)


# --- staff see the evidence beside the decision ----------------------------------------------------------

def test_the_queue_shows_issuer_scope_area_markets_and_the_scan_beside_verify(app, world, scanned):
    staff = signed_in(app, world["staff"])
    text = text_of(staff.get("/staff/credentials"))
    item = text[text.index(f'data-testid="queued-certificate-{scanned.id}"'):]
    item = item[:item.index("</li>")]
    assert "Chi cục Trồng trọt và BVTV Đồng Tháp" in item
    assert "xoài cát Chu" in item
    assert "2,5 ha" in item
    assert "Trung Quốc · China (CN)" in item and "Hoa Kỳ · United States (US)" in item and "Nhật Bản" in item
    assert f'href="/credentials/scans/{scanned.scan.key}"' in item and 'target="_blank"' in item
    assert "PDF, 1 trang" in item
    assert f'data-testid="verify-certificate-{scanned.id}"' in item
    assert re.search(r"15\D+0?3\D+2026", item) and re.search(r"14\D+0?3\D+2028", item)  # valid from, until


def test_the_queue_says_when_there_is_no_scan(app, world):
    with app_session(app):
        certificate = make_certificate(world["org"], status="pending")
    staff = signed_in(app, world["staff"])
    text = text_of(staff.get("/staff/credentials"))
    item = text[text.index(f'data-testid="queued-certificate-{certificate.id}"'):]
    assert "Chưa có bản chụp" in item[:item.index("</li>")]


def test_the_credentials_page_shows_staff_the_evidence_and_the_decision(app, world, scanned):
    staff = signed_in(app, world["staff"])
    response = staff.get(f"/orgs/{world['org'].id}/credentials/certificate/{scanned.id}")
    text = text_of(response)
    assert response.status_code == 200
    assert "Chi cục Trồng trọt và BVTV Đồng Tháp" in text and f"/credentials/scans/{scanned.scan.key}" in text
    assert f'data-testid="verify-certificate-{scanned.id}"' in text
    assert 'name="cert-number"' not in text  # staff decide; the club edits


# --- editing ----------------------------------------------------------------------------------------------

def test_the_club_edits_a_verified_certificate_and_staff_check_it_again(app, world, scanned):
    staff = signed_in(app, world["staff"])
    post(staff, f"/staff/credentials/certificate/{scanned.id}", {"action": "verify"})
    chair = signed_in(app, world["chair"])
    page = text_of(chair.get(f"/orgs/{world['org'].id}/credentials/certificate/{scanned.id}"))
    # The form as the certificate stands: Nhật Bản, typed, is now a ticked main market.
    assert 'value="2,5"' in page and re.search(r'<input checked id="cert-markets-\d+" name="cert-markets" '
                                               r'type="checkbox" value="JP">', page)
    response = post(chair, f"/orgs/{world['org'].id}/credentials/certificate/{scanned.id}",
                    {**certificate_form(**{"cert-area_ha": "3", "cert-markets": ["EU"], "cert-other_markets": ""}),
                     "cert-scan": (io.BytesIO(jpeg()), "anh-giay.jpg", "image/jpeg")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    [certificate] = stored(app, world["org"])
    assert (certificate.area_ha, certificate.markets, certificate.status, certificate.scan.media) == \
        (3.0, "EU", "pending", "image")


def test_another_club_cannot_edit_a_certificate(app, world, scanned):
    other = signed_in(app, world["other_chair"])
    response = post(other, f"/orgs/{world['org'].id}/credentials/certificate/{scanned.id}",
                    certificate_form(**{"cert-issuer": "Ai đó"}))
    assert response.status_code == 403
    [certificate] = stored(app, world["org"])
    assert certificate.issuer == "Chi cục Trồng trọt và BVTV Đồng Tháp"


def test_a_code_is_entered_with_its_issuer_and_typed_markets(app, world):
    chair = signed_in(app, world["chair"])
    response = post(chair, f"/orgs/{world['org'].id}/credentials/codes", {
        "code-code": "VN-DTOR-0021", "code-kind": "growing_area", "code-crop": "xoài",
        "code-issuer": "Cục Bảo vệ thực vật", "code-area_ha": "12,5", "code-other_markets": "Trung Quoc, uc",
        "code-scan": (io.BytesIO(pdf_document(1)), "quyet-dinh.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app_session(app) as session:
        code = session.scalars(select(PlantingCode).where(PlantingCode.code == "VN-DTOR-0021")).one()
        assert (code.issuer, code.area_ha, code.markets, code.scan.media) == ("Cục Bảo vệ thực vật", 12.5, "CN;AU", "pdf")


def test_the_forms_are_at_hand_in_english_too(app, world):
    chair = signed_in(app, world["chair"], lang="en")
    text = text_of(chair.get(f"/orgs/{world['org'].id}/credentials"))
    assert "China · Trung Quốc (CN)" in text
    assert '<datalist id="market-names">' in text and 'value="Germany"' in text
    assert 'accept="application/pdf' in text and 'enctype="multipart/form-data"' in text


def test_staff_decide_with_a_foreign_org_in_the_url_is_not_found(app, world, scanned):
    with app_session(app):
        stranger = make_org("club", name="Hội quán lạ")
    staff = signed_in(app, world["staff"])
    assert staff.get(f"/orgs/{stranger.id}/credentials/certificate/{scanned.id}").status_code == 404


def test_a_code_is_edited_on_its_page_and_an_unknown_market_is_kept_and_named(app, world):
    chair = signed_in(app, world["chair"])
    post(chair, f"/orgs/{world['org'].id}/credentials/codes", {
        "code-code": "VN-DTOR-0033", "code-kind": "growing_area", "code-crop": "sầu riêng",
        "code-other_markets": "Đức"})
    with app_session(app) as session:
        code = session.scalars(select(PlantingCode).where(PlantingCode.code == "VN-DTOR-0033")).one()
    path = f"/orgs/{world['org'].id}/credentials/code/{code.id}"
    page = text_of(chair.get(path))
    assert 'name="code-other_markets" type="text" value="Đức"' in page
    response = post(chair, path, {"code-code": "VN-DTOR-0033", "code-kind": "growing_area", "code-crop": "sầu riêng",
                                  "code-other_markets": "Duc; Xu so Mat Ong", "code-valid_until": "30/02/2029"})
    text = refused_beside(response, "code-other_markets", "“Xu so Mat Ong”")
    refused_beside(response, "code-valid_until", "Tháng 2 năm 2029 không có ngày 30")
    assert 'value="Duc; Xu so Mat Ong"' in text and 'value="30/02/2029"' in text
    with app_session(app) as session:
        assert session.get(PlantingCode, code.id).markets == "DE"
    staff = signed_in(app, world["staff"])
    queue = text_of(staff.get("/staff/credentials"))
    item = queue[queue.index(f'data-testid="queued-code-{code.id}"'):]
    item = item[:item.index("</li>")]
    assert "sầu riêng" in item and "Đức · Germany (DE)" in item and "Chưa có bản chụp" in item


def test_scans_no_credential_used_for_a_day_are_removed_by_the_daily_command(app, world, scanned):
    chair = signed_in(app, world["chair"])
    for number in ("", " "):  # two forms sent with a scan and never completed
        add_certificate(chair, world["org"], with_scan(certificate_form(**{"cert-number": number}), pdf_document(),
                                                       "gcn.pdf"))
    with app_session(app) as session:
        staged = list(session.scalars(select(CredentialScan).where(CredentialScan.id != scanned.scan_id)
                                      .order_by(CredentialScan.id)))
        assert len(staged) == 2
        old, fresh = staged
        old.created_at = utcnow() - timedelta(days=2)
        session.get(CredentialScan, scanned.scan_id).created_at = utcnow() - timedelta(days=30)
        session.commit()
        old_key, fresh_key, used_key = old.key, fresh.key, scanned.scan.key
    result = app.test_cli_runner().invoke(args=["credentials", "expire"])
    assert result.output.splitlines()[-1] == "removed 1 unused scans"
    with app_session(app) as session:
        assert set(session.scalars(select(CredentialScan.key))) == {fresh_key, used_key}
        store = evidence.scan_store()
        assert store.open(old_key, "pdf", "file") is None
        assert store.open(used_key, "pdf", "file") is not None

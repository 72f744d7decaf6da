"""Certificates and codes refused through the services in the ways the forms rarely reach: an area
out of range, markets we do not know, a status or a staff action that does not exist, another
organisation's scan, and editing one credential into the number or code of another of one's own.
Each says which field and stores nothing."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, CredentialScan, PlantingCode
from marketplace.errors import PermissionDenied, ValidationError
from tests.factories import make_certificate, make_club, make_org, make_planting_code, make_user


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


def _certificates_of(session, org_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Certificate).where(Certificate.organization_id == org_id))


@pytest.mark.parametrize(
    ("area", "message"),
    [(-1.0, "The area cannot be negative."), (10_000_000.0, "The area is too large: enter it in hectares.")],
)
def test_a_certificate_with_an_area_out_of_range_is_refused(session, area, message):
    club, chair = make_club()
    data = credentials.CertificateInput(type="vietgap", number="VietGAP-TT-21-01-82-0001", area_ha=area)
    with pytest.raises(ValidationError) as caught:
        credentials.save_certificate(session, club, data, chair)
    assert caught.value.fields["area_ha"] == [message]
    session.rollback()
    assert _certificates_of(session, club.id) == 0


def test_a_code_for_markets_we_do_not_know_is_refused_naming_them(session):
    club, chair = make_club()
    data = credentials.PlantingCodeInput(code="VN-DTOR-7001", kind="growing_area", markets="Trung Quốc; Atlantis")
    with pytest.raises(ValidationError) as caught:
        credentials.save_planting_code(session, club, data, chair)
    [message] = caught.value.fields["markets"]
    assert message.startswith("Not a market we know: “Atlantis”.")
    session.rollback()
    assert session.scalar(select(PlantingCode.id).where(PlantingCode.code == "VN-DTOR-7001")) is None


def test_a_certificate_or_code_with_a_status_that_does_not_exist_is_refused(session):
    club, chair = make_club()
    for save, given in (
        (credentials.save_certificate,
         credentials.CertificateInput(type="vietgap", number="VietGAP-TT-21-01-82-0002", status="golden")),
        (credentials.save_planting_code,
         credentials.PlantingCodeInput(code="VN-DTOR-7002", kind="growing_area", status="golden")),
    ):
        with pytest.raises(ValidationError) as caught:
            save(session, club, given, chair)
        assert caught.value.fields["status"] == ["That change is not possible from the current status."]
    session.rollback()
    assert _certificates_of(session, club.id) == 0


def test_attaching_another_organisations_scan_is_forbidden(session):
    club, chair = make_club()
    other = make_org("club")
    scan = CredentialScan(
        key="scan-of-another-club", organization_id=other.id, media="pdf", filename="gcn.pdf", size_bytes=1000, pages=1
    )
    session.add(scan)
    session.commit()
    data = credentials.CertificateInput(type="vietgap", number="VietGAP-TT-21-01-82-0003", scan=scan)
    with pytest.raises(PermissionDenied):
        credentials.save_certificate(session, club, data, chair)
    session.rollback()
    assert _certificates_of(session, club.id) == 0


def test_editing_a_certificate_into_the_number_of_another_of_ones_own_is_refused(session):
    club, chair = make_club()
    first = make_certificate(club, number="VietGAP-TT-21-01-82-0004")
    second = make_certificate(club, number="VietGAP-TT-21-01-82-0005")
    data = credentials.CertificateInput(type="vietgap", number="VietGAP-TT-21-01-82-0004")
    with pytest.raises(ValidationError) as caught:
        credentials.save_certificate(session, club, data, chair, existing=session.get(Certificate, second.id))
    assert caught.value.fields == {"number": ["You have already entered a certificate with this number."]}
    session.rollback()
    assert session.get(Certificate, second.id).number == "VIETGAP-TT-21-01-82-0005"  # stored in capitals
    assert session.get(Certificate, first.id).number == "VIETGAP-TT-21-01-82-0004"


def test_editing_a_code_into_another_of_ones_own_is_refused(session):
    club, chair = make_club()
    make_planting_code(club, "VN-DTOR-7004")
    second = make_planting_code(club, "VN-DTOR-7005")
    data = credentials.PlantingCodeInput(code="VN-DTOR-7004", kind="growing_area")
    with pytest.raises(ValidationError) as caught:
        credentials.save_planting_code(session, club, data, chair, existing=session.get(PlantingCode, second.id))
    assert caught.value.fields == {"code": ["You have already entered this code."]}
    session.rollback()
    assert session.get(PlantingCode, second.id).code == "VN-DTOR-7005"


def test_a_staff_action_that_does_not_exist_changes_nothing(session):
    club, _chair = make_club()
    certificate = make_certificate(club, number="VietGAP-TT-21-01-82-0006", status="pending")
    staff = make_user("staff")
    with pytest.raises(ValidationError) as caught:
        credentials.change_status(session, session.get(Certificate, certificate.id), "bless", staff)
    assert caught.value.fields == {"action": ["That change is not possible from the current status."]}
    session.rollback()
    assert session.get(Certificate, certificate.id).status == "pending"


def test_a_code_for_more_markets_than_one_credential_can_hold_is_refused(session):
    """70 real market codes do not fit the 200 characters kept for them: refused, not cut short."""
    from marketplace.markets import codes

    club, chair = make_club()
    many = "; ".join(sorted(codes())[:70])
    data = credentials.PlantingCodeInput(code="VN-DTOR-7003", kind="growing_area", markets=many)
    with pytest.raises(ValidationError) as caught:
        credentials.save_planting_code(session, club, data, chair)
    assert caught.value.fields["markets"] == ["Too many markets for one credential."]
    session.rollback()
    assert session.scalar(select(PlantingCode.id).where(PlantingCode.code == "VN-DTOR-7003")) is None

"""Who may see and add a club's credentials, and who may decide on them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from tests.clients import app_session, post, signed_in
from tests.factories import make_certificate, make_org, make_user

CERTIFICATE = {"cert-type": "vietgap", "cert-number": "VietGAP-TT-99-99-99-0001", "cert-expires_on": "31/12/2099"}
CODE = {"code-code": "DT-XOAI-99", "code-kind": "growing_area"}


@pytest.fixture
def world(app):
    """A club with a pending certificate; users are made on demand (hashing passwords is slow)."""
    with app_session(app):
        club = make_org("club", name="Hội quán Phú Hựu")
        certificate = make_certificate(club, status="pending")
    return club, certificate


def client_for(app, club, who):
    """A client signed in as: the club's chair, a buyer, a seller of another club, staff, an admin."""
    if who == "anonymous":
        return app.test_client()
    with app_session(app):
        user = {
            "chair": lambda: make_user("seller", club),
            "buyer": lambda: make_user("buyer"),
            "other_seller": lambda: make_user("seller", make_org("club", name="Hội quán khác")),
            "staff": lambda: make_user("staff"),
            "admin": lambda: make_user("admin"),
        }[who]()
    return signed_in(app, user)


def counts(app, club) -> tuple[int, int]:
    with app_session(app) as session:
        return (session.scalar(select(func.count()).select_from(Certificate)
                               .where(Certificate.organization_id == club.id)),
                session.scalar(select(func.count()).select_from(PlantingCode)
                               .where(PlantingCode.organization_id == club.id)))


@pytest.mark.parametrize("who", ["buyer", "other_seller", "staff", "anonymous"])
@pytest.mark.parametrize(("path", "data"), [("certificates", CERTIFICATE), ("codes", CODE)])
def test_only_the_club_can_add_credentials(app, world, who, path, data):
    club, _certificate = world
    before = counts(app, club)
    client = client_for(app, club, who)
    response = post(client, f"/orgs/{club.id}/credentials/{path}", data)
    if who == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert counts(app, club) == before


@pytest.mark.parametrize(("who", "path", "data"), [
    ("chair", "certificates", CERTIFICATE), ("chair", "codes", CODE),
    ("admin", "certificates", CERTIFICATE), ("admin", "codes", CODE),
])
def test_the_club_and_admins_can_add_credentials(app, world, who, path, data):
    club, _certificate = world
    before = counts(app, club)
    response = post(client_for(app, club, who), f"/orgs/{club.id}/credentials/{path}", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{club.id}/credentials")
    after = counts(app, club)
    assert sum(after) == sum(before) + 1


@pytest.mark.parametrize(("who", "status"), [
    ("buyer", 403), ("other_seller", 403), ("anonymous", 302), ("chair", 200), ("staff", 200), ("admin", 200),
])
def test_who_sees_the_credentials_page(app, world, who, status):
    club, _certificate = world
    response = client_for(app, club, who).get(f"/orgs/{club.id}/credentials")
    assert response.status_code == status


def test_staff_see_the_credentials_page_without_add_forms(app, world):
    club, certificate = world
    text = client_for(app, club, "staff").get(f"/orgs/{club.id}/credentials").get_data(as_text=True)
    assert f"/orgs/{club.id}/credentials/certificates" not in text
    assert f"/orgs/{club.id}/credentials/codes" not in text
    assert 'name="cert-number"' not in text
    assert f"/staff/credentials/certificate/{certificate.id}" in text  # staff decide here instead


def test_the_chair_sees_add_forms_but_no_staff_decisions(app, world):
    club, certificate = world
    text = client_for(app, club, "chair").get(f"/orgs/{club.id}/credentials").get_data(as_text=True)
    assert f"/orgs/{club.id}/credentials/certificates" in text
    assert f"/orgs/{club.id}/credentials/codes" in text
    assert f"/staff/credentials/certificate/{certificate.id}" not in text


def test_credentials_page_of_an_unknown_org_is_404(app, world):
    club, _certificate = world
    assert client_for(app, club, "staff").get("/orgs/999999/credentials").status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("chair", 403), ("buyer", 403), ("other_seller", 403), ("anonymous", 302),
])
def test_only_staff_decide(app, world, who, status):
    club, certificate = world
    client = client_for(app, club, who)
    assert client.get("/staff/credentials").status_code == status
    response = post(client, f"/staff/credentials/certificate/{certificate.id}", {"action": "verify"})
    assert response.status_code == status
    with app_session(app) as session:
        assert session.get(Certificate, certificate.id).status == "pending"
        assert session.scalar(select(func.count()).select_from(CredentialEvent).where(
            CredentialEvent.certificate_id == certificate.id, CredentialEvent.action == "verify")) == 0


def test_the_staff_queue_lists_pending_credentials(app, world):
    club, certificate = world
    text = client_for(app, club, "staff").get("/staff/credentials").get_data(as_text=True)
    assert certificate.number in text
    assert "Hội quán Phú Hựu" in text


def test_a_decision_without_the_csrf_token_changes_nothing(app, world):
    club, certificate = world
    client = client_for(app, club, "staff")
    response = client.post(f"/staff/credentials/certificate/{certificate.id}", data={"action": "verify"})
    assert response.status_code in (302, 400)
    with app_session(app) as session:
        assert session.get(Certificate, certificate.id).status == "pending"

"""Entering a certificate by hand: a revoked one cannot be reset by entering it again. (A date far in
the future is one of the bad certificates in test_credentials_flow.py: a message on the form, not a crash.)"""

from __future__ import annotations

from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate
from tests.clients import app_session, post, signed_in
from tests.factories import make_certificate, make_user


def test_a_club_cannot_reset_a_revoked_certificate_by_entering_it_again(app, club):
    org, chair = club
    with app_session(app) as session:
        staff = make_user("staff")
        certificate = make_certificate(org, number="VietGAP-TT-99-01-82-9111")
        credentials.change_status(session, session.get(Certificate, certificate.id), "revoke",
                                  session.merge(staff), "fake certificate")
        session.commit()
    client = signed_in(app, chair)
    response = post(client, f"/orgs/{org.id}/credentials/certificates",
                    {"cert-type": "vietgap", "cert-number": "VietGAP-TT-99-01-82-9111"})
    assert response.status_code == 422
    with app_session(app) as session:
        stored = session.get(Certificate, certificate.id)
        assert (stored.status, stored.status_reason) == ("revoked", "fake certificate")


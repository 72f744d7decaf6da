"""Entering a certificate by hand: a revoked one cannot be reset by entering it again, and a date
far in the future is a message on the form, not a crash."""

from __future__ import annotations

from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate
from tests.factories import app_session, make_certificate, make_org, make_user, post, signed_in


def test_a_club_cannot_reset_a_revoked_certificate_by_entering_it_again(app):
    with app_session(app) as session:
        club = make_org("club")
        chair = make_user("seller", club)
        staff = make_user("staff")
        certificate = make_certificate(club, number="VietGAP-TT-99-01-82-9111")
        credentials.change_status(session, session.get(Certificate, certificate.id), "revoke",
                                  session.merge(staff), "fake certificate")
        session.commit()
    client = signed_in(app, chair)
    response = post(client, f"/orgs/{club.id}/credentials/certificates",
                    {"cert-type": "vietgap", "cert-number": "VietGAP-TT-99-01-82-9111"})
    assert response.status_code == 422
    with app_session(app) as session:
        stored = session.get(Certificate, certificate.id)
        assert (stored.status, stored.status_reason) == ("revoked", "fake certificate")


def test_a_far_future_issue_date_is_a_message_not_a_crash(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
    response = post(signed_in(app, chair), f"/orgs/{club.id}/credentials/certificates",
                    {"cert-type": "ocop", "cert-number": "QD-1", "cert-stars": "4", "cert-issued_on": "9999-06-01"})
    assert response.status_code == 422

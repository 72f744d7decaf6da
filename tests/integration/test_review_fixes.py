"""Regressions found in review: each test failed before its fix."""

from __future__ import annotations

from datetime import timedelta

from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import Offer
from marketplace.listings.models import Listing
from tests.factories import (
    api_token,
    app_session,
    make_certificate,
    make_demand,
    make_listing,
    make_offer,
    make_org,
    make_user,
    post,
    signed_in,
)


def test_a_price_only_quick_update_keeps_a_fractional_quantity(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
        listing = make_listing(club, quantity=2.125, unit="tấn")
    client = signed_in(app, chair)
    page = client.get(f"/orgs/{club.id}/listings").get_data(as_text=True)
    shown = page.split(f'data-testid="quick-quantity-{listing.id}"')[0].rsplit('value="', 1)[1].split('"')[0]
    post(client, f"/listings/{listing.id}/quick",
         {"quantity": shown, "price_vnd": "41000", "available_to": listing.available_to.isoformat()})
    with app_session(app) as session:
        stored = session.get(Listing, listing.id)
        assert stored.quantity_available == 2.125
        assert stored.price_vnd == 41000


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


def test_query_keys_that_clash_with_the_url_do_not_break_a_page(app):
    with app_session(app):
        club = make_org("club")
        listing = make_listing(club)
    client = app.test_client()
    assert client.get(f"/listings/{listing.id}?listing_id=999&_external=1").status_code == 200
    assert client.get(f"/orgs/{club.id}?org_id=3").status_code == 200


def test_unusual_digits_for_member_households_are_a_message_not_a_crash(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
    response = post(signed_in(app, chair), f"/orgs/{club.id}/edit", {"name": club.name, "members_count": "²"})
    assert response.status_code == 422


def test_a_far_future_issue_date_is_a_message_not_a_crash(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
    response = post(signed_in(app, chair), f"/orgs/{club.id}/credentials/certificates",
                    {"cert-type": "ocop", "cert-number": "QD-1", "cert-stars": "4", "cert-issued_on": "9999-06-01"})
    assert response.status_code == 422


def test_saving_a_paused_listing_keeps_it_paused(app):
    with app_session(app) as session:
        club = make_org("club")
        chair = make_user("seller", club)
        listing = make_listing(club)
        session.get(Listing, listing.id).status = "paused"
        session.commit()
    client = signed_in(app, chair)
    response = post(client, f"/listings/{listing.id}/edit", {
        "save": "1", "product": "xoài", "quantity": "1000", "unit": "kg", "price_vnd": "38000",
        "available_from": listing.available_from.isoformat(), "available_to": listing.available_to.isoformat(),
        "description": "changed"})
    assert response.status_code == 302
    with app_session(app) as session:
        stored = session.get(Listing, listing.id)
        assert (stored.status, stored.description) == ("paused", "changed")


def test_offers_on_a_closed_request_cannot_be_accepted_and_a_club_offers_once(app):
    with app_session(app) as session:
        buyer_org = make_org("supermarket")
        buyer = make_user("buyer", buyer_org)
        club = make_org("club")
        chair = make_user("seller", club)
        demand = make_demand(buyer_org)
        offer = make_offer(demand, club, "2")
    again = post(signed_in(app, chair), f"/demand/{demand.id}/offers", {"quantity": "1"})
    assert again.status_code == 422
    with app_session(app) as session:
        session.get(type(demand), demand.id).status = "closed"
        session.commit()
    post(signed_in(app, buyer), f"/offers/{offer.id}/accept")
    with app_session(app) as session:
        assert session.get(Offer, offer.id).status == "pending"
        assert session.query(Offer).filter_by(demand_id=demand.id).count() == 1


def test_a_quantity_too_small_to_store_is_refused(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
    response = post(signed_in(app, chair), "/listings/new", {
        "product": "xoài", "quantity": "0,0001", "unit": "tấn", "price_vnd": "38000",
        "available_from": today_in_vietnam().isoformat(), "available_to": (today_in_vietnam() + timedelta(days=365)).isoformat(), "publish": "1"})
    assert response.status_code == 422


def test_a_junk_bearer_header_does_not_lift_csrf_from_a_session(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
        api_token(app, chair)  # the user has a token, but this request does not use it
    client = signed_in(app, chair)
    response = client.post("/api/v1/listings", json={"product": "xoài"}, headers={"Authorization": "Bearer junk"})
    assert response.status_code == 400

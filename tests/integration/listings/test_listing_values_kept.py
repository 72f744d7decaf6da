"""What a club saves is what is stored: a fractional quantity survives a price-only quick update, and
a paused listing stays paused when edited. (A quantity too small to store is one of the bad inputs in
test_listings_web.py: refused beside the field.)"""

from __future__ import annotations

from marketplace.listings.models import Listing
from tests.clients import app_session, post, signed_in
from tests.factories import make_listing


def test_a_price_only_quick_update_keeps_a_fractional_quantity(app, club):
    org, chair = club
    with app_session(app):
        listing = make_listing(org, quantity=2.125, unit="tấn")
    client = signed_in(app, chair)
    page = client.get(f"/orgs/{org.id}/listings").get_data(as_text=True)
    shown = page.split(f'data-testid="quick-quantity-{listing.id}"')[0].rsplit('value="', 1)[1].split('"')[0]
    post(client, f"/listings/{listing.id}/quick",
         {"quantity": shown, "price_vnd": "41000", "available_to": listing.available_to.isoformat()})
    with app_session(app) as session:
        stored = session.get(Listing, listing.id)
        assert stored.quantity_available == 2.125
        assert stored.price_vnd == 41000


def test_saving_a_paused_listing_keeps_it_paused(app, club):
    org, chair = club
    with app_session(app) as session:
        listing = make_listing(org)
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


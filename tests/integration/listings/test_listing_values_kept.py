"""What a club saves is what is stored: a fractional quantity survives a price-only quick update,
a paused listing stays paused when edited, and a quantity too small to store is refused."""

from __future__ import annotations

from datetime import timedelta

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from tests.factories import app_session, make_listing, make_org, make_user, post, signed_in


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


def test_a_quantity_too_small_to_store_is_refused(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
    response = post(signed_in(app, chair), "/listings/new", {
        "product": "xoài", "quantity": "0,0001", "unit": "tấn", "price_vnd": "38000",
        "available_from": today_in_vietnam().isoformat(), "available_to": (today_in_vietnam() + timedelta(days=365)).isoformat(), "publish": "1"})
    assert response.status_code == 422

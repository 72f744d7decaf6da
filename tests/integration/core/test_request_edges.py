"""Requests a page does not expect: query keys that clash with the URL's own names, and a junk
bearer header on a signed-in session (it must not lift the session's CSRF check)."""

from __future__ import annotations

from tests.clients import api_token, app_session, signed_in
from tests.factories import make_listing, make_org, make_user


def test_query_keys_that_clash_with_the_url_do_not_break_a_page(app):
    with app_session(app):
        club = make_org("club")
        listing = make_listing(club)
    client = app.test_client()
    assert client.get(f"/listings/{listing.id}?listing_id=999&_external=1").status_code == 200
    assert client.get(f"/orgs/{club.id}?org_id=3").status_code == 200


def test_a_junk_bearer_header_does_not_lift_csrf_from_a_session(app):
    with app_session(app):
        club = make_org("club")
        chair = make_user("seller", club)
        api_token(app, chair)  # the user has a token, but this request does not use it
    client = signed_in(app, chair)
    response = client.post("/api/v1/listings", json={"product": "xoài"}, headers={"Authorization": "Bearer junk"})
    assert response.status_code == 400

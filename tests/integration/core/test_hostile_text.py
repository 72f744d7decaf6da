"""Issue #14's findings about text: a NUL character anywhere in a request is dropped where the
request is parsed (it gave 500s on PostgreSQL, anonymously too), and names lose direction overrides
and zero-width characters (shown reversed in pages and mail subjects)."""

from __future__ import annotations

import pytest

from marketplace.accounts import services as accounts
from marketplace.dates import today_in_vietnam
from tests.clients import api_token, csrf_token
from tests.factories import make_org, make_user


@pytest.mark.parametrize("path", [
    "/api/v1/orgs?ref=%00", "/api/v1/orgs?kind=%00", "/api/v1/listings?ref=%00", "/search?q=xoai%00",
    "/orgs?q=%00",
])
def test_a_nul_in_a_query_parameter_is_no_500(client, path):
    assert client.get(path).status_code < 500


@pytest.mark.parametrize("path", [
    "/fairs/%00", "/fairs/hoi-cho%00", "/catalogs/%00", "/catalogs/%00.pdf", "/catalogs/%00/qr.svg",
    "/fairs/%00/meetings",
])
def test_a_nul_in_a_path_segment_is_a_404(client, path):
    """`<slug>` reaches the lookup as typed: a NUL in it was a 500 on PostgreSQL."""
    assert client.get(path).status_code in (302, 404)  # the meetings page asks to sign in first


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot"])
def test_a_nul_in_a_form_is_no_500(client, path):
    token = csrf_token(client)
    response = client.post(path, data={"csrf_token": token, "identifier": "a\x00b@x.vn", "email": "a\x00@b.vn",
                                       "password": "x\x00"})
    assert response.status_code < 500


def test_a_nul_in_an_api_body_is_dropped(app, client, session):
    user = make_user("seller", make_org("club"))
    token = api_token(app, user)
    response = client.post("/api/v1/listings", content_type="application/json",
                           data='{"product": "Bánh tráng\\u0000 sữa", "quantity": "5", "unit": "túi", '
                                '"price_vnd": "20k", "available_from": "%s", "available_to": "%s", '
                                '"description": "giòn\\u0000 ngon"}' % ((today_in_vietnam(),) * 2),
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["description"] == "giòn ngon"


def test_names_lose_direction_overrides_and_zero_width_characters(session):
    org = accounts.create_organization(session, kind="club", name="Hội quán \u202eXoài\u202c\u200b Mỹ Xương")
    assert org.name == "Hội quán Xoài Mỹ Xương"


def test_a_buyers_page_lists_its_requests_to_signed_in_people_only(client, session):
    from tests.clients import login
    from tests.factories import make_demand

    buyer = make_org("supermarket", name="Siêu thị Ẩn Danh")
    post = make_demand(buyer, "xoài cát Chu")
    assert f"/demand/{post.id}" not in client.get(f"/orgs/{buyer.id}").get_data(as_text=True)
    login(client, make_user("seller", make_org("club")))
    assert f"/demand/{post.id}" in client.get(f"/orgs/{buyer.id}").get_data(as_text=True)


@pytest.mark.parametrize("org", ["42575467767991648256", "0", "-3"])
def test_an_org_filter_that_cannot_be_an_id_is_a_422(client, org):
    # It was a 500 (an unbounded integer) or, for 0, silently every organisation's listings.
    assert client.get(f"/api/v1/listings?org={org}").status_code == 422

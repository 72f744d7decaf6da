"""The header's role links and the role pages /sell and /buy: each role's first action one tap from
any page, the organisation chosen with ?org= and refused when it is not the person's own."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_org, make_user


def _links(response) -> dict[str, str]:
    """data-testid → href of the header's links."""
    page = response.get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    links = {}
    for tag in re.findall(r"<a\s[^>]*>", header):
        testid, href = re.search(r'data-testid="([^"]+)"', tag), re.search(r'href="([^"]+)"', tag)
        if testid and href:
            links[testid.group(1)] = html.unescape(href.group(1))
    return links


@pytest.fixture
def people(app):
    with app_session(app):
        club, coop, shop = (
            make_org("club", name="HQ Một"),
            make_org("cooperative", name="HTX Hai"),
            make_org("supermarket", name="Siêu thị Ba"),
        )
        chair = make_user("seller", club)
        buyer = make_user("buyer", shop)
        staff = make_user("staff")
        both = make_user("seller", club)  # a person in two selling organisations and a buyer too
        accounts.add_member(db.session, coop, both, "seller")
        accounts.add_member(db.session, shop, both, "buyer")
        other_club = make_org("club", name="HQ Khác")
        db.session.commit()
        return {
            "club": club,
            "coop": coop,
            "shop": shop,
            "other": other_club,
            "chair": chair,
            "buyer": buyer,
            "staff": staff,
            "both": both,
        }


def test_signed_out_header_offers_sign_in_and_no_role_actions(app, people):
    links = _links(signed_in(app).get("/"))
    assert "login-link" in links and "register-link" in links
    assert not {"nav-sell", "nav-buy", "bell", "orders-link", "logout"} & set(links)


def test_chair_reaches_the_listing_form_in_one_tap_from_any_page(app, people):
    client = signed_in(app, people["chair"])
    for page in ("/", "/search", "/demand", "/orgs?side=buyers"):
        links = _links(client.get(page))
        assert links["nav-sell"] == f"/listings/new?org={people['club'].id}"
        assert links["nav-my-listings"] == f"/orgs/{people['club'].id}/listings"
        assert "bell" in links and "orders-link" in links
        assert "nav-buy" not in links and "nav-verify" not in links
    form = client.get(links["nav-sell"])
    assert form.status_code == 200 and "data-listing-form" in form.get_data(as_text=True)


def test_buyer_reaches_the_request_form_in_one_tap(app, people):
    client = signed_in(app, people["buyer"])
    links = _links(client.get("/"))
    assert links["nav-buy"] == f"/demand/new?org={people['shop'].id}"
    assert links["nav-my-requests"] == f"/orgs/{people['shop'].id}/demand"
    assert "nav-sell" not in links and "bell" in links and "orders-link" in links
    assert client.get(links["nav-buy"]).status_code == 200


def test_staff_see_their_queues(app, people):
    client = signed_in(app, people["staff"])
    links = _links(client.get("/"))
    assert links["nav-verify"] == "/staff/credentials"
    assert "nav-staff" in links and "bell" in links
    assert "nav-sell" not in links and "nav-buy" not in links
    assert client.get(links["nav-verify"]).status_code == 200


def test_person_in_several_orgs_chooses_on_sell_and_buy(app, people):
    client = signed_in(app, people["both"])
    links = _links(client.get("/"))
    assert links["nav-sell"] == "/sell" and links["nav-buy"] == f"/demand/new?org={people['shop'].id}"
    page = client.get("/sell")
    assert page.status_code == 200
    text = text_of(page)
    assert "HQ Một" in text and "HTX Hai" in text and "Siêu thị Ba" not in text
    for org in (people["club"], people["coop"]):
        assert f'href="/listings/new?org={org.id}"' in page.get_data(as_text=True)
    # /buy with a single buying organisation goes straight to its form.
    assert client.get("/buy").headers["Location"] == f"/demand/new?org={people['shop'].id}"


def test_listing_form_acts_for_the_chosen_org(app, people):
    client = signed_in(app, people["both"])
    page = client.get(f"/listings/new?org={people['coop'].id}")
    assert page.status_code == 200
    response = post(
        client,
        f"/listings/new?org={people['coop'].id}",
        {
            "product": "xoài",
            "quantity": "100",
            "unit": "kg",
            "price_vnd": "30000",
            "available_from": today_in_vietnam().strftime("%d/%m/%Y"),
            "available_to": (today_in_vietnam() + timedelta(days=60)).strftime("%d/%m/%Y"),
            "publish": "1",
        },
    )
    assert response.status_code == 302, text_of(response)[:2000]
    with app_session(app) as session:
        listing = session.query(Listing).order_by(Listing.id.desc()).first()
        assert listing.organization_id == people["coop"].id


@pytest.mark.parametrize(
    "path",
    [
        "/listings/new?org={other}",
        "/listings/new?org={shop}",
        "/listings/new?org=abc",
        "/demand/new?org={club}",
        "/demand/new?org={other}",
        "/demand/new?org=99999999",
    ],
)
def test_an_org_that_is_not_yours_is_refused(app, people, path):
    client = signed_in(app, people["both"])
    url = path.format(other=people["other"].id, shop=people["shop"].id, club=people["club"].id)
    assert client.get(url).status_code == 404
    assert client.post(url, data={}).status_code in (400, 404)  # CSRF or the org, never a save


def test_sell_and_buy_refuse_who_cannot(app, people):
    buyer = signed_in(app, people["buyer"])
    assert buyer.get("/sell").headers["Location"].endswith("/account")
    chair = signed_in(app, people["chair"])
    assert chair.get("/buy").headers["Location"].endswith("/account")
    assert chair.get("/sell").headers["Location"] == f"/listings/new?org={people['club'].id}"
    assert signed_in(app).get("/sell").status_code == 302  # to sign in

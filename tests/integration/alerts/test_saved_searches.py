"""Saved searches: saving the search on /search (an empty one is refused, at most 20 each, saving
the same again keeps one), the worker's alerts.follow() telling the owner once when a listing or a
request published after the search was saved fits it (not for their own organisation's posts, not
again when it is edited), accent-less words fitting accented ones, and deleting a saved search."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.alerts import services as alerts
from marketplace.alerts.models import SavedSearch, SavedSearchHit
from marketplace.dates import today_in_vietnam
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from tests.clients import app_session, post, text_of
from tests.factories import make_demand, make_listing
from tests.integration.messaging.support import browser, make_people, me, notices, queued


@pytest.fixture
def people(app):
    return make_people(app)


def saved_of(app, user) -> list[SavedSearch]:
    with app_session(app) as session:
        return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                    .order_by(SavedSearch.id)))


def save_from_search_page(client, query: str):
    """Open /search?query, and press "Alert me about new results" (the form's own hidden fields)."""
    page = text_of(client.get(f"/search?{query}"))
    form = re.search(r'<form method="post" action="/alerts"[^>]*data-testid="save-search">(.*?)</form>', page, re.S)
    assert form, "no save-search form on the search page"
    fields = [(html.unescape(name), html.unescape(value)) for name, value in
              re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))]
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return client.post("/alerts", data=data)


def follow(app) -> int:
    with app_session(app) as session:
        count = alerts.follow(session, today_in_vietnam(), commit=session.commit)
        session.commit()
        return count


def alerts_for(app, user):
    with app_session(app) as session:
        return [(n.kind, n.url) for n in notices(session, user, "alert")]


def saved_search(app, user, query: str) -> SavedSearch:
    with app_session(app) as session:
        saved = alerts.save(session, me(session, user), dict(parse_qsl(query)))
        session.commit()
        return saved


# -- saving ----------------------------------------------------------------------------------------------

def test_saving_the_search_from_the_search_page(app, people):
    client = browser(app, people.buyer)
    response = save_from_search_page(client, "q=xoài&type=listing&certificate=vietgap&sort=price&page=2")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/search"
    assert dict(parse_qsl(location.query)) == {"q": "xoài", "type": "listing", "certificate": "vietgap"}
    [saved] = saved_of(app, people.buyer)
    assert saved.name == "xoài"
    assert dict(parse_qsl(saved.query)) == {"q": "xoài", "type": "listing", "certificate": "vietgap"}  # no page, sort
    assert "Saved “xoài”. We will tell you when something new fits it." in text_of(client.get(location.path + "?"
                                                                                                + location.query))
    page = text_of(client.get("/alerts"))
    assert "xoài" in page and 'href="/search?' in page


def test_the_save_button_is_for_signed_in_users_with_a_search(app, people):
    assert 'data-testid="save-search"' not in text_of(browser(app).get("/search?q=xoài"))
    assert 'data-testid="save-search"' not in text_of(browser(app, people.buyer).get("/search"))
    assert 'data-testid="save-search"' in text_of(browser(app, people.buyer).get("/search?q=xoài"))


@pytest.mark.parametrize("data", [{}, {"q": "   "}, {"sort": "price", "page": "3"}])
def test_an_empty_search_is_not_saved(app, people, data):
    client = browser(app, people.buyer)
    response = post(client, "/alerts", data)
    assert response.status_code == 302
    assert saved_of(app, people.buyer) == []
    page = text_of(client.get(response.headers["Location"]))
    assert "Type some words or choose a filter first" in page


def test_a_search_that_cannot_be_read_is_not_saved(app, people):
    response = post(browser(app, people.buyer), "/alerts", {"q": "xoài", "price_min": "nhiều lắm"})
    assert response.status_code == 302
    assert saved_of(app, people.buyer) == []


def test_saving_the_same_search_again_keeps_one(app, people):
    client = browser(app, people.buyer)
    post(client, "/alerts", {"q": "xoài"})
    post(client, "/alerts", {"q": " xoài "})
    assert len(saved_of(app, people.buyer)) == 1


def test_at_most_twenty_saved_searches(app, people):
    for n in range(alerts.MAX_PER_USER):
        saved_search(app, people.buyer, f"q=xoài+{n}")
    client = browser(app, people.buyer)
    response = post(client, "/alerts", {"q": "bưởi"})
    assert response.status_code == 302
    assert "You can keep at most 20 saved searches. Delete one first." in text_of(
        client.get(response.headers["Location"]))
    assert len(saved_of(app, people.buyer)) == 20
    post(client, "/alerts", {"q": "xoài 3"})  # one already saved: still fine
    assert len(saved_of(app, people.buyer)) == 20
    # Another user has their own twenty.
    post(browser(app, people.buyer2), "/alerts", {"q": "bưởi"})
    assert len(saved_of(app, people.buyer2)) == 1


def test_saving_needs_the_csrf_token_and_a_user(app, people):
    assert browser(app, people.buyer).post("/alerts", data={"q": "xoài"}).status_code == 400
    response = post(browser(app), "/alerts", {"q": "xoài"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(SavedSearch)) == 0


# -- alerts ------------------------------------------------------------------------------------------------

def test_a_new_listing_that_fits_alerts_the_owner_once(app, people, outbox):
    set_user_locale_en(app, people.buyer)
    saved = saved_search(app, people.buyer, "q=xoài")
    assert follow(app) == 0  # the club's listing was published before the search was saved
    with app_session(app):
        fresh = make_listing(people.other_club, "xoài", variety="Hòa Lộc", quantity="700")
    assert follow(app) == 1
    assert alerts_for(app, people.buyer) == [("alert", f"/listings/{fresh.id}")]
    with app_session(app) as session:
        [notice] = notices(session, people.buyer, "alert")
        [mail] = queued(session, people.buyer)
        assert mail.subject == f"New for your saved search “xoài”: {fresh.title}"
        assert f"/listings/{fresh.id}" in mail.body
        assert session.scalar(select(SavedSearchHit.doc_id).where(SavedSearchHit.saved_search_id == saved.id)) \
            == f"listing:{fresh.id}"
    page = text_of(browser(app, people.buyer).get("/notifications"))
    assert f"New for your saved search “xoài”: {fresh.title}" in page
    # Round again, or edit the listing: nothing new.
    assert follow(app) == 0
    with app_session(app) as session:
        listings.quick_update(session, session.get(Listing, fresh.id), quantity="650", today=today_in_vietnam())
        session.commit()
    assert follow(app) == 0
    assert len(alerts_for(app, people.buyer)) == 1
    # Nobody else is told.
    for user in (people.buyer2, people.chair, people.other_seller):
        assert alerts_for(app, user) == []


def set_user_locale_en(app, user) -> None:
    with app_session(app) as session:
        me(session, user).locale = "en"
        session.commit()


def test_a_listing_that_does_not_fit_alerts_nobody(app, people):
    saved_search(app, people.buyer, "q=xoài")
    with app_session(app):
        make_listing(people.other_club, "bưởi", variety="da xanh", quantity="300")
    assert follow(app) == 0
    assert alerts_for(app, people.buyer) == []


def test_a_listing_published_before_the_search_was_saved_alerts_nobody(app, people):
    with app_session(app):
        make_listing(people.other_club, "xoài", quantity="800")
    saved_search(app, people.buyer, "q=xoài")
    assert follow(app) == 0
    assert alerts_for(app, people.buyer) == []


def test_a_draft_published_after_the_search_was_saved_alerts(app, people):
    with app_session(app):
        draft = make_listing(people.other_club, "xoài", quantity="800", publish=False)
    saved_search(app, people.buyer, "q=xoài")
    assert follow(app) == 0
    with app_session(app) as session:
        listing = session.get(Listing, draft.id)
        listings.change_status(session, listing, "publish", today=today_in_vietnam())
        session.commit()
    assert follow(app) == 1
    assert alerts_for(app, people.buyer) == [("alert", f"/listings/{draft.id}")]


def test_ones_own_organisations_listing_alerts_nobody_in_it(app, people):
    saved_search(app, people.chair, "q=xoài")
    saved_search(app, people.buyer, "q=xoài")
    with app_session(app):
        mine = make_listing(people.club, "xoài", variety="Đài Loan", quantity="900")
    assert follow(app) == 1
    assert alerts_for(app, people.chair) == []
    assert alerts_for(app, people.buyer) == [("alert", f"/listings/{mine.id}")]


def test_a_new_request_fits_a_search_for_requests(app, people):
    saved = saved_search(app, people.chair, "type=demand&q=xoài")
    with app_session(app):
        make_listing(people.other_club, "xoài", quantity="900")  # a listing: not what this search is for
        demand = make_demand(people.other_org, "xoài", quantity="3", unit="tấn")
    assert follow(app) == 1
    assert alerts_for(app, people.chair) == [("alert", f"/demand/{demand.id}")]
    with app_session(app) as session:
        [notice] = notices(session, people.chair, "alert")
        assert json.loads(notice.params)["saved_search"] == saved.id


def test_words_without_accents_fit_accented_ones(app, people):
    saved_search(app, people.buyer, "q=xoai")
    with app_session(app):
        fresh = make_listing(people.other_club, "xoài", quantity="500")
    assert follow(app) == 1
    assert alerts_for(app, people.buyer) == [("alert", f"/listings/{fresh.id}")]


def test_filters_are_part_of_the_search(app, people):
    saved_search(app, people.buyer, "q=xoài&price_max=30000")
    with app_session(app):
        make_listing(people.other_club, "xoài", quantity="500", price_vnd="45000")
        cheap = make_listing(people.other_club, "xoài", quantity="500", price_vnd="25000")
    assert follow(app) == 1
    assert alerts_for(app, people.buyer) == [("alert", f"/listings/{cheap.id}")]


def test_each_saved_search_alerts_its_own_owner(app, people):
    saved_search(app, people.buyer, "q=xoài")
    saved_search(app, people.buyer2, "q=xoai")
    saved_search(app, people.other_buyer, "q=bưởi")
    with app_session(app):
        fresh = make_listing(people.other_club, "xoài", quantity="500")
    assert follow(app) == 2
    assert alerts_for(app, people.buyer) == alerts_for(app, people.buyer2) == [("alert", f"/listings/{fresh.id}")]
    assert alerts_for(app, people.other_buyer) == []


def test_an_inactive_owner_is_not_alerted(app, people):
    saved_search(app, people.buyer, "q=xoài")
    with app_session(app) as session:
        me(session, people.buyer).active = False
        session.commit()
        make_listing(people.other_club, "xoài", quantity="500")
    assert follow(app) == 0


# -- deleting ------------------------------------------------------------------------------------------------

def test_only_the_owner_deletes_a_saved_search(app, people):
    saved = saved_search(app, people.buyer, "q=xoài")
    other = browser(app, people.buyer2)
    assert post(other, f"/alerts/{saved.id}/delete").status_code == 404
    assert post(browser(app, people.staff), f"/alerts/{saved.id}/delete").status_code == 404
    owner = browser(app, people.buyer)
    assert owner.post(f"/alerts/{saved.id}/delete").status_code == 400  # without the CSRF token
    assert len(saved_of(app, people.buyer)) == 1
    response = post(owner, f"/alerts/{saved.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/alerts")
    assert saved_of(app, people.buyer) == []
    assert post(owner, f"/alerts/{saved.id}/delete").status_code == 404
    # Deleted: no more alerts from it.
    with app_session(app):
        make_listing(people.other_club, "xoài", quantity="500")
    assert follow(app) == 0


def test_the_alerts_page_lists_ones_own_searches_only(app, people):
    saved_search(app, people.buyer, "q=xoài&commune=30244")
    saved_search(app, people.buyer2, "q=sầu riêng")
    page = text_of(browser(app, people.buyer).get("/alerts"))
    assert "xoài" in page and "sầu riêng" not in page
    assert re.search(r'href="/search\?[^"]*commune=30244', page)
    response = browser(app).get("/alerts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


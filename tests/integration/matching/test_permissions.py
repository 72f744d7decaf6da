"""Who sees which matches: a buyer the matches of their own requests only, a club those of its own
listings only, staff all; nobody anonymous. The same on the API, the request and listing pages and
/matches."""

from __future__ import annotations

import pytest

from tests.clients import api_token, app_session, text_of
from tests.factories import make_demand, make_listing
from tests.integration.matching.conftest import browser

CARDS = 'data-testid="match-cards"'


@pytest.fixture
def posts(app, people):
    """Each buyer's request for xoài, and each club's xoài listing: every pair a full match."""
    with app_session(app):
        return {
            "mine": make_demand(people.exporter, "xoài", quantity="2", unit="tấn", user=people.buyer),
            "theirs": make_demand(people.other_org, "xoài", quantity="3", unit="tấn", quality_notes="chợ đầu mối"),
            "club": make_listing(people.club, "xoài", quantity="2500"),
            "other_club": make_listing(people.other_club, "xoài", quantity="1500"),
        }


def get(app, user, path: str):
    headers = {"Authorization": f"Bearer {api_token(app, user)}"} if user is not None else {}
    return app.test_client().get(path, headers=headers)


def test_a_buyer_sees_the_matches_of_their_own_requests(app, people, posts):
    response = get(app, people.buyer, f"/api/v1/demand/{posts['mine'].id}/matches")
    assert response.status_code == 200
    found = response.get_json()
    assert found["total"] == 2
    assert {m["listing_id"] for m in found["matches"]} == {posts["club"].id, posts["other_club"].id}
    # The same buyer signed in on the site, without a token.
    client = browser(app, people.buyer)
    assert client.get(f"/api/v1/demand/{posts['mine'].id}/matches").status_code == 200


@pytest.mark.parametrize("who", ["other_buyer", "chair", "quiet_chair"])
def test_nobody_else_sees_a_buyers_matches(app, people, posts, who):
    response = get(app, getattr(people, who), f"/api/v1/demand/{posts['mine'].id}/matches")
    assert response.status_code == 403
    assert "matches" not in response.get_json()


def test_anonymous_callers_are_asked_to_sign_in(app, posts):
    assert get(app, None, f"/api/v1/demand/{posts['mine'].id}/matches").status_code == 401
    assert get(app, None, f"/api/v1/listings/{posts['club'].id}/matches").status_code == 401


def test_a_club_sees_the_matches_of_its_own_listings_only(app, people, posts):
    response = get(app, people.chair, f"/api/v1/listings/{posts['club'].id}/matches")
    assert response.status_code == 200
    found = response.get_json()
    assert {m["demand_id"] for m in found["matches"]} == {posts["mine"].id, posts["theirs"].id}
    assert set(found["matches"][0]) >= {"demand_id", "demand_ref", "full", "score", "reasons", "unmet"}
    for who in ("other_chair", "buyer", "other_buyer"):
        assert get(app, getattr(people, who), f"/api/v1/listings/{posts['club'].id}/matches").status_code == 403


def test_staff_see_any_matches(app, people, posts):
    """Staff see the matches themselves: those of a request nobody of theirs posted, and those of
    a listing of a club they are not in — the same ones its own side sees."""
    response = get(app, people.staff, f"/api/v1/demand/{posts['theirs'].id}/matches")
    assert response.status_code == 200
    assert {m["listing_id"] for m in response.get_json()["matches"]} == {posts["club"].id, posts["other_club"].id}
    response = get(app, people.staff, f"/api/v1/listings/{posts['other_club'].id}/matches")
    assert response.status_code == 200
    seen_by_staff = response.get_json()
    assert {m["demand_id"] for m in seen_by_staff["matches"]} == {posts["mine"].id, posts["theirs"].id}
    seen_by_club = get(app, people.other_chair, f"/api/v1/listings/{posts['other_club'].id}/matches").get_json()
    assert seen_by_staff == seen_by_club


def test_unknown_posts_are_not_found(app, people, posts):
    assert get(app, people.buyer, "/api/v1/demand/999999/matches").status_code == 404
    assert get(app, people.chair, "/api/v1/listings/999999/matches").status_code == 404


def test_the_api_shape(app, people, posts):
    found = get(app, people.buyer, f"/api/v1/demand/{posts['mine'].id}/matches?limit=1&lang=en").get_json()
    assert set(found) == {"total", "matches"}
    assert found["total"] == 2 and len(found["matches"]) == 1
    match = found["matches"][0]
    assert set(match) == {"listing_id", "listing_ref", "full", "score", "dismissed", "reasons", "unmet", "details"}
    assert isinstance(match["score"], int) and match["full"] is True and match["unmet"] == []
    assert all(isinstance(text, str) for text in match["reasons"])
    assert [d["text"] for d in match["details"]["reasons"]] == match["reasons"]
    assert get(app, people.buyer, f"/api/v1/demand/{posts['mine'].id}/matches?limit=0").status_code == 422


def test_full_matches_come_before_near_misses_in_the_api(app, people, posts):
    with app_session(app):
        near = make_listing(people.other_club, "xoài", variety="tượng", quantity="9000")
        demand = make_demand(people.exporter, "xoài", variety="cát Chu", quantity="1", unit="tấn")
        full = make_listing(people.club, "xoài", variety="cát Chu", quantity="100")
    found = get(app, people.buyer, f"/api/v1/demand/{demand.id}/matches").get_json()["matches"]
    assert [m["full"] for m in found] == [True, False, False, False]  # the listings without variety too
    found = [m for m in found if m["listing_id"] in (full.id, near.id)]
    assert [(m["listing_id"], m["full"]) for m in found] == [(full.id, True), (near.id, False)]
    assert found[1]["score"] > found[0]["score"]  # a better score does not put a near miss first


@pytest.mark.parametrize(("who", "sees"), [("buyer", True), ("quiet_buyer", True), ("staff", True),
                                           ("other_buyer", False), ("chair", False), (None, False)])
def test_the_request_page_shows_match_cards_to_its_buyer_and_staff(app, people, posts, who, sees):
    client = browser(app, getattr(people, who) if who else None)
    page = text_of(client.get(f"/demand/{posts['mine'].id}"))
    assert (CARDS in page) is sees
    assert (f'data-testid="match-{posts["mine"].id}-{posts["club"].id}"' in page) is sees


@pytest.mark.parametrize(("who", "sees"), [("chair", True), ("staff", True), ("other_chair", False),
                                           ("buyer", False), (None, False)])
def test_the_listing_page_shows_match_cards_to_its_club_and_staff(app, people, posts, who, sees):
    client = browser(app, getattr(people, who) if who else None)
    page = text_of(client.get(f"/listings/{posts['club'].id}"))
    assert (CARDS in page) is sees


# What /matches shows each side, and what it must not: {mine}, {club}… stand for the ids of the posts.
MATCHES_PAGE = [
    pytest.param("buyer", ['id="post-{mine}"', 'data-testid="match-{mine}-{club}"'],
                 ['id="post-{theirs}"', "chợ đầu mối", 'id="listing-'], id="only_my_organisations_requests"),
    pytest.param("chair", ['id="listing-{club}"', 'data-testid="match-{theirs}-{club}"'],
                 ['id="listing-{other_club}"', 'id="post-'], id="only_my_clubs_listings"),
]


@pytest.mark.parametrize(("who", "shown", "hidden"), MATCHES_PAGE)
def test_the_matches_page_lists_only_my_side(app, people, posts, who, shown, hidden):
    ids = {name: post.id for name, post in posts.items()}
    page = text_of(browser(app, getattr(people, who)).get("/matches"))
    for text in shown:
        assert text.format(**ids) in page
    for text in hidden:
        assert text.format(**ids) not in page


def test_the_matches_page_needs_signing_in(app, people, posts):
    response = app.test_client().get("/matches")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = text_of(browser(app, people.staff).get("/matches"))  # staff act for no buyer nor club
    assert 'id="post-' not in page and 'id="listing-' not in page

"""Matches kept current: the worker's follow() reads the change log and refreshes the remembered
matches when a listing, a request or a credential changes, rematches everything once a day (dates
alone end windows), notifies both sides of a new good full match once (in the app, and by mail to
those who want it), and each side can hide a match for itself. Staff see how many open requests
have a full match."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost
from marketplace.listings import services as listings
from marketplace.matching import services as matching
from marketplace.matching.models import MatchState
from marketplace.notifications import delivery
from marketplace.notifications.models import Notification
from tests.clients import api_token, app_session, post, text_of
from tests.factories import make_demand, make_listing, make_planting_code
from tests.integration.matching.conftest import browser


def state(session, demand_id: int, listing_id: int) -> MatchState | None:
    return session.scalar(select(MatchState).where(MatchState.demand_id == demand_id,
                                                   MatchState.listing_id == listing_id))


def notices(session, user) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def us_listing(org, **fields):
    """A listing of org that can ship xoài cát Chu to the US."""
    codes = [make_planting_code(org, markets="US"), make_planting_code(org, kind="packing_house", markets="US")]
    fields.setdefault("quantity", "5000")
    return make_listing(org, "xoài", variety="cát Chu", planting_codes=codes, **fields)


def us_request(people, **fields):
    fields.setdefault("quantity", "5")
    return make_demand(people.exporter, "xoài", variety="cát Chu", export_market="US", user=people.buyer,
                       needed_to=today_in_vietnam() + timedelta(days=45), **fields)


@pytest.fixture
def pair(app, people):
    """The exporter's US request and the club's listing that can serve it, matched by the worker."""
    today = today_in_vietnam()
    with app_session(app) as session:
        listing = us_listing(people.club)
        demand = us_request(people)
        report = matching.follow(session, today, commit=session.commit)
        session.commit()
        assert report.full >= 1
        return demand, listing


def test_a_new_good_full_match_notifies_both_sides_once(app, people, pair, outbox):
    demand, listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        remembered = state(session, demand.id, listing.id)
        assert remembered.full and remembered.notified_at is not None and remembered.first_full_at is not None
        assert remembered.score >= matching.NOTIFY_SCORE
        for user in (people.buyer, people.quiet_buyer):
            assert [(n.kind, n.url) for n in notices(session, user)] == [("match", f"/demand/{demand.id}#matches")]
        for user in (people.chair, people.quiet_chair):
            assert [(n.kind, n.url) for n in notices(session, user)] == [("match", f"/listings/{listing.id}#matches")]
        for user in (people.other_buyer, people.other_chair, people.staff):
            assert notices(session, user) == []
        # Mail only for those who want it, in their language, with the link (sent by the worker).
        delivery.deliver_due(session, commit=session.commit)
        assert sorted(mail.to for mail in outbox) == sorted([people.buyer.email, people.chair.email])
        to_buyer = next(mail for mail in outbox if mail.to == people.buyer.email)
        assert to_buyer.subject == "Kết nối mới cho yêu cầu của bạn: Xoài cát Chu"
        assert f"/demand/{demand.id}#matches" in to_buyer.body
        assert people.club.name in to_buyer.body
        to_chair = next(mail for mail in outbox if mail.to == people.chair.email)
        assert to_chair.subject == "Có người mua cần Xoài cát Chu của bạn"
        assert f"/listings/{listing.id}#matches" in to_chair.body

        # The worker goes round again, and the next day rematches everything: nobody is told twice.
        assert matching.follow(session, today, commit=session.commit).notified == 0
        assert matching.follow(session, today + timedelta(days=1), commit=session.commit).notified == 0
        assert matching.rematch_all(session, today).notified == 0
        session.commit()
        assert len(notices(session, people.buyer)) == 1
        delivery.deliver_due(session, commit=session.commit)
        assert len(outbox) == 2


def test_the_bell_shows_the_notification_in_the_readers_language(app, people, pair):
    demand, listing = pair
    client = browser(app, people.buyer)
    page = text_of(client.get("/notifications"))
    assert f"New match for your request “Cat Chu mango”: Cat Chu mango from {people.club.name}" in page
    with app_session(app) as session:
        notice = notices(session, people.buyer)[0]
    response = post(client, f"/notifications/{notice.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/demand/{demand.id}#matches")
    with app_session(app) as session:
        assert session.get(Notification, notice.id).read_at is not None
    # Nobody else can open it.
    assert post(browser(app, people.other_buyer), f"/notifications/{notice.id}").status_code == 404


def test_a_weak_full_match_is_remembered_without_notifying(app, people):
    today = today_in_vietnam()
    with app_session(app) as session:
        weak = us_listing(people.club, quantity="10", price_vnd="90000", description="hàng dạt")
        demand = make_demand(people.exporter, "xoài", quantity="50", unit="tấn", export_market="US",
                             price_min_vnd="20000", price_max_vnd="30000", quality_notes="loại một xuất khẩu")
        matching.follow(session, today, commit=session.commit)
        remembered = state(session, demand.id, weak.id)
        assert remembered.full and remembered.score < matching.NOTIFY_SCORE
        assert remembered.notified_at is None
        assert notices(session, people.buyer) == []


def test_suspending_a_code_turns_a_full_match_into_a_near_miss(app, people, pair):
    demand, listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        code = next(c for c in session.get(type(listing), listing.id).planting_codes if c.kind == "growing_area")
        credentials.change_status(session, code, "suspend", session.get(User, people.staff.id),
                                  reason="Kiểm tra phát hiện sai diện tích")
        session.commit()
        assert state(session, demand.id, listing.id).full  # until the worker has seen the change
        report = matching.follow(session, today, commit=session.commit)
        session.commit()
        assert report.listings >= 1
        assert not state(session, demand.id, listing.id).full
        assert matching.demand_with_full_match(session, today) == (0, 1)
    response = app.test_client().get(f"/api/v1/demand/{demand.id}/matches?lang=en",
                                     headers={"Authorization": f"Bearer {api_token(app, people.buyer)}"})
    found = response.get_json()["matches"]
    assert [(m["listing_id"], m["full"], m["unmet"]) for m in found] == [
        (listing.id, False, ["Planting area code suspended"])]
    with app_session(app) as session:
        # Verified again: a full match again, but both sides were already told of this pair.
        credentials.change_status(session, session.get(type(code), code.id), "verify",
                                  session.get(User, people.staff.id))
        session.commit()
        report = matching.follow(session, today, commit=session.commit)
        assert state(session, demand.id, listing.id).full
        assert report.notified == 0


def test_a_new_listing_makes_a_new_full_match_and_tells_its_club(app, people, pair):
    demand, _listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        newcomer = us_listing(people.other_club, quantity="6000")
        assert state(session, demand.id, newcomer.id) is None
        report = matching.follow(session, today, commit=session.commit)
        session.commit()
        assert state(session, demand.id, newcomer.id).full
        assert report.notified == 3  # the exporter's two buyers and the other club's seller
        assert len(notices(session, people.other_chair)) == 1
        assert len(notices(session, people.buyer)) == 2
        assert len(notices(session, people.chair)) == 1  # the first club hears nothing new


def test_a_listing_that_sells_out_or_changes_variety_is_no_longer_a_full_match(app, people, pair):
    demand, listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        mine = session.get(type(listing), listing.id)
        listings.quick_update(session, mine, quantity="0", today=today)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert not state(session, demand.id, listing.id).full
        listings.quick_update(session, mine, quantity="3000", today=today)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert state(session, demand.id, listing.id).full
        data = listings.ListingInput(product="xoài", variety="Đài Loan", quantity="3000", unit="kg",
                                     price_vnd="38000", available_from=mine.available_from,
                                     available_to=mine.available_to,
                                     planting_code_ids=[c.id for c in mine.planting_codes])
        listings.save_listing(session, mine.organization, data, None, today=today, listing=mine)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert not state(session, demand.id, listing.id).full


def test_a_request_that_changes_or_closes_is_refreshed(app, people, pair):
    demand, listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        post_ = session.get(DemandPost, demand.id)
        data = demand_service.DemandInput(product="xoài", variety="cát Chu", quantity="5", unit="tấn",
                                          needed_from=post_.needed_from, needed_to=post_.needed_to,
                                          export_market="US", required_certificates="globalgap")
        demand_service.save_demand(session, post_.organization, data, None, today=today, demand=post_)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert not state(session, demand.id, listing.id).full
        data.required_certificates = ""
        demand_service.save_demand(session, post_.organization, data, None, today=today, demand=post_)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert state(session, demand.id, listing.id).full
        demand_service.change_status(session, post_, "close", today=today)
        session.commit()
        matching.follow(session, today, commit=session.commit)
        assert not state(session, demand.id, listing.id).full
        assert matching.demand_with_full_match(session, today) == (0, 0)


def test_refresh_recomputes_what_it_is_given(app, people, pair):
    demand, listing = pair
    today = today_in_vietnam()
    with app_session(app) as session:
        report = matching.refresh(session, [("listing", listing.id)], today, notify=False)
        assert (report.listings, report.demand_posts, report.full, report.notified) == (1, 0, 1, 0)
        report = matching.refresh(session, [("demand", demand.id)], today)
        assert (report.listings, report.demand_posts, report.full) == (0, 1, 1)
        report = matching.refresh(session, [("org", people.club.id)], today)
        assert (report.listings, report.demand_posts, report.full) == (1, 0, 1)


def test_once_a_day_everything_is_rematched_because_dates_end_windows(app, people):
    today = today_in_vietnam()
    with app_session(app) as session:
        short = us_listing(people.club, available_to=today + timedelta(days=3))
        demand = us_request(people)
        matching.follow(session, today, commit=session.commit)
        assert state(session, demand.id, short.id).full
        # Nothing changed in the data; four days later the listing's window is over.
        report = matching.follow(session, today + timedelta(days=4), commit=session.commit)
        assert report.demand_posts == 1
        assert not state(session, demand.id, short.id).full
        # And after the request's own window, it no longer counts at all.
        assert matching.demand_with_full_match(session, today + timedelta(days=60)) == (0, 0)


def test_staff_see_how_many_open_requests_have_a_full_match(app, people, pair):
    today = today_in_vietnam()
    with app_session(app) as session:
        make_demand(people.other_org, "sầu riêng", quantity="1", unit="tấn")
        assert matching.demand_with_full_match(session, today) == (1, 2)
    page = text_of(browser(app, people.staff).get("/staff"))
    assert re.search(r'data-testid="matched-demand">[^<]*\b1\b[^<]*\b2\b', page), page


# Hiding a match -----------------------------------------------------------------------------

def api_matches(app, user, path: str) -> list[dict]:
    response = app.test_client().get(path + "?lang=en", headers={"Authorization": f"Bearer {api_token(app, user)}"})
    assert response.status_code == 200
    return response.get_json()["matches"]


def test_each_side_hides_a_match_for_itself_and_can_show_it_again(app, people, pair):
    demand, listing = pair
    card = f'data-testid="match-{demand.id}-{listing.id}"'
    buyer, chair = browser(app, people.buyer), browser(app, people.chair)
    assert card in text_of(buyer.get(f"/demand/{demand.id}"))

    response = post(buyer, f"/matches/{demand.id}/{listing.id}/dismiss", {"next": f"/demand/{demand.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/demand/{demand.id}")
    assert card not in text_of(buyer.get(f"/demand/{demand.id}"))
    assert card not in text_of(buyer.get("/matches"))
    assert card in text_of(chair.get(f"/listings/{listing.id}"))  # the club still sees it
    assert api_matches(app, people.buyer, f"/api/v1/demand/{demand.id}/matches")[0]["dismissed"] is True
    assert api_matches(app, people.chair, f"/api/v1/listings/{listing.id}/matches")[0]["dismissed"] is False
    with app_session(app) as session:
        remembered = state(session, demand.id, listing.id)
        assert remembered.buyer_dismissed_at is not None and remembered.seller_dismissed_at is None

    post(chair, f"/matches/{demand.id}/{listing.id}/dismiss")
    assert card not in text_of(chair.get(f"/listings/{listing.id}"))

    assert post(buyer, f"/matches/{demand.id}/{listing.id}/restore").status_code == 302
    assert card in text_of(buyer.get(f"/demand/{demand.id}"))
    assert card not in text_of(chair.get(f"/listings/{listing.id}"))  # still hidden for the club
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(MatchState)) == 1


def test_only_a_party_to_the_match_can_hide_it(app, people, pair):
    demand, listing = pair
    for user in (people.other_buyer, people.other_chair):
        assert post(browser(app, user), f"/matches/{demand.id}/{listing.id}/dismiss").status_code == 403
    anonymous = app.test_client()
    response = post(anonymous, f"/matches/{demand.id}/{listing.id}/dismiss")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert post(browser(app, people.buyer), f"/matches/{demand.id}/{10**9}/dismiss").status_code == 404
    with app_session(app) as session:
        remembered = state(session, demand.id, listing.id)
        assert remembered.buyer_dismissed_at is None and remembered.seller_dismissed_at is None


def test_hiding_goes_back_only_to_a_page_of_this_site(app, people, pair):
    demand, listing = pair
    response = post(browser(app, people.buyer), f"/matches/{demand.id}/{listing.id}/dismiss",
                    {"next": "//evil.example/phish"})
    assert response.headers["Location"].endswith("/matches")

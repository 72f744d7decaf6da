"""Keeping talk civil: rate limits per user shared by the pages and the API (with the default
budgets: 20 messages a minute, 10 new threads an hour), blocking another organisation from a thread
(neither side can then write or start a thread; unblocking restores it), and reporting a thread to
staff, who see open reports and mark them handled."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.messaging.models import ConversationMessage, ConversationReport, OrganizationBlock
from tests.clients import api_token, app_session, post, text_of
from tests.factories import make_demand, make_listing
from tests.integration.messaging.support import bearer, browser, me

CLOSED = "This conversation is closed: one of the two organisations has blocked the other."
CANNOT = "You cannot write to this organisation: one of you has blocked the other."


def message_count(app) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(ConversationMessage))


# -- rate limits -------------------------------------------------------------------------------------

def test_the_default_budgets(app):
    assert app.config["MESSAGE_RATE_LIMIT"] == "20 per minute;300 per day"
    assert app.config["CONVERSATION_RATE_LIMIT"] == "10 per hour;40 per day"


def test_the_21st_message_in_a_minute_is_refused_on_the_page_and_the_api_alike(app, people, thread):
    page = browser(app, people.buyer)
    api = app.test_client()
    token = bearer(api_token(app, people.buyer))
    for n in range(10):
        assert post(page, f"/inbox/{thread.id}/messages", {"body": f"Trang {n}"}).status_code == 302
        response = api.post(f"/api/v1/conversations/{thread.id}/messages", json={"body": f"API {n}"}, headers=token)
        assert response.status_code == 201
    assert message_count(app) == 21
    refused = post(page, f"/inbox/{thread.id}/messages", {"body": "Thêm nữa"})
    assert refused.status_code == 429
    response = api.post(f"/api/v1/conversations/{thread.id}/messages", json={"body": "Thêm nữa"}, headers=token)
    assert response.status_code == 429
    assert response.is_json and "error" in response.get_json()
    # Starting a thread is a message too.
    with app_session(app):
        other = make_listing(people.club, "bưởi", quantity="300")
    assert post(page, "/conversations/new", {"listing_id": other.id, "body": "Bưởi?"}).status_code == 429
    assert message_count(app) == 21
    # Another member of the same organisation has a budget of their own.
    assert post(browser(app, people.buyer2), f"/inbox/{thread.id}/messages", {"body": "Tôi đây"}).status_code == 302
    assert message_count(app) == 22


def test_the_11th_new_thread_in_an_hour_is_refused(app, people):
    with app_session(app):
        listings = [make_listing(people.club, "xoài", quantity=str(100 + n)) for n in range(12)]
    page = browser(app, people.buyer)
    token = bearer(api_token(app, people.buyer))
    api = app.test_client()
    for n, listing in enumerate(listings[:10]):
        if n % 2:
            response = api.post("/api/v1/conversations", json={"listing_id": listing.id, "body": "Hỏi"}, headers=token)
            assert response.status_code == 201
        else:
            assert post(page, "/conversations/new", {"listing_id": listing.id, "body": "Hỏi"}).status_code == 302
    assert post(page, "/conversations/new", {"listing_id": listings[10].id, "body": "Hỏi"}).status_code == 429
    response = api.post("/api/v1/conversations", json={"listing_id": listings[11].id, "body": "Hỏi"}, headers=token)
    assert response.status_code == 429
    assert message_count(app) == 10
    # Answering in an existing thread is not a new thread.
    with app_session(app) as session:
        conversation_id = session.scalar(select(ConversationMessage.conversation_id).limit(1))
    assert post(page, f"/inbox/{conversation_id}/messages", {"body": "Tiếp"}).status_code == 302
    # And someone else may still start one.
    assert post(browser(app, people.buyer2), "/conversations/new",
                {"listing_id": listings[10].id, "body": "Hỏi"}).status_code == 302


# -- blocking ------------------------------------------------------------------------------------------

def blocks(app) -> list[tuple[int, int]]:
    with app_session(app) as session:
        return [(b.blocker_org_id, b.blocked_org_id) for b in session.scalars(select(OrganizationBlock))]


def block_form_action(page: str) -> str:
    match = re.search(r'<form method="post" action="(/orgs/\d+/(?:block|unblock))">', page)
    assert match, "no block form on the thread page"
    return match.group(1)


def test_blocking_from_the_thread_stops_both_sides_until_unblocked(app, people, thread):
    chair = browser(app, people.chair)
    page = text_of(chair.get(f"/inbox/{thread.id}"))
    assert 'data-testid="block"' in page
    action = block_form_action(page)
    assert action == f"/orgs/{people.buyer_org.id}/block"
    response = post(chair, action, {"next": f"/inbox/{thread.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/inbox/{thread.id}")
    assert blocks(app) == [(people.club.id, people.buyer_org.id)]

    buyer = browser(app, people.buyer)
    page = text_of(buyer.get(f"/inbox/{thread.id}"))
    assert CLOSED in page and 'data-testid="reply-send"' not in page
    for client in (buyer, chair):
        refused = post(client, f"/inbox/{thread.id}/messages", {"body": "Alo?"})
        assert refused.status_code == 422
        assert CLOSED in text_of(refused)
    for user in (people.buyer2, people.seller2):  # the whole organisation, both ways
        response = app.test_client().post(f"/api/v1/conversations/{thread.id}/messages", json={"body": "Alo?"},
                                          headers=bearer(api_token(app, user)))
        assert response.status_code == 409
    assert message_count(app) == 1
    # No new thread either way.
    with app_session(app):
        other = make_listing(people.club, "bưởi", quantity="300")
        demand = make_demand(people.buyer_org, "xoài", user=None)
    refused = post(buyer, "/conversations/new", {"listing_id": other.id, "body": "Bưởi?"})
    assert refused.status_code == 422 and CANNOT in text_of(refused)
    refused = post(browser(app, people.seller2), "/conversations/new", {"demand_id": demand.id, "body": "Có hàng"})
    assert refused.status_code == 422 and CANNOT in text_of(refused)
    assert message_count(app) == 1
    # Other organisations are not affected.
    assert post(browser(app, people.other_buyer), "/conversations/new",
                {"listing_id": other.id, "body": "Bưởi?"}).status_code == 302

    # Unblocking (from the same thread page) restores it.
    page = text_of(chair.get(f"/inbox/{thread.id}"))
    action = block_form_action(page)
    assert action == f"/orgs/{people.buyer_org.id}/unblock"
    assert post(chair, action, {"next": f"/inbox/{thread.id}"}).status_code == 302
    assert blocks(app) == []
    assert post(buyer, f"/inbox/{thread.id}/messages", {"body": "Alo?"}).status_code == 302
    assert post(buyer, "/conversations/new", {"listing_id": other.id, "body": "Bưởi?"}).status_code == 302


def test_blocking_needs_the_csrf_token_and_an_organisation_of_ones_own(app, people, thread):
    chair = browser(app, people.chair)
    assert chair.post(f"/orgs/{people.buyer_org.id}/block").status_code == 400
    assert post(chair, f"/orgs/{people.club.id}/block").status_code == 403  # one's own organisation
    assert post(browser(app, people.loner), f"/orgs/{people.buyer_org.id}/block").status_code == 403
    assert post(chair, "/orgs/999999/block").status_code == 404
    anonymous = post(browser(app), f"/orgs/{people.buyer_org.id}/block")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert blocks(app) == []


def test_blocking_twice_is_one_block_and_an_outside_next_is_ignored(app, people, thread):
    buyer = browser(app, people.buyer)
    response = post(buyer, f"/orgs/{people.club.id}/block", {"next": "//evil.example/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert post(buyer2 := browser(app, people.buyer2), f"/orgs/{people.club.id}/block").status_code == 302
    assert blocks(app) == [(people.buyer_org.id, people.club.id)]
    # The buyer side blocked: the club cannot write either; only the buyer side can unblock.
    assert post(browser(app, people.chair), f"/inbox/{thread.id}/messages", {"body": "?"}).status_code == 422
    post(browser(app, people.chair), f"/orgs/{people.buyer_org.id}/unblock")
    assert blocks(app) == [(people.buyer_org.id, people.club.id)]
    post(buyer2, f"/orgs/{people.club.id}/unblock")
    assert blocks(app) == []


# -- reports -------------------------------------------------------------------------------------------

def open_reports(app) -> list[ConversationReport]:
    with app_session(app) as session:
        return list(session.scalars(select(ConversationReport).where(ConversationReport.resolved_at.is_(None))))


def test_a_report_reaches_staff_who_mark_it_handled(app, people, thread):
    buyer = browser(app, people.buyer)
    assert 'data-testid="report"' in text_of(buyer.get(f"/inbox/{thread.id}"))
    response = post(buyer, f"/inbox/{thread.id}/report", {"reason": "spam", "note": "Quảng cáo liên tục"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/inbox/{thread.id}")
    [report] = open_reports(app)
    assert (report.conversation_id, report.reporter_id, report.reporter_org_id, report.reason, report.note) == (
        thread.id, people.buyer.id, people.buyer_org.id, "spam", "Quảng cáo liên tục")

    staff = browser(app, people.staff)
    page = text_of(staff.get("/admin/reports"))
    assert thread.subject in page and f'href="/inbox/{thread.id}"' in page
    assert "Spam or advertising" in page and people.buyer.name in page and "Quảng cáo liên tục" in page
    assert "Mark as handled" in page
    action = re.search(r'action="(/admin/reports/\d+/resolve)"', page).group(1)
    assert action == f"/admin/reports/{report.id}/resolve"
    assert staff.post(action).status_code == 400  # without the CSRF token
    assert post(staff, action).status_code == 302
    assert open_reports(app) == []
    with app_session(app) as session:
        handled = session.get(ConversationReport, report.id)
        assert handled.resolved_at is not None and handled.resolved_by_id == people.staff.id
    page = text_of(staff.get("/admin/reports"))
    assert "Mark as handled" not in page and "No open report." in page


@pytest.mark.parametrize("who", ["buyer", "chair", "other_buyer", "loner"])
def test_only_staff_see_reports(app, people, thread, who):
    client = browser(app, getattr(people, who))
    assert client.get("/admin/reports").status_code == 403
    with app_session(app) as session:
        report = ConversationReport(conversation_id=thread.id, reporter_id=people.buyer.id, reason="abuse")
        session.add(report)
        session.commit()
    assert post(client, f"/admin/reports/{report.id}/resolve").status_code == 403
    assert len(open_reports(app)) == 1


def test_admins_see_reports_and_anonymous_visitors_sign_in(app, people):
    assert browser(app, people.admin).get("/admin/reports").status_code == 200
    response = browser(app).get("/admin/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_the_parties_report_a_thread(app, people, thread):
    assert post(browser(app, people.other_buyer), f"/inbox/{thread.id}/report", {"reason": "spam"}).status_code == 404
    assert post(browser(app, people.staff), f"/inbox/{thread.id}/report", {"reason": "spam"}).status_code == 403
    # A reason that is not on the list is not a report.
    response = post(browser(app, people.chair), f"/inbox/{thread.id}/report", {"reason": "boring"})
    assert response.status_code == 302
    assert open_reports(app) == []
    assert post(browser(app, people.chair), f"/inbox/{thread.id}/report", {"reason": "fraud"}).status_code == 302
    with app_session(app) as session:
        [report] = session.scalars(select(ConversationReport)).all()
        assert (report.reporter_org_id, report.reason) == (people.club.id, "fraud")
        assert me(session, people.chair).id == report.reporter_id

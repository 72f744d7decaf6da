"""Conversations through the JSON API v1 with bearer tokens: the same rules as the pages (every
acting member of either side reads and answers, staff read as recorded moderators and cannot
write, everyone else gets 404), starting and continuing threads, the errors (401, 403, 404, 409,
422) with nothing stored, and the list with unread counts, unread threads first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.messaging import moderation, reading
from marketplace.messaging.models import Conversation, ConversationMessage, ModerationAccess
from tests.clients import api_token, app_session
from tests.factories import make_demand, make_listing
from tests.integration.messaging.support import bearer, make_people, me, say, start_thread

FIRST = "Chào anh, còn 2 tấn xoài không?"
ROLES = {"buyer": "party", "buyer2": "party", "chair": "party", "seller2": "party", "other_seller": "stranger",
         "other_buyer": "stranger", "staff": "moderator", "admin": "moderator", "loner": "stranger"}
THREAD_KEYS = {"id", "subject", "side", "buyer_org", "seller_org", "listing_id", "demand_id", "offer_id", "unread",
               "last_message_at", "last_message"}
MESSAGE_KEYS = {"id", "body", "author", "org_id", "mine", "created_at"}


@pytest.fixture
def people(app):
    return make_people(app)


@pytest.fixture
def thread(app, people):
    return start_thread(app, people.buyer, FIRST, listing_id=people.listing.id)


def call(app, user, method: str, path: str, json: dict | None = None):
    headers = bearer(api_token(app, user)) if user is not None else {}
    return app.test_client().open(path, method=method, json=json, headers=headers)


def counts(app) -> tuple[int, int]:
    with app_session(app) as session:
        return (session.scalar(select(func.count()).select_from(Conversation)),
                session.scalar(select(func.count()).select_from(ConversationMessage)))


@pytest.mark.parametrize("who, kind", ROLES.items())
def test_who_reads_a_thread(app, people, thread, who, kind):
    user = getattr(people, who)
    response = call(app, user, "GET", f"/api/v1/conversations/{thread.id}")
    with app_session(app) as session:
        logged = session.scalar(select(func.count()).select_from(ModerationAccess)
                                .where(ModerationAccess.staff_user_id == user.id,
                                       ModerationAccess.conversation_id == thread.id))
    if kind == "stranger":
        assert response.status_code == 404
        assert set(response.get_json()) == {"error", "fields"}
        assert logged == 0
        return
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == THREAD_KEYS | {"messages"}
    assert [m["body"] for m in body["messages"]] == [FIRST]
    assert set(body["messages"][0]) == MESSAGE_KEYS
    assert body["buyer_org"] == {"id": people.buyer_org.id, "name": people.buyer_org.name}
    assert body["seller_org"] == {"id": people.club.id, "name": people.club.name}
    if kind == "moderator":
        assert body["side"] is None and body["messages"][0]["mine"] is False
        assert logged == 1
    else:
        side = "buyer" if who.startswith("buyer") else "seller"
        assert body["side"] == side
        assert body["messages"][0]["mine"] is (side == "buyer")
        assert logged == 0


@pytest.mark.parametrize("who, kind", ROLES.items())
def test_who_posts_in_a_thread(app, people, thread, who, kind):
    response = call(app, getattr(people, who), "POST", f"/api/v1/conversations/{thread.id}/messages",
                    {"body": f"Từ {who}"})
    if kind == "party":
        assert response.status_code == 201
        body = response.get_json()
        assert set(body) == MESSAGE_KEYS
        assert body["body"] == f"Từ {who}" and body["mine"] is True
        assert body["org_id"] == (people.buyer_org.id if who.startswith("buyer") else people.club.id)
        assert counts(app) == (1, 2)
    else:
        assert response.status_code == (403 if kind == "moderator" else 404)
        assert counts(app) == (1, 1)


def test_anonymous_callers_are_asked_to_sign_in(app, people, thread):
    assert call(app, None, "GET", "/api/v1/conversations").status_code == 401
    assert call(app, None, "GET", f"/api/v1/conversations/{thread.id}").status_code == 401
    assert call(app, None, "POST", f"/api/v1/conversations/{thread.id}/messages", {"body": "X"}).status_code == 401
    assert call(app, None, "POST", "/api/v1/conversations",
                {"listing_id": people.listing.id, "body": "X"}).status_code == 401
    assert counts(app) == (1, 1)


def test_an_unknown_thread_is_not_found(app, people):
    assert call(app, people.buyer, "GET", "/api/v1/conversations/999999").status_code == 404
    assert call(app, people.buyer, "POST", "/api/v1/conversations/999999/messages", {"body": "X"}).status_code == 404


def test_starting_and_continuing_a_thread(app, people):
    response = call(app, people.buyer, "POST", "/api/v1/conversations",
                    {"listing_id": people.listing.id, "body": f"  {FIRST}  "})
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) == THREAD_KEYS | {"messages"}
    assert created["side"] == "buyer" and created["listing_id"] == people.listing.id
    assert created["subject"] == people.listing.title
    assert [(m["body"], m["mine"]) for m in created["messages"]] == [(FIRST, True)]
    again = call(app, people.buyer2, "POST", "/api/v1/conversations",
                 {"listing_id": people.listing.id, "body": "Hỏi thêm"})
    assert again.status_code == 201
    assert again.get_json()["id"] == created["id"]
    assert [m["body"] for m in again.get_json()["messages"]] == [FIRST, "Hỏi thêm"]
    assert counts(app) == (1, 2)
    with app_session(app) as session:
        assert session.get(Conversation, created["id"]).topic == f"listing:{people.listing.id}"


def test_a_club_answers_a_request_and_talks_about_a_match(app, people):
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=people.buyer)
    answer = call(app, people.chair, "POST", "/api/v1/conversations", {"demand_id": demand.id, "body": "Có hàng"})
    assert answer.status_code == 201
    assert answer.get_json()["side"] == "seller" and answer.get_json()["demand_id"] == demand.id
    match = call(app, people.buyer, "POST", "/api/v1/conversations",
                 {"demand_id": demand.id, "listing_id": people.listing.id, "body": "Khớp"})
    assert match.status_code == 201
    assert match.get_json()["id"] != answer.get_json()["id"]
    with app_session(app) as session:
        assert session.get(Conversation, match.get_json()["id"]).topic == f"match:{demand.id}:{people.listing.id}"


@pytest.mark.parametrize("payload, status, field", [
    ({"listing_id": "LISTING", "body": ""}, 422, "body"),
    ({"listing_id": "LISTING", "body": "   "}, 422, "body"),
    ({"listing_id": "LISTING"}, 422, "body"),
    ({"listing_id": "LISTING", "body": "x" * 4001}, 422, "body"),
    ({"body": "Về cái gì?"}, 422, "listing_id"),
    ({"listing_id": 999999, "body": "Alo"}, 404, None),
    ({"offer_id": 999999, "body": "Alo"}, 404, None),
])
def test_what_a_new_thread_refuses(app, people, payload, status, field):
    payload = {k: (people.listing.id if v == "LISTING" else v) for k, v in payload.items()}
    response = call(app, people.buyer, "POST", "/api/v1/conversations?lang=en", payload)
    assert response.status_code == status
    if field:
        assert list(response.get_json()["fields"]) == [field]
    assert counts(app) == (0, 0)


def test_too_long_is_explained_in_english(app, people):
    response = call(app, people.buyer, "POST", "/api/v1/conversations?lang=en",
                    {"listing_id": people.listing.id, "body": "x" * 4001})
    assert response.get_json()["fields"] == {"body": ["The message is too long (at most 4000 characters)."]}


def test_own_listing_and_no_organisation_are_forbidden(app, people):
    own = call(app, people.chair, "POST", "/api/v1/conversations?lang=en",
               {"listing_id": people.listing.id, "body": "Tự hỏi"})
    assert own.status_code == 403
    assert own.get_json()["error"] == "This is your own organisation's post."
    for who in ("loner", "staff", "admin"):
        response = call(app, getattr(people, who), "POST", "/api/v1/conversations",
                        {"listing_id": people.listing.id, "body": "Cho hỏi"})
        assert response.status_code == 403, who
    assert counts(app) == (0, 0)


def test_an_empty_reply_is_refused(app, people, thread):
    response = call(app, people.chair, "POST", f"/api/v1/conversations/{thread.id}/messages", {"body": " "})
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["body"]
    assert counts(app) == (1, 1)


def test_the_list_counts_unread_and_puts_unread_threads_first(app, people, thread):
    with app_session(app):
        second = make_listing(people.club, "bưởi", quantity="500")
    say(app, people.buyer2, thread.id, "Nhắc lại")
    newer = start_thread(app, people.other_buyer, "Bưởi còn không?", listing_id=second.id)
    chair = api_token(app, people.chair)
    client = app.test_client()
    listed = client.get("/api/v1/conversations", headers=bearer(chair)).get_json()
    assert set(listed) == {"total", "unread", "results"}
    assert (listed["total"], listed["unread"]) == (2, 2)
    assert [(t["id"], t["unread"]) for t in listed["results"]] == [(newer.id, 1), (thread.id, 2)]
    assert set(listed["results"][0]) == THREAD_KEYS
    assert listed["results"][1]["last_message"]["body"] == "Nhắc lại"
    # Reading the newer one (through the API) leaves the older unread one first.
    assert client.get(f"/api/v1/conversations/{newer.id}", headers=bearer(chair)).status_code == 200
    listed = client.get("/api/v1/conversations", headers=bearer(chair)).get_json()
    assert listed["unread"] == 1
    assert [(t["id"], t["unread"]) for t in listed["results"]] == [(thread.id, 2), (newer.id, 0)]
    # Per user: the other seller has read nothing; the buyers see only their own thread, nothing unread.
    with app_session(app) as session:
        assert [t.unread for t in reading.threads_for(session, me(session, people.seller2))] == [1, 2]
    buyer = call(app, people.buyer, "GET", "/api/v1/conversations").get_json()
    assert (buyer["total"], buyer["unread"]) == (1, 0)
    assert [t["side"] for t in buyer["results"]] == ["buyer"]
    for who in ("other_seller", "staff", "loner"):
        assert call(app, getattr(people, who), "GET", "/api/v1/conversations").get_json()["total"] == 0, who


def test_a_blocked_pair_gets_409(app, people, thread):
    with app_session(app) as session:
        moderation.block(session, me(session, people.chair), me(session, people.chair).organization,
                         me(session, people.buyer).organization)
        session.commit()
    response = call(app, people.buyer, "POST", f"/api/v1/conversations/{thread.id}/messages", {"body": "Alo?"})
    assert response.status_code == 409
    response = call(app, people.chair, "POST", f"/api/v1/conversations/{thread.id}/messages", {"body": "Thôi"})
    assert response.status_code == 409
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=people.buyer)
    response = call(app, people.chair, "POST", "/api/v1/conversations", {"demand_id": demand.id, "body": "Có hàng"})
    assert response.status_code == 409
    assert counts(app) == (1, 1)

"""Threads beyond the inbox's page still come first when unread; taps that are not leads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from marketplace.messaging import conversations, leads, reading
from marketplace.messaging.models import ContactEvent, Conversation
from tests.factories import make_listing, make_org, make_user


def test_an_old_unread_thread_is_listed_first_even_past_the_page(session):
    buyer_org = make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    club = make_org("club")
    chair = make_user("seller", club)
    listings = [make_listing(club, "xoài", variety=f"giống {n}") for n in range(4)]
    threads = []
    for n, listing in enumerate(listings):
        topic = conversations.resolve_topic(session, buyer, listing_id=listing.id)
        threads.append(conversations.start_conversation(session, buyer, topic, f"Câu hỏi {n}"))
    # The chair answers the oldest question; then it is made the least recent thread of all.
    conversations.post_message(session, chair, threads[0], "Trả lời")
    threads[0].last_message_at = datetime.now(UTC) - timedelta(days=30)
    session.flush()

    listed = reading.threads_for(session, buyer, limit=2)
    assert listed[0].conversation.id == threads[0].id and listed[0].unread == 1
    assert len(listed) == 3  # the unread one, then the two latest read ones
    assert reading.unread_threads(session, buyer) == 1


def test_a_tap_on_ones_own_number_or_about_someone_elses_listing_is_not_a_lead(session):
    club, other = make_org("club"), make_org("club")
    chair = make_user("seller", club)
    buyer = make_user("buyer", make_org("supermarket"))
    others_listing = make_listing(other, "xoài")
    assert leads.record_contact(session, chair, club, "phone") is None
    event = leads.record_contact(session, buyer, club, "zalo", listing_id=others_listing.id)
    assert event.listing_id is None and event.to_org_id == club.id
    assert session.scalar(select(func.count()).select_from(ContactEvent)) == 1
    assert session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_a_follow_up_in_an_unopened_thread_reaches_the_next_digest(app):
    """The chair reads mail once a day and has not opened the thread: the buyer's second message
    (the next day) must be in the next digest, with its own words."""
    from marketplace.accounts.models import User
    from marketplace.notifications import delivery
    from marketplace.notifications.models import Notification, OutgoingMail
    from tests.clients import app_session

    with app_session(app) as session:
        buyer_org, club = make_org("supermarket"), make_org("club")
        buyer = make_user("buyer", buyer_org)
        chair = make_user("seller", club, email="chair.daily@example.test")
        listing = make_listing(club, "xoài")
        chair_row = session.get(User, chair.id)
        chair_row.mail_notifications, chair_row.digest_sent_at = "daily", datetime.now(UTC) - timedelta(days=2)
        topic = conversations.resolve_topic(session, session.get(User, buyer.id), listing_id=listing.id)
        conversation = conversations.start_conversation(session, session.get(User, buyer.id), topic, "Còn hàng không?")
        session.commit()
        first_digest_at = datetime.now(UTC)
        assert delivery.send_digests(session, first_digest_at, hour=0) == 1  # the question
        session.commit()
        conversations.post_message(session, session.get(User, buyer.id), conversation, "Cho tôi giá 2 tấn nhé")
        session.commit()
        [notice] = session.scalars(select(Notification).where(Notification.user_id == chair.id))
        assert "2 tấn" in json.loads(notice.params)["excerpt"]  # one notice for the thread, saying the latest
        assert delivery.send_digests(session, first_digest_at + timedelta(days=1), hour=0) == 1
        session.commit()
        latest = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == chair.id,
                                                            OutgoingMail.kind == "digest")
                                 .order_by(OutgoingMail.id.desc())).first()
        assert "2 tấn" in latest.body


def test_control_characters_never_reach_the_database(session):
    from marketplace.messaging.rules import clean_body

    assert clean_body("chào\x00 anh\x07\nmai giao\t2 tấn") == ("chào anh\nmai giao\t2 tấn", None)
    assert clean_body("\x00\x01") == ("", "empty")


def test_ids_that_cannot_exist_are_not_found(app, client):
    from tests.clients import app_session, login

    with app_session(app):
        user = make_user("buyer", make_org("supermarket"))
    login(client, user)
    assert client.get("/inbox/99999999999999999999").status_code == 404
    assert client.get("/conversations/new?listing_id=99999999999").status_code == 404
    assert client.get("/api/v1/conversations/99999999999999999999").status_code == 404
    response = client.post("/api/v1/conversations", json={"listing_id": 10**20, "body": "hi"},
                           headers={"X-CSRFToken": ""})
    assert response.status_code in (400, 422)


def test_block_never_redirects_off_the_site(app, client):
    from tests.clients import app_session, login, post

    with app_session(app):
        club = make_org("club")
        buyer = make_user("buyer", make_org("supermarket"))  # commits
    login(client, buyer)
    response = post(client, f"/orgs/{club.id}/block", {"next": "/\t/evil.example"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]

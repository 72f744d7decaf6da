"""Threads beyond the inbox's page still come first when unread; taps that are not leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from marketplace.messaging import services as messaging
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
        topic = messaging.resolve_topic(session, buyer, listing_id=listing.id)
        threads.append(messaging.start_conversation(session, buyer, topic, f"Câu hỏi {n}"))
    # The chair answers the oldest question; then it is made the least recent thread of all.
    messaging.post_message(session, chair, threads[0], "Trả lời")
    threads[0].last_message_at = datetime.now(UTC) - timedelta(days=30)
    session.flush()

    listed = messaging.threads_for(session, buyer, limit=2)
    assert listed[0].conversation.id == threads[0].id and listed[0].unread == 1
    assert len(listed) == 3  # the unread one, then the two latest read ones
    assert messaging.unread_threads(session, buyer) == 1


def test_a_tap_on_ones_own_number_or_about_someone_elses_listing_is_not_a_lead(session):
    club, other = make_org("club"), make_org("club")
    chair = make_user("seller", club)
    buyer = make_user("buyer", make_org("supermarket"))
    others_listing = make_listing(other, "xoài")
    assert messaging.record_contact(session, chair, club, "phone") is None
    event = messaging.record_contact(session, buyer, club, "zalo", listing_id=others_listing.id)
    assert event.listing_id is None and event.to_org_id == club.id
    assert session.scalar(select(func.count()).select_from(ContactEvent)) == 1
    assert session.scalar(select(func.count()).select_from(Conversation)) == 0

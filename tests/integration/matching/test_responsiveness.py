"""Responsiveness measured from conversations: a club that answers buyers' questions within a day
scores higher than one that leaves them unanswered; a club nobody asked is judged by activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.matching.facts import load_listings
from marketplace.messaging import conversations
from marketplace.messaging.models import ConversationMessage
from tests.factories import make_listing, make_org, make_user


def _ask(session, buyer, listing, *, days_ago: float, answer_after: timedelta | None, chair=None):
    topic = conversations.resolve_topic(session, buyer, listing_id=listing.id)
    conversation = conversations.start_conversation(session, buyer, topic, "Còn hàng không?")
    asked = datetime.now(UTC) - timedelta(days=days_ago)
    session.execute(update(ConversationMessage).where(ConversationMessage.conversation_id == conversation.id)
                    .values(created_at=asked))
    if answer_after is not None:
        reply = conversations.post_message(session, chair, conversation, "Còn ạ.")
        reply.created_at = asked + answer_after
    session.flush()


def test_reply_times_decide_responsiveness(session):
    today = today_in_vietnam()
    buyer_org = make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    quick, silent, unasked = make_org("club", name="Nhanh"), make_org("club", name="Im"), make_org("club", name="Mới")
    quick_chair, _silent_chair = make_user("seller", quick), make_user("seller", silent)
    quick_listing, silent_listing = make_listing(quick, "xoài"), make_listing(silent, "xoài", variety="cát Chu")
    unasked_listing = make_listing(unasked, "xoài", variety="Đài Loan")
    _ask(session, buyer, quick_listing, days_ago=5, answer_after=timedelta(hours=2), chair=quick_chair)
    _ask(session, buyer, silent_listing, days_ago=5, answer_after=None)

    facts = {f.id: f for f in load_listings(session, today, ids=[quick_listing.id, silent_listing.id,
                                                                  unasked_listing.id])}
    assert facts[quick_listing.id].responsiveness == 1.0
    assert facts[silent_listing.id].responsiveness == 0.0
    # Nobody asked: judged by activity (the listing was just created, so active).
    assert facts[unasked_listing.id].responsiveness == 1.0


def test_a_thread_the_club_started_says_nothing_about_its_answers(session):
    today = today_in_vietnam()
    buyer_org, club = make_org("supermarket"), make_org("club")
    make_user("buyer", buyer_org)
    chair = make_user("seller", club)
    from tests.factories import make_demand

    demand = make_demand(buyer_org, "xoài")
    listing = make_listing(club, "xoài")
    topic = conversations.resolve_topic(session, chair, demand_id=demand.id)
    conversations.start_conversation(session, chair, topic, "Hội quán có xoài, anh chị cần bao nhiêu?")
    # The club has not touched its listing for two months: by activity it is not responsive.
    session.execute(update(Listing).where(Listing.id == listing.id)
                    .values(updated_at=datetime.now(UTC) - timedelta(days=60)))
    session.flush()
    facts = load_listings(session, today, ids=[listing.id])
    assert facts[0].responsiveness == 0.3  # by activity; its own first message is not a quick answer

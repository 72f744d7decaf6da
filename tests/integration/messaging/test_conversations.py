"""Conversations on the site: who reads and writes a thread (every acting member of either side;
staff read as recorded moderators; everyone else is told it does not exist), starting a thread
from a listing, a request, an offer or a match (asking again continues it), what is refused and
kept, unread counts per user with unread threads first, the header's inbox badge, and message
notices coalesced per thread."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.messaging import reading
from marketplace.messaging.models import Conversation, ConversationMessage, ModerationAccess
from marketplace.notifications import services as notifications
from tests.clients import app_session, post, text_of
from tests.factories import make_demand, make_listing, make_offer
from tests.integration.messaging.support import (
    browser,
    inbox_badge,
    me,
    notices,
    say,
    start_thread,
    thread_ids_in_order,
)

FIRST = "Chào anh, còn 2 tấn xoài không?"
# Who may do what in the thread between the supermarket and the club about the club's listing.
ROLES = {
    "buyer": "party",  # the buyer who started it
    "buyer2": "party",  # every buyer of the supermarket reads and answers
    "chair": "party",
    "seller2": "party",  # every seller of the club likewise
    "other_seller": "stranger",  # a member of another club
    "other_buyer": "stranger",  # a buyer of another organisation
    "staff": "moderator",
    "admin": "moderator",
    "loner": "stranger",  # signed in, acts for no organisation
}


def counts(app) -> tuple[int, int]:
    with app_session(app) as session:
        return (session.scalar(select(func.count()).select_from(Conversation)),
                session.scalar(select(func.count()).select_from(ConversationMessage)))


def moderation_rows(app, user) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(ModerationAccess)
                              .where(ModerationAccess.staff_user_id == user.id))


# -- who reads and writes ------------------------------------------------------------------------

@pytest.mark.parametrize("who, kind", ROLES.items())
def test_who_reads_a_thread(app, people, thread, who, kind):
    user = getattr(people, who)
    client = browser(app, user)
    response = client.get(f"/inbox/{thread.id}")
    page = text_of(response)
    if kind == "stranger":
        assert response.status_code == 404
        assert FIRST not in page and thread.subject not in page
        assert moderation_rows(app, user) == 0
        return
    assert response.status_code == 200
    assert FIRST in page
    note = 'data-testid="moderation-note"' in page
    if kind == "moderator":
        assert note and "You are reading this conversation as staff" in page
        assert 'data-testid="reply-send"' not in page  # no form to write with
        assert moderation_rows(app, user) == 1
        with app_session(app) as session:
            access = session.scalar(select(ModerationAccess).where(ModerationAccess.staff_user_id == user.id))
            assert access.conversation_id == thread.id
    else:
        assert not note
        assert 'data-testid="reply-send"' in page
        assert moderation_rows(app, user) == 0


@pytest.mark.parametrize("who, kind", ROLES.items())
def test_who_posts_in_a_thread(app, people, thread, who, kind):
    user = getattr(people, who)
    client = browser(app, user)
    response = post(client, f"/inbox/{thread.id}/messages", {"body": f"Tin nhắn của {who}"})
    with app_session(app) as session:
        bodies = [m.body for m in reading.messages_of(session, session.get(Conversation, thread.id))]
        authored = session.scalar(select(ConversationMessage).where(ConversationMessage.author_id == user.id))
    if kind == "party":
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/inbox/{thread.id}#latest")
        assert bodies == [FIRST, f"Tin nhắn của {who}"]
        side_org = people.buyer_org if who.startswith("buyer") else people.club
        assert authored.author_org_id == side_org.id
    else:
        assert response.status_code == (403 if kind == "moderator" else 404)
        assert bodies == [FIRST]
        assert authored is None


def test_anonymous_visitors_are_sent_to_sign_in(app, thread):
    client = browser(app)
    response = client.get(f"/inbox/{thread.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = post(client, f"/inbox/{thread.id}/messages", {"body": "Ai đó"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/inbox").status_code == 302
    assert counts(app) == (1, 1)


def test_an_unknown_thread_is_not_found(app, people, thread):
    client = browser(app, people.buyer)
    assert client.get("/inbox/999999").status_code == 404
    assert post(client, "/inbox/999999/messages", {"body": "Alo"}).status_code == 404


def test_the_inbox_lists_a_thread_to_both_sides_only(app, people, thread):
    for who in ("buyer", "buyer2", "chair", "seller2"):
        page = text_of(browser(app, getattr(people, who)).get("/inbox"))
        assert thread_ids_in_order(page) == [thread.id], who
        assert thread.subject in page
    for who in ("other_seller", "other_buyer", "staff", "loner"):
        page = text_of(browser(app, getattr(people, who)).get("/inbox"))
        assert thread_ids_in_order(page) == [], who


# -- starting a thread -----------------------------------------------------------------------------

def test_a_buyer_asks_about_a_listing(app, people):
    client = browser(app, people.buyer)
    form = client.get(f"/conversations/new?listing_id={people.listing.id}")
    assert form.status_code == 200
    assert 'data-testid="about-listing"' in text_of(form)
    response = post(client, "/conversations/new", {"listing_id": people.listing.id, "body": "  " + FIRST + "\r\n"})
    assert response.status_code == 302
    with app_session(app) as session:
        conversation = session.scalar(select(Conversation))
        assert response.headers["Location"].endswith(f"/inbox/{conversation.id}#latest")
        assert (conversation.buyer_org_id, conversation.seller_org_id) == (people.buyer_org.id, people.club.id)
        assert conversation.topic == f"listing:{people.listing.id}"
        assert conversation.listing_id == people.listing.id and conversation.subject == people.listing.title
        assert conversation.started_by_id == people.buyer.id
        assert [m.body for m in conversation.messages] == [FIRST]  # trimmed
        # The club's sellers hear of it; the asker's own side does not.
        for user in (people.chair, people.seller2):
            assert [(n.kind, n.url) for n in notices(session, user)] == [("message", f"/inbox/{conversation.id}")]
        for user in (people.buyer, people.buyer2, people.other_seller, people.staff):
            assert notices(session, user) == []


def test_asking_again_continues_the_same_thread(app, people, thread):
    client = browser(app, people.buyer2)
    form = text_of(client.get(f"/conversations/new?listing_id={people.listing.id}"))
    assert f'href="/inbox/{thread.id}"' in form  # "you already talk about this"
    response = post(client, "/conversations/new", {"listing_id": people.listing.id, "body": "Tôi hỏi thêm"})
    assert response.headers["Location"].endswith(f"/inbox/{thread.id}#latest")
    assert counts(app) == (1, 2)


def test_a_club_answers_a_buyers_request(app, people):
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=people.buyer)
    response = post(browser(app, people.chair), "/conversations/new",
                    {"demand_id": demand.id, "body": "Hội quán có 5 tấn"})
    assert response.status_code == 302
    with app_session(app) as session:
        conversation = session.scalar(select(Conversation))
        assert (conversation.buyer_org_id, conversation.seller_org_id) == (people.buyer_org.id, people.club.id)
        assert conversation.topic == f"demand:{demand.id}" and conversation.demand_id == demand.id
        assert conversation.subject == demand.title
        for user in (people.buyer, people.buyer2):
            assert [n.url for n in notices(session, user, "message")] == [f"/inbox/{conversation.id}"]
    # The buyer's own side cannot "answer" its own request.
    response = post(browser(app, people.buyer2), "/conversations/new", {"demand_id": demand.id, "body": "Tự hỏi"})
    assert response.status_code == 403
    assert counts(app) == (1, 1)


def test_an_offer_is_talked_about_by_its_two_parties_only(app, people):
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=people.buyer)
        offer = make_offer(demand, people.club, "2", user=people.chair)
    response = post(browser(app, people.buyer), "/conversations/new", {"offer_id": offer.id, "body": "Giá bao nhiêu?"})
    assert response.status_code == 302
    response = post(browser(app, people.seller2), "/conversations/new", {"offer_id": offer.id, "body": "38.000 ₫"})
    assert response.status_code == 302
    with app_session(app) as session:
        conversation = session.scalar(select(Conversation))
        assert conversation.topic == f"offer:{offer.id}" and conversation.offer_id == offer.id
        assert (conversation.buyer_org_id, conversation.seller_org_id) == (people.buyer_org.id, people.club.id)
        assert [m.body for m in conversation.messages] == ["Giá bao nhiêu?", "38.000 ₫"]
    for who in ("other_seller", "other_buyer", "loner"):
        response = post(browser(app, getattr(people, who)), "/conversations/new", {"offer_id": offer.id, "body": "X"})
        assert response.status_code == 403, who
    assert counts(app) == (1, 2)


def test_a_match_is_talked_about_from_either_side(app, people):
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=people.buyer)
    ids = {"listing_id": people.listing.id, "demand_id": demand.id}
    assert post(browser(app, people.buyer), "/conversations/new", {**ids, "body": "Khớp rồi"}).status_code == 302
    assert post(browser(app, people.chair), "/conversations/new", {**ids, "body": "Vâng"}).status_code == 302
    with app_session(app) as session:
        conversation = session.scalar(select(Conversation))
        assert conversation.topic == f"match:{demand.id}:{people.listing.id}"
        assert (conversation.listing_id, conversation.demand_id) == (people.listing.id, demand.id)
        assert len(conversation.messages) == 2
    assert post(browser(app, people.other_buyer), "/conversations/new", {**ids, "body": "?"}).status_code == 403
    assert counts(app) == (1, 2)


def test_a_club_cannot_ask_about_its_own_listing(app, people):
    response = post(browser(app, people.chair), "/conversations/new",
                    {"listing_id": people.listing.id, "body": "Tự hỏi mình"})
    assert response.status_code == 403
    assert "This is your own organisation's post." in text_of(response)
    assert counts(app) == (0, 0)


def test_someone_acting_for_no_organisation_cannot_start_a_thread(app, people):
    for who in ("loner", "staff"):
        response = post(browser(app, getattr(people, who)), "/conversations/new",
                        {"listing_id": people.listing.id, "body": "Cho hỏi"})
        assert response.status_code == 403, who
    assert counts(app) == (0, 0)


def test_an_unknown_topic_is_not_found(app, people):
    client = browser(app, people.buyer)
    assert post(client, "/conversations/new", {"listing_id": 999999, "body": "?"}).status_code == 404
    assert client.get("/conversations/new").status_code == 404
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("body", ["", "   \r\n  "])
def test_an_empty_message_is_refused(app, people, body):
    response = post(browser(app, people.buyer), "/conversations/new", {"listing_id": people.listing.id, "body": body})
    assert response.status_code == 422
    assert counts(app) == (0, 0)


def test_a_too_long_message_is_refused_and_kept(app, people):
    typed = "Xoài cát Chu loại một. " * 180  # 4,140 characters
    assert len(typed) > 4000
    response = post(browser(app, people.buyer), "/conversations/new", {"listing_id": people.listing.id, "body": typed})
    assert response.status_code == 422
    page = text_of(response)
    assert typed.strip() in page  # what was typed is still in the form
    assert f'name="listing_id" type="hidden" value="{people.listing.id}"' in page \
        or re.search(rf'name="listing_id"[^>]*value="{people.listing.id}"', page)
    assert counts(app) == (0, 0)
    with app_session(app) as session:
        assert notices(session, people.chair) == []


def test_a_too_long_reply_is_refused_and_kept(app, people, thread):
    typed = "a" * 4001
    response = post(browser(app, people.chair), f"/inbox/{thread.id}/messages", {"body": typed})
    assert response.status_code == 422
    assert typed in text_of(response)
    assert counts(app) == (1, 1)


def test_an_empty_reply_is_refused(app, people, thread):
    response = post(browser(app, people.chair), f"/inbox/{thread.id}/messages", {"body": "  "})
    assert response.status_code == 422
    assert counts(app) == (1, 1)


def test_the_listing_page_offers_to_ask_the_seller_but_not_to_its_own_club(app, people):
    page = text_of(browser(app, people.buyer).get(f"/listings/{people.listing.id}"))
    assert 'data-testid="contact-box"' in page and 'data-testid="ask-send"' in page
    assert f'name="listing_id" value="{people.listing.id}"' in page
    own = text_of(browser(app, people.chair).get(f"/listings/{people.listing.id}"))
    assert 'data-testid="ask-send"' not in own


# -- unread counts -----------------------------------------------------------------------------------

def test_unread_counts_are_per_user_and_only_from_the_other_side(app, people, thread):
    say(app, people.buyer2, thread.id, "Anh ơi trả lời giúp")
    with app_session(app) as session:
        for who, expected in (("chair", 2), ("seller2", 2), ("buyer", 0), ("buyer2", 0)):
            user = getattr(people, who)
            [found] = reading.threads_for(session, me(session, user))
            assert found.unread == expected, who
            assert reading.unread_threads(session, me(session, user)) == (1 if expected else 0), who
    # Reading the thread clears it for the reader only.
    chair = browser(app, people.chair)
    page = text_of(chair.get("/inbox"))
    assert re.search(r'data-testid="unread-count">\s*2 new', page)
    assert inbox_badge(page) == 1
    chair.get(f"/inbox/{thread.id}")
    page = text_of(chair.get("/inbox"))
    assert 'data-testid="unread-count"' not in page and inbox_badge(page) == 0
    with app_session(app) as session:
        assert reading.unread_threads(session, me(session, people.seller2)) == 1
    assert inbox_badge(text_of(browser(app, people.seller2).get("/"))) == 1
    # The chair's answer is unread for both buyers, not for the club.
    say(app, people.chair, thread.id, "Còn, anh cần bao nhiêu?")
    with app_session(app) as session:
        assert [t.unread for t in reading.threads_for(session, me(session, people.buyer))] == [1]
        assert [t.unread for t in reading.threads_for(session, me(session, people.buyer2))] == [1]
        assert [t.unread for t in reading.threads_for(session, me(session, people.chair))] == [0]
        assert [t.unread for t in reading.threads_for(session, me(session, people.seller2))] == [2]  # not 3
    assert inbox_badge(text_of(browser(app, people.buyer).get("/"))) == 1


def test_unread_threads_come_first_in_the_inbox(app, people):
    with app_session(app):
        second = make_listing(people.club, "bưởi", quantity="500")
    older = start_thread(app, people.buyer, listing_id=people.listing.id)
    newer = start_thread(app, people.other_buyer, "Cho hỏi giá bưởi", listing_id=second.id)
    chair = browser(app, people.chair)
    # Both unread: latest first.
    assert thread_ids_in_order(text_of(chair.get("/inbox"))) == [newer.id, older.id]
    chair.get(f"/inbox/{newer.id}")
    page = text_of(chair.get("/inbox"))
    assert thread_ids_in_order(page) == [older.id, newer.id]  # the unread one first, though older
    assert inbox_badge(page) == 1


def test_the_header_badge_counts_unread_threads(app, people, thread):
    with app_session(app):
        second = make_listing(people.club, "bưởi", quantity="500")
    start_thread(app, people.buyer, "Bưởi còn không?", listing_id=second.id)
    say(app, people.buyer, thread.id, "Nhắc lại")
    page = text_of(browser(app, people.seller2).get("/"))
    assert inbox_badge(page) == 2  # threads, not messages
    assert "Inbox: 2 unread" in page
    assert inbox_badge(text_of(browser(app, people.buyer).get("/"))) == 0


def test_message_notices_coalesce_per_thread_and_reading_clears_them(app, people, thread):
    say(app, people.buyer, thread.id, "Tin thứ hai")
    say(app, people.buyer2, thread.id, "Tin thứ ba")
    with app_session(app) as session:
        [notice] = notices(session, people.chair, "message")
        assert notice.read_at is None and notice.url == f"/inbox/{thread.id}"
        assert notifications.unread_count(session, people.chair) == 1
    browser(app, people.chair).get(f"/inbox/{thread.id}")
    with app_session(app) as session:
        assert notices(session, people.chair, "message")[0].read_at is not None
        assert notifications.unread_count(session, people.chair) == 0
        assert notices(session, people.seller2, "message")[0].read_at is None  # theirs is their own
    # Once read, the next message makes a new notice.
    say(app, people.buyer, thread.id, "Tin thứ tư")
    with app_session(app) as session:
        found = notices(session, people.chair, "message")
        assert len(found) == 2 and found[-1].read_at is None
        assert len(notices(session, people.seller2, "message")) == 1


def test_the_bell_describes_a_message_notice(app, people, thread):
    page = text_of(browser(app, people.chair).get("/notifications"))
    assert f"{people.buyer_org.name} wrote about “{thread.subject}”: {FIRST}" in page


def test_the_thread_page_marks_what_the_other_side_has_seen(app, people, thread):
    buyer = browser(app, people.buyer)
    assert 'data-testid="seen"' not in text_of(buyer.get(f"/inbox/{thread.id}"))
    browser(app, people.seller2).get(f"/inbox/{thread.id}")
    assert 'data-testid="seen"' in text_of(buyer.get(f"/inbox/{thread.id}"))


def test_a_message_is_shown_as_text_not_markup(app, people, thread):
    say(app, people.chair, thread.id, '<script>alert("x")</script> <b>đậm</b>')
    raw = browser(app, people.buyer).get(f"/inbox/{thread.id}").get_data(as_text=True)
    assert "<script>alert" not in raw and "<b>đậm</b>" not in raw
    assert "&lt;b&gt;đậm&lt;/b&gt;" in raw


def test_a_draft_listing_is_not_a_topic_for_outsiders(app, people):
    """A draft is private to its club (its page is 404): no thread about it, and nothing of it shown."""
    with app_session(app):
        draft = make_listing(people.club, "sầu riêng", variety="Ri6 bí mật", quantity="777", publish=False)
    client = browser(app, people.buyer)
    assert client.get(f"/listings/{draft.id}").status_code == 404
    response = client.get(f"/conversations/new?listing_id={draft.id}")
    assert response.status_code == 404 and "bí mật" not in text_of(response)
    assert post(client, "/conversations/new", {"listing_id": draft.id, "body": "Cho hỏi"}).status_code == 404
    with app_session(app):
        demand = make_demand(people.buyer_org, "sầu riêng", user=None)
    assert post(client, "/conversations/new", {"listing_id": draft.id, "demand_id": demand.id,
                                               "body": "Cho hỏi"}).status_code == 404
    assert counts(app) == (0, 0)


def test_only_clubs_answer_a_buyers_request(app, people):
    with app_session(app):
        demand = make_demand(people.buyer_org, "xoài", user=None)
    response = post(browser(app, people.other_buyer), "/conversations/new", {"demand_id": demand.id, "body": "Bán?"})
    assert response.status_code == 403
    assert "Only clubs and cooperatives answer a buyer's request." in text_of(response)
    assert post(browser(app, people.other_seller), "/conversations/new",
                {"demand_id": demand.id, "body": "Có dừa"}).status_code == 302
    assert counts(app) == (1, 1)

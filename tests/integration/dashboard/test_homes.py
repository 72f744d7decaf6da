"""The signed-in home per role: the main action first, what waits for the person's answer, their
listings or requests, their matches (staff: their queues) — and nothing of another organisation."""

from __future__ import annotations

import pytest

from marketplace.credentials.models import Certificate
from marketplace.dates import today_in_vietnam
from marketplace.matching.models import MatchState
from marketplace.messaging.models import Conversation, ConversationMessage
from marketplace.orders import lifecycle as orders
from tests.clients import app_session, signed_in, text_of
from tests.factories import make_certificate, make_demand, make_listing, make_market, make_offer, make_org, make_user


@pytest.fixture
def market(app):
    """A club selling mango to a supermarket (an order waits for the club, an offer for the
    supermarket, a message for the club, a full match for both), and a second club and buyer whose
    rows must never show on the first ones' homes."""
    with app_session(app) as session:
        m = make_market("HQ Xoài Nhà", "Siêu thị Nhà")
        today = today_in_vietnam()
        post = make_demand(m.buyer_org, "xoài", quantity="2", unit="tấn")
        offer = make_offer(post, m.club, "1")
        order = orders.place_order(session, m.listing.id, m.buyer_org, m.buyer, "10", today=today)
        conversation = Conversation(
            buyer_org_id=m.buyer_org.id,
            seller_org_id=m.club.id,
            topic=f"listing:{m.listing.id}",
            subject="Hỏi giá xoài nhà",
            listing_id=m.listing.id,
        )
        session.add(conversation)
        session.flush()
        session.add(
            ConversationMessage(
                conversation_id=conversation.id,
                author_org_id=m.buyer_org.id,
                author_id=m.buyer.id,
                body="Giá bao nhiêu?",
            )
        )
        session.add(MatchState(demand_id=post.id, listing_id=m.listing.id, full=True, score=91))
        other_club = make_org("club", name="HQ Người Khác")
        other_shop = make_org("supermarket", name="Siêu thị Người Khác")
        make_user("seller", other_club)
        make_listing(other_club, "sầu riêng", publish=False)
        other_post = make_demand(other_shop, "nhãn", quantity="9", unit="tấn")
        make_certificate(other_club, status="pending")
        session.commit()
        staff = make_user("staff")
        return m, post, offer, order, conversation, staff, other_post


def test_chair_home(app, market):
    m, post, offer, order, conversation, *_ = market
    page = signed_in(app, m.seller).get("/")
    text = text_of(page)
    html = page.get_data(as_text=True)
    # The main action first, straight to the club's listing form.
    assert html.index('data-testid="home-sell"') < html.index('data-testid="home-waiting"')
    assert f'href="/listings/new?org={m.club.id}" data-testid="home-sell"' in html
    assert f'data-testid="waiting-order-{order.id}"' in html  # a request to confirm
    assert f'data-testid="waiting-thread-{conversation.id}"' in html and "Hỏi giá xoài nhà" in text
    assert 'data-testid="home-listings"' in html and f"/listings/{m.listing.id}" in html
    assert 'data-testid="home-matches"' in html and "Siêu thị Nhà" in text
    assert 'data-testid="home-requests"' not in html and 'data-testid="home-queues"' not in html
    # Nothing of the other club (its draft) and no offer made by this club listed as waiting for it.
    assert "sầu riêng" not in text.lower() and "HQ Người Khác" not in text
    assert f'data-testid="waiting-offer-{offer.id}"' not in html


def test_buyer_home(app, market):
    m, post, offer, order, conversation, *_ = market
    page = signed_in(app, m.buyer).get("/")
    text, html = text_of(page), page.get_data(as_text=True)
    assert f'href="/demand/new?org={m.buyer_org.id}" data-testid="home-buy"' in html
    assert f'data-testid="waiting-offer-{offer.id}"' in html and "HQ Xoài Nhà" in text
    assert f'data-testid="waiting-order-{order.id}"' not in html  # a request waits for the seller
    assert f'data-testid="waiting-thread-{conversation.id}"' not in html  # the buyer wrote it
    assert 'data-testid="home-requests"' in html and f"/demand/{post.id}" in html
    assert 'data-testid="home-listings"' not in html and 'data-testid="home-sell"' not in html
    mine = html[html.index('data-testid="home-requests"') :]
    assert f"/demand/{market[-1].id}" not in mine[: mine.index("</section>")]  # another buyer's request
    assert "Siêu thị Người Khác" not in text


def test_staff_home_lists_the_queues(app, market):
    *_, staff, _ = market
    page = signed_in(app, staff).get("/")
    html = page.get_data(as_text=True)
    with app_session(app) as session:
        pending = session.query(Certificate).filter_by(status="pending").count()
    assert 'data-testid="home-queues"' in html and 'data-testid="home-verify"' in html
    assert f'data-testid="queue-credentials">{pending}<' in html
    assert 'data-testid="home-waiting"' in html and 'data-testid="home-listings"' not in html


def test_signed_out_home_is_the_public_one(app, market):
    page = signed_in(app).get("/")
    html = page.get_data(as_text=True)
    assert 'data-testid="home-search"' in html and 'data-testid="home-waiting"' not in html


def test_a_person_without_organisation_is_sent_to_create_one(app):
    with app_session(app):
        loner = make_user(None)
    html = signed_in(app, loner).get("/").get_data(as_text=True)
    assert 'href="/account"' in html and 'data-testid="home-sell"' not in html

"""The issue's done-when: a buyer asks about a listing on a desktop, the club chair answers from a
phone (the notice, then the answer: two taps), and the buyer sees the answer, marked as seen. A tap
on the seller's Zalo link is counted as a contact."""

from __future__ import annotations

import itertools
import os
import re
import time
from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from marketplace import db
from marketplace.messaging.models import ContactEvent, Conversation, ConversationMessage
from marketplace.notifications import delivery
from tests.browser.signing import sign_in
from tests.factories import make_listing, make_org, make_user

PHONE_WIDTH = 360
_serial = itertools.count(1)


@dataclass(frozen=True)
class Market:
    buyer_email: str
    buyer_org_id: int
    buyer_org_name: str
    chair_email: str
    chair_phone: str
    club_id: int
    club_name: str
    listing_id: int


def make_market(app: Flask) -> Market:
    """A club whose chair has a phone and an e-mail, with a published listing, and a supermarket
    with a buyer: committed, unique per test (the live database is shared by the session)."""
    n = next(_serial)
    stamp = f"{os.getpid() % 10000:04d}{n:04d}"
    phone = f"03{stamp}"  # a mobile number no other browser test uses (they start with 09)
    with app.app_context():
        club = make_org("club", name=f"Hội quán Xoài Mỹ Xương hỏi đáp {stamp}", phone=phone)
        chair = make_user("seller", club, name=f"Chủ nhiệm Hội quán {stamp}", email=f"chair.{stamp}@example.test",
                          phone=phone)
        listing = make_listing(club, "xoài", variety="cát Chu", quantity="2000", price_vnd="40000",
                               description=f"Lô hỏi đáp {stamp}")
        market = make_org("supermarket", name=f"Siêu thị Xanh hỏi đáp {stamp}")
        buyer = make_user("buyer", market, name=f"Người mua {stamp}", email=f"buyer.{stamp}@example.test")
        return Market(buyer.email, market.id, market.name, chair.email, phone, club.id, club.name, listing.id)


def badge(page: Page, test_id: str):
    """The unread count beside the inbox link or the bell (absent when nothing is unread)."""
    return page.get_by_test_id(test_id).locator(".bell-count")


def test_a_buyer_asks_on_a_desktop_the_chair_answers_from_a_phone(desktop_page: Page, phone_page: Page,
                                                                   live_app: Flask) -> None:
    buyer_page, chair_page = desktop_page, phone_page
    market = make_market(live_app)
    outbox = live_app.extensions["mailer"].outbox
    question = "Chào anh, hội quán giao được 500 kg xoài cát Chu mỗi tuần về kho Cao Lãnh không?"
    answer = "Dạ được, giao thứ Hai hằng tuần, giá 40.000 đ/kg."

    # The buyer asks from the listing page on a desktop and lands on the thread.
    sign_in(buyer_page, market.buyer_email)
    buyer_page.goto(f"/listings/{market.listing_id}")
    box = buyer_page.get_by_test_id("contact-box")
    expect(box).to_be_visible()
    box.get_by_test_id("ask-body").fill(question)
    box.get_by_test_id("ask-send").click()
    expect(buyer_page).to_have_url(re.compile(r"/inbox/\d+(#latest)?$"))
    conversation_id = int(re.search(r"/inbox/(\d+)", buyer_page.url).group(1))
    messages = buyer_page.get_by_test_id("messages").get_by_test_id("message")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text(question)
    expect(buyer_page.get_by_test_id("seen")).to_have_count(0)  # nobody at the club has read it yet
    with live_app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        assert (conversation.buyer_org_id, conversation.seller_org_id, conversation.listing_id) == \
            (market.buyer_org_id, market.club_id, market.listing_id)

    # The worker's mail step sends the chair a mail that links to the thread.
    assert not [m for m in outbox if m.to == market.chair_email], "mail went out before the worker ran"
    with live_app.app_context():
        delivery.deliver_due(db.session, commit=db.session.commit)
    mails = [m for m in outbox if m.to == market.chair_email]
    assert len(mails) == 1, f"the chair got {len(mails)} mails"
    assert re.search(rf"https?://\S+/inbox/{conversation_id}(?![0-9])", mails[0].body), mails[0].body
    assert question in mails[0].body and market.buyer_org_name in mails[0].subject
    assert "List-Unsubscribe" in dict(mails[0].headers)

    # The chair signs in on a phone: the inbox link and the bell both say one unread.
    sign_in(chair_page, market.chair_email)
    expect(badge(chair_page, "inbox-link")).to_have_text("1")
    expect(badge(chair_page, "bell")).to_have_text("1")
    chair_page.get_by_test_id("bell").tap()
    expect(chair_page).to_have_url(re.compile(r"/notifications$"))
    assert chair_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, \
        "the notifications scroll sideways on a 360-px phone"

    # Two taps: the notice, then Send.
    chair_page.get_by_test_id("notifications").get_by_role("button", name=re.compile(
        re.escape(market.buyer_org_name))).tap()
    expect(chair_page).to_have_url(re.compile(rf"/inbox/{conversation_id}(#latest)?$"))
    expect(chair_page.get_by_test_id("message").first).to_contain_text(question)
    chair_page.locator("form.reply textarea[name=body]").fill(answer)
    chair_page.get_by_test_id("reply-send").tap()
    expect(chair_page).to_have_url(re.compile(rf"/inbox/{conversation_id}(#latest)?$"))
    chair_messages = chair_page.get_by_test_id("message")
    expect(chair_messages).to_have_count(2)
    expect(chair_messages.last).to_contain_text(answer)
    assert chair_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, \
        "the thread scrolls sideways on a 360-px phone"
    expect(badge(chair_page, "inbox-link")).to_have_count(0)
    expect(badge(chair_page, "bell")).to_have_count(0)

    # The buyer reloads: one unread thread, the answer in it, and the question marked as seen.
    buyer_page.goto("/inbox")
    expect(badge(buyer_page, "inbox-link")).to_have_text("1")
    thread = buyer_page.get_by_test_id(f"thread-{conversation_id}")
    expect(thread.get_by_test_id("unread-count")).to_be_visible()
    expect(thread).to_contain_text(answer)
    thread.get_by_role("link").first.click()
    expect(buyer_page).to_have_url(re.compile(rf"/inbox/{conversation_id}(#latest)?$"))
    expect(messages).to_have_count(2)
    expect(messages.last).to_contain_text(answer)
    expect(messages.first.get_by_test_id("seen")).to_be_visible()
    expect(buyer_page.get_by_test_id("seen")).to_have_count(1)  # only the buyer's own message
    expect(badge(buyer_page, "inbox-link")).to_have_count(0)
    with live_app.app_context():
        bodies = db.session.scalars(select(ConversationMessage.body)
                                    .where(ConversationMessage.conversation_id == conversation_id)
                                    .order_by(ConversationMessage.id)).all()
        assert bodies == [question, answer]

    assert not buyer_page.js_errors and not chair_page.js_errors


def test_a_tap_on_the_zalo_link_is_counted_as_a_contact(phone_page: Page, live_app: Flask) -> None:
    page = phone_page
    market = make_market(live_app)
    zalo_url = f"https://zalo.me/{market.chair_phone}"
    opened: list[str] = []

    def zalo_stub(route: Route) -> None:  # never leave the machine
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Zalo</title>")

    page.context.route("https://zalo.me/**", zalo_stub)
    sign_in(page, market.buyer_email)
    page.goto(f"/listings/{market.listing_id}")
    expect(page.get_by_test_id("call-link")).to_have_attribute("href", f"tel:{market.chair_phone}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, \
        "the listing page with its contact box scrolls sideways on a 360-px phone"
    zalo = page.get_by_test_id("zalo-link")
    expect(zalo).to_have_attribute("href", zalo_url)
    with page.context.expect_page() as new_tab:
        zalo.tap()
    new_tab.value.close()
    assert opened == [zalo_url]

    # sendBeacon is asynchronous: wait a few seconds for the row.
    deadline = time.monotonic() + 5
    while True:
        with live_app.app_context():
            events = db.session.scalars(select(ContactEvent).where(ContactEvent.to_org_id == market.club_id)).all()
            rows = [(e.channel, e.from_org_id, e.listing_id) for e in events]
        if rows or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows == [("zalo", market.buyer_org_id, market.listing_id)]
    assert not page.js_errors

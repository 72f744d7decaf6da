"""The people of the conversation tests, and small helpers shared by the messaging, alerts and
API tests.

A supermarket (the buyer organisation B) with two buyers, a mango club (C) with two sellers and a
published listing, another club, another buyer organisation, staff, an admin and a user who acts
for no organisation. Data is made in app_session blocks and requests are made outside them, each
user with a client of their own (tests.clients.app_session).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from sqlalchemy import select

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.messaging import conversations
from marketplace.messaging.models import Conversation
from marketplace.notifications.models import Notification, OutgoingMail
from tests.clients import app_session, signed_in
from tests.factories import make_listing, make_org, make_user

BUYER_ORG = "Siêu thị Thử Tin Nhắn"
CLUB = "Hội quán Xoài Thử Tin Nhắn"
CLUB_PHONE = "0909123456"


def browser(app, user=None, lang: str = "en"):
    """A new test client (one browser), signed in as user if given, reading pages in lang
    (English by default: these tests read English text)."""
    return signed_in(app, user, lang)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


_HASHES: dict[str, str] = {}


@contextmanager
def quick_hashing() -> Iterator[None]:
    """Hash each test password once per run: a dozen Argon2 hashes per test add up on a small machine."""
    original = accounts.hash_password

    def cached(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = original(password)
        return _HASHES[password]

    accounts.hash_password = cached
    try:
        yield
    finally:
        accounts.hash_password = original


def me(session, user) -> User:
    """user as loaded by this session (the people are made in another one)."""
    return session.get(User, user.id)


def make_people(app) -> SimpleNamespace:
    with app_session(app) as session, quick_hashing():
        buyer_org = make_org("supermarket", name=BUYER_ORG, phone="0283123456")
        buyer = make_user("buyer", buyer_org, name="Anh Mua")
        buyer2 = make_user("buyer", buyer_org, name="Chị Mua Hai")
        club = make_org("club", name=CLUB, phone=CLUB_PHONE)
        chair = make_user("seller", club, name="Chủ nhiệm Ba")
        seller2 = make_user("seller", club, name="Phó chủ nhiệm Tư")
        other_club = make_org("club", name="Hội quán Dừa Khác")
        other_seller = make_user("seller", other_club, name="Chủ nhiệm Khác")
        other_org = make_org("supermarket", name="Siêu thị Khác")
        other_buyer = make_user("buyer", other_org, name="Người mua khác")
        staff = make_user("staff", name="Nhân viên")
        admin = make_user("admin", name="Quản trị")
        loner = make_user(None, name="Người lẻ")
        listing = make_listing(club, "xoài", variety="cát Chu", quantity="2000")
        session.commit()
    return SimpleNamespace(buyer_org=buyer_org, buyer=buyer, buyer2=buyer2, club=club, chair=chair,
                           seller2=seller2, other_club=other_club, other_seller=other_seller, other_org=other_org,
                           other_buyer=other_buyer, staff=staff, admin=admin, loner=loner, listing=listing)


def start_thread(app, user, body: str = "Chào anh, còn 2 tấn xoài không?", **topic_ids) -> Conversation:
    """A committed thread started by user through the service (as the page would)."""
    with app_session(app) as session:
        asker = session.get(User, user.id)
        topic = conversations.resolve_topic(session, asker, **topic_ids)
        conversation = conversations.start_conversation(session, asker, topic, body)
        session.commit()
        return conversation


def say(app, user, conversation_id: int, body: str) -> int:
    """A committed message by user in the thread; returns its id."""
    with app_session(app) as session:
        message = conversations.post_message(session, session.get(User, user.id),
                                             session.get(Conversation, conversation_id), body)
        session.commit()
        return message.id


def set_user(app, user, **fields) -> None:
    with app_session(app) as session:
        row = session.get(User, user.id)
        for name, value in fields.items():
            setattr(row, name, value)
        session.commit()


def notices(session, user, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(session.scalars(stmt.order_by(Notification.id)))


def queued(session, user=None, kind: str | None = None) -> list[OutgoingMail]:
    stmt = select(OutgoingMail)
    if user is not None:
        stmt = stmt.where(OutgoingMail.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(OutgoingMail.kind == kind)
    return list(session.scalars(stmt.order_by(OutgoingMail.id)))


def inbox_badge(page: str) -> int:
    """The number on the header's inbox link (0 when it shows none)."""
    match = re.search(r'data-testid="inbox-link"[^>]*>(.*?)</a>', page, re.S)
    assert match, "no inbox link in the header"
    count = re.search(r'<span class="badge[^"]*"[^>]*>\s*(\d+)\s*</span>', match.group(1))
    return int(count.group(1)) if count else 0


def thread_ids_in_order(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="thread-(\d+)"', page)]

"""Opening a conversation between a buyer and a seller organisation and writing in it: who speaks
for which side, what a new thread is about (`resolve_topic`), starting or continuing it, posting a
message (the other side is told through marketplace.notifications) and marking the thread read for
the writer. A block between the two sides (moderation.py) stops both.

Services take the session, flush, and never commit; the view or the worker commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, column, func, or_, select, table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.db import utcnow
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing
from marketplace.messaging import rules
from marketplace.messaging.models import Conversation, ConversationMessage, ConversationRead, OrganizationBlock
from marketplace.notifications.models import Notification
from marketplace.notifications.services import Message, members, notify

EXCERPT_LENGTH = 140


class ConversationError(Exception):
    """Why a thread cannot be opened or a message not sent; `code` picks the person's message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def memberships_of(user: User) -> list[tuple[int, str]]:
    return [(m.organization_id, m.role) for m in user.memberships]


def side_of(user: User, conversation: Conversation) -> str | None:
    return rules.side_of(memberships_of(user), rules.Sides(conversation.buyer_org_id, conversation.seller_org_id))


def acting_org(user: User, exclude: int | None = None,
               roles: frozenset[str] = rules.ACTING_ROLES) -> Organization | None:
    """The organisation the user speaks for (the first where they have one of `roles`), not `exclude`."""
    for membership in user.memberships:
        if membership.role in roles and membership.organization_id != exclude:
            return membership.organization
    return None


def is_blocked(db: Session, org_a: int, org_b: int) -> bool:
    """Either organisation blocked the other."""
    return db.scalar(select(OrganizationBlock.id).where(or_(
        and_(OrganizationBlock.blocker_org_id == org_a, OrganizationBlock.blocked_org_id == org_b),
        and_(OrganizationBlock.blocker_org_id == org_b, OrganizationBlock.blocked_org_id == org_a))).limit(1)) \
        is not None


@dataclass(frozen=True)
class Topic:
    """What a new thread is about, resolved to the two sides."""

    sides: rules.Sides
    key: str
    subject: str
    listing_id: int | None = None
    demand_id: int | None = None
    offer_id: int | None = None


def resolve_topic(db: Session, user: User, *, listing_id: int | None = None, demand_id: int | None = None,
                  offer_id: int | None = None) -> Topic:
    """Who talks to whom about what. Raises ConversationError("not_found" | "forbidden" | "own")."""
    key = rules.topic_of(listing_id=listing_id, demand_id=demand_id, offer_id=offer_id)
    if offer_id is not None:
        offer = db.get(Offer, offer_id)
        if offer is None:
            raise ConversationError("not_found")
        sides = rules.Sides(offer.demand.organization_id, offer.organization_id)
        if rules.side_of(memberships_of(user), sides) is None:
            raise ConversationError("forbidden")  # only the two parties to an offer talk about it
        return Topic(sides, key, offer.demand.title,
                     listing_id=offer.listing_id, demand_id=offer.demand_id, offer_id=offer.id)
    listing = db.get(Listing, listing_id) if listing_id is not None else None
    demand = db.get(DemandPost, demand_id) if demand_id is not None else None
    if (listing_id is not None and listing is None) or (demand_id is not None and demand is None):
        raise ConversationError("not_found")
    if listing is not None and listing.status == "draft" and not any(
            org == listing.organization_id for org, _role in memberships_of(user)):
        raise ConversationError("not_found")  # a draft is private to its club
    if listing is not None and demand is not None:  # a match: either side may start
        sides = rules.Sides(demand.organization_id, listing.organization_id)
        if rules.side_of(memberships_of(user), sides) is None:
            raise ConversationError("forbidden")
        return Topic(sides, key, listing.title, listing_id=listing.id, demand_id=demand.id)
    if listing is not None:  # someone asks a seller about a listing
        asker = acting_org(user, exclude=listing.organization_id)
        if asker is None:
            raise ConversationError("own" if acting_org(user) is not None else "forbidden")
        return Topic(rules.Sides(asker.id, listing.organization_id), key, listing.title, listing_id=listing.id)
    asker = acting_org(user, exclude=demand.organization_id, roles=frozenset({"seller"}))  # a club answers
    if asker is None:
        raise ConversationError("own" if acting_org(user, roles=frozenset({"seller"})) is not None
                                else "sellers_only")
    return Topic(rules.Sides(demand.organization_id, asker.id), key, demand.title, demand_id=demand.id)


def start_conversation(db: Session, user: User, topic: Topic, body: str, *, fair_id: int | None = None) -> Conversation:
    """Open the thread (or continue the one already about this) and post the first message;
    `fair_id`: the fair whose catalog it was opened from (kept on a new thread when the fair exists)."""
    text, problem = rules.clean_body(body)
    if problem:
        raise ConversationError(problem)
    sides = topic.sides
    if is_blocked(db, sides.buyer_org_id, sides.seller_org_id):
        raise ConversationError("blocked")
    conversation = find_conversation(db, topic)
    if conversation is None:
        conversation = Conversation(buyer_org_id=sides.buyer_org_id, seller_org_id=sides.seller_org_id,
                                    topic=topic.key, subject=topic.subject[:200], listing_id=topic.listing_id,
                                    demand_id=topic.demand_id, offer_id=topic.offer_id, started_by_id=user.id,
                                    fair_id=fair_id if fair_exists(db, fair_id) else None)
        try:
            with db.begin_nested():  # two first questions at once: the second continues the first's thread
                db.add(conversation)
        except IntegrityError:
            conversation = find_conversation(db, topic)
            if conversation is None:
                raise
    post_message(db, user, conversation, text)
    return conversation


_FAIRS = table("fairs", column("id"))  # the fairs package sits above messaging: its table, not its model


def fair_exists(db: Session, fair_id: int | None) -> bool:
    """A fair a thread or a contact tap may name as its source."""
    return fair_id is not None and db.scalar(select(_FAIRS.c.id).where(_FAIRS.c.id == fair_id)) is not None


def find_conversation(db: Session, topic: Topic) -> Conversation | None:
    return db.scalar(select(Conversation).where(Conversation.buyer_org_id == topic.sides.buyer_org_id,
                                                Conversation.seller_org_id == topic.sides.seller_org_id,
                                                Conversation.topic == topic.key))


def post_message(db: Session, user: User, conversation: Conversation, body: str) -> ConversationMessage:
    """Add a message from the user's side; notify the other side (once per unread thread)."""
    side = side_of(user, conversation)
    if side is None:
        raise ConversationError("forbidden")
    text, problem = rules.clean_body(body)
    if problem:
        raise ConversationError(problem)
    if is_blocked(db, conversation.buyer_org_id, conversation.seller_org_id):
        raise ConversationError("blocked")
    author_org = conversation.buyer_org_id if side == "buyer" else conversation.seller_org_id
    message = ConversationMessage(conversation=conversation, author_id=user.id, author_org_id=author_org, body=text)
    db.add(message)
    conversation.last_message_at = utcnow()
    db.flush()
    mark_thread_read(db, user, conversation)
    other_org = conversation.seller_org if side == "buyer" else conversation.buyer_org
    sender_org = conversation.buyer_org if side == "buyer" else conversation.seller_org
    readers = [u for u in members(db, other_org.id, rules.ACTING_ROLES) if u.id != user.id]
    excerpt = text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1].rstrip() + "…"
    params = {"org": sender_org.name, "subject": conversation.subject, "excerpt": excerpt,
              "conversation": conversation.id}
    notify(db, readers, Message("message", params, f"/inbox/{conversation.id}"),
           subject=lambda _user, p=params: _("New message from %(org)s: %(subject)s", **p),
           body=lambda _user, p=params, full=text: _("%(org)s wrote about “%(subject)s”:", **p)
           + "\n\n" + full + "\n\n" + _("Answer here:"),
           coalesce=True)
    return message


def mark_thread_read(db: Session, user: User, conversation: Conversation) -> None:
    """Everything in the thread up to now is read for this user, and so are its notices."""
    last = db.scalar(select(func.max(ConversationMessage.id))
                     .where(ConversationMessage.conversation_id == conversation.id)) or 0
    read = db.get(ConversationRead, (conversation.id, user.id))
    if read is None:
        db.add(ConversationRead(conversation_id=conversation.id, user_id=user.id, last_read_message_id=last))
    elif read.last_read_message_id < last:
        read.last_read_message_id, read.read_at = last, utcnow()
    db.execute(update(Notification).where(Notification.user_id == user.id, Notification.kind == "message",
                                          Notification.url == f"/inbox/{conversation.id}",
                                          Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.flush()

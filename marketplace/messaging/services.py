"""Letting people talk: conversations between a buyer and a seller organisation (each message
tells the other side through marketplace.notifications), contact taps, blocks, reports, and the
counts staff report.

Services take the session, flush, and never commit; the view or the worker commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, Organization, User
from marketplace.db import utcnow
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing
from marketplace.messaging import rules
from marketplace.messaging.models import (
    ContactEvent,
    Conversation,
    ConversationMessage,
    ConversationRead,
    ConversationReport,
    ModerationAccess,
    OrganizationBlock,
)
from marketplace.notifications.models import Notification
from marketplace.notifications.services import Message, members, notify
from marketplace.vietnamese import clean_message

EXCERPT_LENGTH = 140




# -- conversations ----------------------------------------------------------------------------

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

    buyer_org_id: int
    seller_org_id: int
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
        return Topic(sides.buyer_org_id, sides.seller_org_id, key, offer.demand.title,
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
        return Topic(sides.buyer_org_id, sides.seller_org_id, key, listing.title, listing_id=listing.id,
                     demand_id=demand.id)
    if listing is not None:  # someone asks a seller about a listing
        asker = acting_org(user, exclude=listing.organization_id)
        if asker is None:
            raise ConversationError("own" if acting_org(user) is not None else "forbidden")
        return Topic(asker.id, listing.organization_id, key, listing.title, listing_id=listing.id)
    asker = acting_org(user, exclude=demand.organization_id, roles=frozenset({"seller"}))  # a club answers
    if asker is None:
        raise ConversationError("own" if acting_org(user, roles=frozenset({"seller"})) is not None
                                else "sellers_only")
    return Topic(demand.organization_id, asker.id, key, demand.title, demand_id=demand.id)


def start_conversation(db: Session, user: User, topic: Topic, body: str) -> Conversation:
    """Open the thread (or continue the one already about this) and post the first message."""
    text, problem = rules.clean_body(body)
    if problem:
        raise ConversationError(problem)
    if is_blocked(db, topic.buyer_org_id, topic.seller_org_id):
        raise ConversationError("blocked")
    conversation = find_conversation(db, topic)
    if conversation is None:
        conversation = Conversation(buyer_org_id=topic.buyer_org_id, seller_org_id=topic.seller_org_id,
                                    topic=topic.key, subject=topic.subject[:200], listing_id=topic.listing_id,
                                    demand_id=topic.demand_id, offer_id=topic.offer_id, started_by_id=user.id)
        try:
            with db.begin_nested():  # two first questions at once: the second continues the first's thread
                db.add(conversation)
        except IntegrityError:
            conversation = find_conversation(db, topic)
            if conversation is None:
                raise
    post_message(db, user, conversation, text)
    return conversation


def find_conversation(db: Session, topic: Topic) -> Conversation | None:
    return db.scalar(select(Conversation).where(Conversation.buyer_org_id == topic.buyer_org_id,
                                                Conversation.seller_org_id == topic.seller_org_id,
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


@dataclass
class Thread:
    conversation: Conversation
    unread: int
    last: ConversationMessage | None


def _party_filter(user: User):
    buyer_orgs = [org for org, role in memberships_of(user) if role in rules.ACTING_ROLES]
    return or_(Conversation.buyer_org_id.in_(buyer_orgs), Conversation.seller_org_id.in_(buyer_orgs))


def _unread_counts(db: Session, user: User, conversation_ids) -> dict[int, int]:
    """Unread messages per thread for this user; `conversation_ids` is a list or a select of ids."""
    if isinstance(conversation_ids, list) and not conversation_ids:
        return {}
    read_upto = func.coalesce(ConversationRead.last_read_message_id, 0)
    # Messages from the other side only: what a colleague of the reader wrote is not news to them.
    own_orgs = [org for org, role in memberships_of(user) if role in rules.ACTING_ROLES]
    rows = db.execute(
        select(ConversationMessage.conversation_id, func.count())
        .outerjoin(ConversationRead, and_(ConversationRead.conversation_id == ConversationMessage.conversation_id,
                                          ConversationRead.user_id == user.id))
        .where(ConversationMessage.conversation_id.in_(conversation_ids), ConversationMessage.id > read_upto,
               ConversationMessage.author_org_id.not_in(own_orgs))
        .group_by(ConversationMessage.conversation_id))
    return dict(rows.all())


def _party_ids(user: User):
    return select(Conversation.id).where(_party_filter(user))


def threads_for(db: Session, user: User, limit: int = 200) -> list[Thread]:
    """The user's threads (both sides): every unread one first, then the latest activity first, up to
    `limit` read ones."""
    unread = _unread_counts(db, user, _party_ids(user))
    latest_first = (Conversation.last_message_at.desc(), Conversation.id.desc())
    unread_ids = [cid for cid, count in unread.items() if count]
    conversations = list(db.scalars(select(Conversation).where(Conversation.id.in_(unread_ids))
                                    .order_by(*latest_first))) if unread_ids else []
    conversations += list(db.scalars(select(Conversation).where(_party_filter(user),
                                                                Conversation.id.not_in(unread_ids))
                                     .order_by(*latest_first).limit(limit)))
    ids = [c.id for c in conversations]
    last_ids = dict(db.execute(select(ConversationMessage.conversation_id, func.max(ConversationMessage.id))
                               .where(ConversationMessage.conversation_id.in_(ids))
                               .group_by(ConversationMessage.conversation_id)).all()) if ids else {}
    lasts = {m.id: m for m in db.scalars(select(ConversationMessage)
                                         .where(ConversationMessage.id.in_(list(last_ids.values()))))} \
        if last_ids else {}
    return [Thread(c, unread.get(c.id, 0), lasts.get(last_ids.get(c.id))) for c in conversations]


def unread_threads(db: Session, user: User) -> int:
    return sum(1 for count in _unread_counts(db, user, _party_ids(user)).values() if count)


def messages_of(db: Session, conversation: Conversation) -> list[ConversationMessage]:
    return list(db.scalars(select(ConversationMessage).where(ConversationMessage.conversation_id == conversation.id)
                           .order_by(ConversationMessage.id)))


def other_side_read_upto(db: Session, conversation: Conversation, side: str) -> int:
    """The last message id someone on the other side has read (for "seen" marks)."""
    other = conversation.seller_org_id if side == "buyer" else conversation.buyer_org_id
    return db.scalar(select(func.max(ConversationRead.last_read_message_id))
                     .join(Membership, Membership.user_id == ConversationRead.user_id)
                     .where(ConversationRead.conversation_id == conversation.id,
                            Membership.organization_id == other)) or 0


def log_moderation_access(db: Session, staff: User, conversation: Conversation) -> None:
    db.add(ModerationAccess(staff_user_id=staff.id, conversation_id=conversation.id))
    db.flush()


def record_reading(db: Session, user: User, conversation: Conversation) -> None:
    """Opening a thread: a party has read it; staff (no side) have looked as moderators."""
    if side_of(user, conversation) is None:
        log_moderation_access(db, user, conversation)
    else:
        mark_thread_read(db, user, conversation)


# -- blocks and reports -----------------------------------------------------------------------

def block(db: Session, user: User, blocker: Organization, blocked: Organization) -> None:
    if blocker.id == blocked.id:
        raise ConversationError("own")
    exists = db.scalar(select(OrganizationBlock.id).where(OrganizationBlock.blocker_org_id == blocker.id,
                                                          OrganizationBlock.blocked_org_id == blocked.id))
    if exists is None:
        db.add(OrganizationBlock(blocker_org_id=blocker.id, blocked_org_id=blocked.id, created_by_id=user.id))
        db.flush()


def unblock(db: Session, blocker: Organization, blocked: Organization) -> None:
    for row in db.scalars(select(OrganizationBlock).where(OrganizationBlock.blocker_org_id == blocker.id,
                                                          OrganizationBlock.blocked_org_id == blocked.id)):
        db.delete(row)
    db.flush()


def blocked_by(db: Session, org: Organization) -> list[OrganizationBlock]:
    return list(db.scalars(select(OrganizationBlock).where(OrganizationBlock.blocker_org_id == org.id)
                           .order_by(OrganizationBlock.id)))


def report(db: Session, user: User, conversation: Conversation, reason: str, note: str = "") -> ConversationReport:
    if reason not in rules.REPORT_REASONS:
        raise ConversationError("reason")
    side = side_of(user, conversation)
    if side is None:
        raise ConversationError("forbidden")
    org_id = conversation.buyer_org_id if side == "buyer" else conversation.seller_org_id
    row = ConversationReport(conversation_id=conversation.id, reporter_id=user.id, reporter_org_id=org_id,
                             reason=reason, note=clean_message(note)[:2000])
    db.add(row)
    db.flush()
    return row


def open_reports(db: Session) -> list[ConversationReport]:
    return list(db.scalars(select(ConversationReport).where(ConversationReport.resolved_at.is_(None))
                           .order_by(ConversationReport.created_at.desc())))


def resolve_report(db: Session, staff: User, row: ConversationReport) -> None:
    row.resolved_at, row.resolved_by_id = row.resolved_at or utcnow(), staff.id
    db.flush()


# -- contacts ---------------------------------------------------------------------------------

def record_contact(db: Session, user: User, to_org: Organization, channel: str, *, listing_id: int | None = None,
                   demand_id: int | None = None) -> ContactEvent | None:
    if channel not in rules.CONTACT_CHANNELS:
        raise ConversationError("channel")
    if any(org == to_org.id for org, _role in memberships_of(user)):
        return None  # calling one's own organisation is not a lead
    if listing_id is not None:
        listing = db.get(Listing, listing_id)
        listing_id = listing_id if listing is not None and listing.organization_id == to_org.id else None
    if demand_id is not None:
        demand = db.get(DemandPost, demand_id)
        demand_id = demand_id if demand is not None and demand.organization_id == to_org.id else None
    sender = acting_org(user, exclude=to_org.id)
    event = ContactEvent(channel=channel, user_id=user.id, from_org_id=sender.id if sender else None,
                         to_org_id=to_org.id, listing_id=listing_id, demand_id=demand_id)
    db.add(event)
    db.flush()
    return event


@dataclass
class ContactStats:
    """Buyer–club contacts the platform made in a period (for staff reports)."""

    start: datetime
    end: datetime
    conversations: int = 0  # threads opened
    messages: int = 0
    phone_taps: int = 0
    zalo_taps: int = 0
    pairs: int = 0  # distinct (buyer side, seller side) pairs in touch by any channel
    sellers_reached: int = 0
    by_seller: list[tuple[str, int, int, int]] = field(default_factory=list)  # name, threads, calls, zalo


def contact_stats(db: Session, start: datetime, end: datetime) -> ContactStats:
    """Counts for [start, end)."""
    stats = ContactStats(start, end)
    in_period = and_(Conversation.created_at >= start, Conversation.created_at < end)
    stats.conversations = db.scalar(select(func.count()).select_from(Conversation).where(in_period)) or 0
    stats.messages = db.scalar(select(func.count()).select_from(ConversationMessage).where(
        ConversationMessage.created_at >= start, ConversationMessage.created_at < end)) or 0
    taps = dict(db.execute(select(ContactEvent.channel, func.count())
                           .where(ContactEvent.created_at >= start, ContactEvent.created_at < end)
                           .group_by(ContactEvent.channel)).all())
    stats.phone_taps, stats.zalo_taps = taps.get("phone", 0), taps.get("zalo", 0)
    thread_pairs = set(db.execute(select(Conversation.buyer_org_id, Conversation.seller_org_id).where(in_period)))
    tap_rows = db.execute(select(ContactEvent.from_org_id, ContactEvent.user_id, ContactEvent.to_org_id)
                          .where(ContactEvent.created_at >= start, ContactEvent.created_at < end)).all()
    # A tap by someone without an organisation still counts once per person and seller.
    tap_pairs = {(f"org:{org}" if org else f"user:{user}", to) for org, user, to in tap_rows}
    stats.pairs = len({(f"org:{b}", s) for b, s in thread_pairs} | tap_pairs)
    per_seller: dict[int, list[int]] = {}
    for _buyer, seller in db.execute(select(Conversation.buyer_org_id, Conversation.seller_org_id).where(in_period)):
        per_seller.setdefault(seller, [0, 0, 0])[0] += 1
    for channel, to_org, count in db.execute(
            select(ContactEvent.channel, ContactEvent.to_org_id, func.count())
            .where(ContactEvent.created_at >= start, ContactEvent.created_at < end)
            .group_by(ContactEvent.channel, ContactEvent.to_org_id)):
        per_seller.setdefault(to_org, [0, 0, 0])[1 if channel == "phone" else 2] += count
    stats.sellers_reached = len(per_seller)
    names = dict(db.execute(select(Organization.id, Organization.name)
                            .where(Organization.id.in_(list(per_seller)))).all()) if per_seller else {}
    stats.by_seller = sorted(((names.get(org, "?"), *counts) for org, counts in per_seller.items()),
                             key=lambda row: (-(row[1] + row[2] + row[3]), row[0]))
    return stats

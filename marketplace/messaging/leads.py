"""Leads that leave the platform, and the counts staff report: a tap on a club's phone number or
Zalo link (`record_contact`), and the buyer–club contacts made in a period by any channel —
threads, messages and taps (`contact_stats`).

Services take the session, flush, and never commit; the view or the worker commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
from marketplace.messaging import rules
from marketplace.messaging.conversations import ConversationError, acting_org, fair_exists, memberships_of
from marketplace.messaging.models import ContactEvent, Conversation, ConversationMessage


def record_contact(db: Session, user: User, to_org: Organization, channel: str, *, listing_id: int | None = None,
                   demand_id: int | None = None, fair_id: int | None = None) -> ContactEvent | None:
    """A tap on to_org's phone or Zalo link; `fair_id`: the fair whose catalog it came from (a
    lead the fair produced; dropped when there is no such fair)."""
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
                         to_org_id=to_org.id, listing_id=listing_id, demand_id=demand_id,
                         fair_id=fair_id if fair_exists(db, fair_id) else None)
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

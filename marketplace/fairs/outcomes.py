"""What a fair led to, per exhibitor and in total (staff's page and CSV now; the plan's reports,
issue #20, later): catalog views, contact taps by channel, conversations, meetings by state, and
the orders that followed within outcome_rules.FOLLOW_DAYS days of the fair's start between a buyer
organisation that had a contact with the exhibitor at this fair and the exhibitor as seller.

Every figure is aggregated in SQL, one query each (eight in all, whatever the number of
exhibitors); the counting rules are outcome_rules'. Read-only: nothing is written.

Exhibitors are the organisations holding a booth (approved or confirmed), by booth number; an
organisation with figures from this fair but no booth (a catalog may include anyone) follows them.
"""

from __future__ import annotations

from sqlalchemy import func, literal, select, union
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.fairs import outcome_rules as rules
from marketplace.fairs.meetings import HELD_BOOTH
from marketplace.fairs.models import BoothApplication, Catalog, CatalogEntry, CatalogVisit, Fair, FairMeeting
from marketplace.messaging.models import ContactEvent, Conversation
from marketplace.orders.models import Order

ExhibitorOutcome = rules.ExhibitorOutcome
FairOutcome = rules.FairOutcome


def contacted_pairs(fair_id: int):
    """(buyer_org_id, seller_org_id) of every contact at the fair: a tap, a conversation, a meeting."""
    taps = select(ContactEvent.from_org_id.label("buyer_id"), ContactEvent.to_org_id.label("seller_id")).where(
        ContactEvent.fair_id == fair_id, ContactEvent.from_org_id.is_not(None))
    threads = select(Conversation.buyer_org_id, Conversation.seller_org_id).where(Conversation.fair_id == fair_id)
    met = select(FairMeeting.buyer_org_id, FairMeeting.exhibitor_org_id).where(FairMeeting.fair_id == fair_id)
    return union(taps, threads, met).subquery("contacted")


def fair_outcome(db: Session, fair: Fair) -> FairOutcome:
    """The fair's figures, exhibitor by exhibitor, with their totals."""
    window = rules.follow_window(fair.starts_on)
    outcome = FairOutcome(fair.id, window)
    per_org: dict[int, ExhibitorOutcome] = {}
    for org_id, name, number in db.execute(
            select(BoothApplication.org_id, Organization.name, BoothApplication.booth_number)
            .join(Organization, Organization.id == BoothApplication.org_id)
            .where(BoothApplication.fair_id == fair.id, BoothApplication.status.in_(HELD_BOOTH))
            .order_by(BoothApplication.booth_number, Organization.name)):
        per_org[org_id] = ExhibitorOutcome(org_id, name, number or "")
    booths = list(per_org)

    def one(org_id: int) -> ExhibitorOutcome:
        if org_id not in per_org:
            per_org[org_id] = ExhibitorOutcome(org_id, "")
        return per_org[org_id]

    fair_catalogs = select(Catalog.id).where(Catalog.fair_id == fair.id)
    outcome.catalog_views = db.scalar(select(func.count(CatalogVisit.id)).where(
        CatalogVisit.catalog_id.in_(fair_catalogs), CatalogVisit.entry_id.is_(None))) or 0
    for org_id, count in db.execute(
            select(CatalogEntry.org_id, func.count(CatalogVisit.id))
            .join(CatalogEntry, CatalogEntry.id == CatalogVisit.entry_id)
            .where(CatalogVisit.catalog_id.in_(fair_catalogs)).group_by(CatalogEntry.org_id)):
        one(org_id).entry_views = count
    for org_id, channel, count in db.execute(
            select(ContactEvent.to_org_id, ContactEvent.channel, func.count(ContactEvent.id))
            .where(ContactEvent.fair_id == fair.id).group_by(ContactEvent.to_org_id, ContactEvent.channel)):
        one(org_id).taps[channel] = count
    for org_id, count in db.execute(
            select(Conversation.seller_org_id, func.count(Conversation.id))
            .where(Conversation.fair_id == fair.id).group_by(Conversation.seller_org_id)):
        one(org_id).conversations = count
    for org_id, status, count in db.execute(
            select(FairMeeting.exhibitor_org_id, FairMeeting.status, func.count(FairMeeting.id))
            .where(FairMeeting.fair_id == fair.id).group_by(FairMeeting.exhibitor_org_id, FairMeeting.status)):
        one(org_id).meetings[status] = count
    contacted = contacted_pairs(fair.id)
    for org_id, count, value, paid in db.execute(
            select(Order.seller_org_id, func.count(Order.id), func.coalesce(func.sum(Order.amount_vnd), literal(0)),
                   func.coalesce(func.sum(Order.amount_paid_vnd), literal(0)))
            .join(contacted, (contacted.c.buyer_id == Order.buyer_org_id)
                  & (contacted.c.seller_id == Order.seller_org_id))
            .where(Order.created_at >= window[0], Order.created_at < window[1],
                   Order.status.not_in(rules.NOT_BUSINESS))
            .group_by(Order.seller_org_id)):
        exhibitor = one(org_id)
        exhibitor.orders, exhibitor.orders_value_vnd, exhibitor.orders_paid_vnd = count, int(value), int(paid)
    unnamed = [org_id for org_id, e in per_org.items() if not e.name]
    if unnamed:
        for org_id, name in db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(unnamed))):
            per_org[org_id].name = name
    others = sorted((e for org_id, e in per_org.items() if org_id not in set(booths)), key=lambda e: (e.name, e.org_id))
    outcome.exhibitors = [per_org[org_id] for org_id in booths] + others
    outcome.total = rules.add_up(outcome.exhibitors)
    return outcome

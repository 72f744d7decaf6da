"""The contents of a signed-in home: read-only queries over the person's own organisations (never
another organisation's rows), a few of each kind, newest or best first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.accounts.permissions import buying_orgs, selling_orgs
from marketplace.catalogue import services as catalogue
from marketplace.credentials.models import Certificate, CodeClaimFlag, PlantingCode
from marketplace.dashboard.rules import SHOWN
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing
from marketplace.matching.facts import open_demand_filter, public_listing_filter
from marketplace.matching.models import MatchState
from marketplace.messaging.models import ConversationReport
from marketplace.messaging.reading import Thread, threads_for
from marketplace.orders.models import Order
from marketplace.orders.rules import WAITING_ON


@dataclass
class MatchLine:
    listing: Listing
    demand: DemandPost
    score: int
    side: str  # whose match it is: "seller" (my listing) or "buyer" (my request)


@dataclass
class StaffQueues:
    credentials: int
    claim_flags: int
    names_to_map: int
    reports: int


@dataclass
class Home:
    sells: list[Organization]
    buys: list[Organization]
    unread: list[Thread] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    requests: list[DemandPost] = field(default_factory=list)
    matches: list[MatchLine] = field(default_factory=list)
    queues: StaffQueues | None = None

    @property
    def waiting(self) -> int:
        return len(self.unread) + len(self.orders) + len(self.offers)


def home_for(db: Session, user: User, today: date) -> Home:
    sells, buys = selling_orgs(user), buying_orgs(user)
    home = Home(sells=sells, buys=buys)
    sell_ids, buy_ids = [o.id for o in sells], [o.id for o in buys]
    home.unread = [t for t in threads_for(db, user, limit=0) if t.unread][:SHOWN]
    home.orders = orders_waiting(db, sell_ids, buy_ids)
    if buy_ids:
        home.offers = list(
            db.scalars(
                select(Offer)
                .join(DemandPost, Offer.demand_id == DemandPost.id)
                .where(DemandPost.organization_id.in_(buy_ids), Offer.status == "pending")
                .order_by(Offer.id.desc())
                .limit(SHOWN)
            )
        )
        home.requests = list(
            db.scalars(
                select(DemandPost)
                .where(DemandPost.organization_id.in_(buy_ids), open_demand_filter(today))
                .order_by(DemandPost.id.desc())
                .limit(SHOWN)
            )
        )
    if sell_ids:
        home.listings = list(
            db.scalars(
                select(Listing)
                .where(Listing.organization_id.in_(sell_ids), Listing.status != "expired")
                .order_by(Listing.updated_at.desc(), Listing.id.desc())
                .limit(SHOWN)
            )
        )
    home.matches = best_matches(db, sell_ids, buy_ids, today)
    if user.is_staff:
        home.queues = staff_queues(db)
    return home


def orders_waiting(db: Session, sell_ids: list[int], buy_ids: list[int]) -> list[Order]:
    """Orders of my organisations that wait for my side to act, oldest first (they expire)."""
    waiting = []
    if sell_ids:
        waiting.append(and_(Order.seller_org_id.in_(sell_ids), Order.status.in_(WAITING_ON["seller"])))
    if buy_ids:
        waiting.append(and_(Order.buyer_org_id.in_(buy_ids), Order.status.in_(WAITING_ON["buyer"])))
    if not waiting:
        return []
    return list(db.scalars(select(Order).where(or_(*waiting)).order_by(Order.created_at, Order.id).limit(SHOWN)))


def best_matches(db: Session, sell_ids: list[int], buy_ids: list[int], today: date) -> list[MatchLine]:
    """Full matches of my listings on sale and my open requests that my side has not dismissed,
    best first (the scores the worker keeps; /matches computes them afresh)."""
    sides = []
    if sell_ids:
        sides.append(and_(Listing.organization_id.in_(sell_ids), MatchState.seller_dismissed_at.is_(None)))
    if buy_ids:
        sides.append(and_(DemandPost.organization_id.in_(buy_ids), MatchState.buyer_dismissed_at.is_(None)))
    if not sides:
        return []
    rows = db.execute(
        select(MatchState, Listing, DemandPost)
        .join(Listing, MatchState.listing_id == Listing.id)
        .join(DemandPost, MatchState.demand_id == DemandPost.id)
        .where(MatchState.full.is_(True), or_(*sides), public_listing_filter(today), open_demand_filter(today))
        .order_by(MatchState.score.desc(), MatchState.id)
        .limit(SHOWN)
    )
    return [
        MatchLine(listing, demand, state.score, "seller" if listing.organization_id in sell_ids else "buyer")
        for state, listing, demand in rows
    ]


def staff_queues(db: Session) -> StaffQueues:
    def count(stmt) -> int:
        return db.scalar(stmt) or 0

    return StaffQueues(
        credentials=count(select(func.count()).select_from(Certificate).where(Certificate.status == "pending"))
        + count(select(func.count()).select_from(PlantingCode).where(PlantingCode.status == "pending")),
        claim_flags=count(select(func.count()).select_from(CodeClaimFlag).where(CodeClaimFlag.resolved_at.is_(None))),
        names_to_map=len(catalogue.typed_names(db)) + len(catalogue.typed_units(db)),
        reports=count(
            select(func.count()).select_from(ConversationReport).where(ConversationReport.resolved_at.is_(None))
        ),
    )

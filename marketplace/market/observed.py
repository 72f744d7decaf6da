"""What the platform itself saw of a product's prices, per ISO week (Việt Nam time):

- listings: published listings with a price (not "negotiable"), counted in every week they were on
  sale (from the day they were published to the end of their sale window, or today);
- offers: sellers' offers to buyers' requests with a price (not withdrawn), in the week they were made;
- orders: the unit price of orders that were paid (paid, delivered or completed), in the week they
  were paid (the order's "paid" event; an order without one: the week it was last changed).

Each is a median per product (and variety, when asked), unit and week, with how many prices it
stands on; never from fewer than rules.MIN_SELLERS distinct selling organisations (the median is
then None and only the count shows), so that no one seller's price can be read off the board.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from marketplace.demand.models import DemandPost, Offer
from marketplace.formatting import in_vietnam
from marketplace.listings.models import Listing
from marketplace.market import rules
from marketplace.orders.models import Order, OrderEvent
from marketplace.products.models import Variety
from marketplace.vietnamese import fold

PAID = ("paid", "delivered", "completed")
KINDS = ("listings", "offers", "orders")


@dataclass(frozen=True)
class WeekMedian:
    kind: str  # listings | offers | orders
    week_of: date  # the Monday
    unit: str
    median_vnd: int | None  # None: fewer than MIN_SELLERS sellers
    count: int  # prices seen
    sellers: int


def _day(moment: datetime | date) -> date:
    return in_vietnam(moment).date() if isinstance(moment, datetime) else moment


def _named(variety_name: str | None, typed: str | None) -> str:
    return variety_name or typed or ""


def _listing_prices(db: Session, product_id: int, first: date, today: date):
    """(week, unit, seller, price, variety) for each week a priced listing was on sale."""
    rows = db.execute(select(Listing.organization_id, Listing.unit, Listing.price_vnd, Listing.published_at,
                             Listing.available_to, Variety.name, Listing.variety_text)
                      .outerjoin(Variety, Variety.id == Listing.variety_id)
                      .where(Listing.product_id == product_id, Listing.price_vnd.is_not(None),
                             Listing.published_at.is_not(None), Listing.status != "draft",
                             Listing.available_to >= first))
    for seller, unit, price, published_at, available_to, variety, typed in rows:
        start, end = max(rules.week_of(_day(published_at)), first), rules.week_of(min(available_to, today))
        week = start
        while week <= end:
            yield week, unit, seller, price, _named(variety, typed)
            week += timedelta(days=7)


def _offer_prices(db: Session, product_id: int, first: date, today: date):
    rows = db.execute(select(Offer.organization_id, DemandPost.unit, Offer.price_vnd, Offer.created_at,
                             Variety.name, DemandPost.variety_text)
                      .join(DemandPost, Offer.demand_id == DemandPost.id)
                      .outerjoin(Variety, Variety.id == DemandPost.variety_id)
                      .where(DemandPost.product_id == product_id, Offer.price_vnd.is_not(None),
                             Offer.status != "withdrawn"))
    for seller, unit, price, created_at, variety, typed in rows:
        day = _day(created_at)
        if first <= day <= today:
            yield rules.week_of(day), unit, seller, price, _named(variety, typed)


def _order_prices(db: Session, product_id: int, first: date, today: date):
    paid_at = (select(OrderEvent.order_id, func.min(OrderEvent.at).label("at"))
               .where(OrderEvent.to_status == "paid").group_by(OrderEvent.order_id).subquery())
    listed, asked = aliased(Variety), aliased(Variety)
    rows = db.execute(select(Order.seller_org_id, Order.price_unit, Order.unit_price_vnd,
                             func.coalesce(paid_at.c.at, Order.updated_at), listed.name, Listing.variety_text,
                             asked.name, DemandPost.variety_text)
                      .outerjoin(paid_at, paid_at.c.order_id == Order.id)
                      .outerjoin(Listing, Order.listing_id == Listing.id)
                      .outerjoin(listed, listed.id == Listing.variety_id)
                      .outerjoin(Offer, Order.offer_id == Offer.id)
                      .outerjoin(DemandPost, Offer.demand_id == DemandPost.id)
                      .outerjoin(asked, asked.id == DemandPost.variety_id)
                      .where(Order.status.in_(PAID),
                             or_(Listing.product_id == product_id, DemandPost.product_id == product_id)))
    for seller, unit, price, moment, listed_name, listed_typed, asked_name, asked_typed in rows:
        day = _day(moment)
        if first <= day <= today:
            variety = _named(listed_name, listed_typed) or _named(asked_name, asked_typed)
            yield rules.week_of(day), unit, seller, price, variety


def weekly_medians(db: Session, product_id: int, today: date, weeks: int = 12, *,
                   variety: str | None = None) -> list[WeekMedian]:
    """Each kind's median per week and unit over the last `weeks` weeks, oldest week first; a
    week with no price of a kind is left out. With `variety` ("cát Chu", chosen or typed, any
    case), only prices of that variety: the product page shows one variety at a time, and cát
    Chu and cát Hòa Lộc sell at very different prices."""
    first = rules.weeks_back(today, weeks)[0]
    wanted = fold(variety) if variety else None
    found: list[WeekMedian] = []
    for kind, source in (("listings", _listing_prices), ("offers", _offer_prices), ("orders", _order_prices)):
        groups: dict[tuple[date, str], list[tuple[int, int]]] = defaultdict(list)
        for week, unit, seller, price, named in source(db, product_id, first, today):
            if wanted is not None and fold(named) != wanted:
                continue
            groups[(week, unit)].append((seller, price))
        for (week, unit), pairs in sorted(groups.items()):
            median, count, sellers = rules.seller_median(pairs)
            found.append(WeekMedian(kind, week, unit, median, count, sellers))
    return sorted(found, key=lambda m: (m.week_of, KINDS.index(m.kind), m.unit))

"""The weekly market bulletin of an organisation that sells (club, cooperative, cooperative
group): the queries behind bulletin_rules, and who reads it. Services take the session, flush and
never commit.

Its products are what it listed in the last 12 months, what its households grow (as typed, read
through the products' phrase reading) and what its page says it grows ("xoài cát Chu, sầu riêng").
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import member_or_staff
from marketplace.dates import VIETNAM, as_utc
from marketplace.demand.models import DemandPost
from marketplace.fairs import rules as fair_rules
from marketplace.fairs.models import Fair
from marketplace.listings.households import Household
from marketplace.listings.models import Listing
from marketplace.market import bulletin_rules as rules
from marketplace.market.rules import week_of
from marketplace.market.trends import week_moves
from marketplace.products.models import Product
from marketplace.products.phrases import read_phrase
from marketplace.products.services import catalogue

# "xoài cát Chu, sầu riêng; nhãn và quýt" → one phrase each.
_SPLIT = re.compile(r"[,;\n/+]|\s+và\s+|\s+and\s+", re.IGNORECASE)


def may_read(user, org: Organization) -> bool:
    """Any member of the organisation (market news is for all of them) and staff."""
    return org.kind in rules.SELLER_KINDS and member_or_staff(user, org.id)


def grown_product_ids(db: Session, texts: list[str]) -> set[int]:
    """The catalogue products named in what people typed ("xoài cát Chu, sầu riêng")."""
    known = catalogue(db)
    found: set[int] = set()
    for text in texts:
        for phrase in _SPLIT.split(text or ""):
            if phrase.strip():
                reading = read_phrase(phrase.strip(), known)
                if reading.product_id is not None:
                    found.add(reading.product_id)
    return found


def product_ids_of(db: Session, org: Organization, today: date) -> set[int]:
    since = datetime.combine(today - timedelta(days=365 * rules.LISTING_MONTHS // 12), time(), tzinfo=VIETNAM)
    listed = set(db.scalars(select(Listing.product_id).where(
        Listing.organization_id == org.id, Listing.created_at >= since)))
    crops = list(db.scalars(select(Household.crops).where(Household.organization_id == org.id,
                                                          Household.active.is_(True))))
    return listed | grown_product_ids(db, [org.grows, *crops])


def _post_facts(post: DemandPost) -> rules.PostFacts:
    return rules.PostFacts(
        id=post.id, product_id=post.product_id, title=post.title, title_en=post.title_en, variety=post.variety_name,
        buyer_id=post.organization_id, buyer_kind=post.organization.kind, quantity=float(post.quantity),
        unit=post.unit, frequency=post.frequency, needed_from=post.needed_from, needed_to=post.needed_to,
        price_min_vnd=post.price_min_vnd, price_max_vnd=post.price_max_vnd,
        certificates=tuple(post.certificate_list), min_ocop_stars=post.min_ocop_stars,
        needs_planting_code=post.needs_planting_code, export_market=post.export_market,
        buyer_name=post.organization.name)


def open_posts(db: Session, org: Organization, product_ids: set[int], today: date) -> list[DemandPost]:
    """Open requests of others for these products, needed within the next 30 days (rules.in_window;
    the query only narrows to requests not over yet)."""
    if not product_ids:
        return []
    posts = db.scalars(select(DemandPost).where(
        DemandPost.status == "open", DemandPost.product_id.in_(sorted(product_ids)),
        DemandPost.organization_id != org.id, DemandPost.needed_to >= today).order_by(DemandPost.id))
    return [post for post in posts if rules.in_window(post.needed_from, post.needed_to, today)]


def news_fairs(db: Session, today: date) -> list[rules.FairFacts]:
    """Published fairs not over yet that are new this week or still take booth applications."""
    fairs = db.scalars(select(Fair).where(Fair.status == "published", Fair.ends_on >= today)
                       .order_by(Fair.starts_on, Fair.id))
    found = []
    for fair in fairs:
        apply_by = fair_rules.apply_by(fair.apply_by, fair.starts_on)
        created_on = as_utc(fair.created_at).astimezone(VIETNAM).date()  # SQLite gives it back naive
        if rules.is_new_fair(created_on, apply_by, fair.status, today):
            found.append(rules.FairFacts(fair.slug, fair.name, fair.starts_on, fair.ends_on, apply_by, fair.venue))
    return found


def price_moves(db: Session, product_ids: set[int], today: date) -> list[rules.MoveFacts]:
    moves = [m for m in week_moves(db, sorted(product_ids), today) if m.change_pct is not None]
    if not moves:
        return []
    products = {p.id: p for p in db.scalars(select(Product).where(Product.id.in_({m.product_id for m in moves})))}
    def named(move, name: str) -> str:
        return f"{name} {move.variety}".strip()

    return rules.sorted_moves(
        rules.MoveFacts(m.product_id, named(m, products[m.product_id].name_vi),
                        named(m, products[m.product_id].name_en or products[m.product_id].name_vi),
                        m.market, m.unit, m.latest_vnd, m.change_pct, m.big, m.variety)
        for m in moves)


def bulletin_for(db: Session, org: Organization, today: date) -> rules.Bulletin:
    """The organisation's bulletin for the week of `today`."""
    ids = product_ids_of(db, org, today)
    products = db.scalars(select(Product).where(Product.id.in_(sorted(ids))).order_by(Product.name_vi)) if ids else []
    return rules.Bulletin(
        org_id=org.id, org_name=org.name, week_of=week_of(today), today=today,
        products=tuple((p.id, p.name_vi, p.name_en or p.name_vi) for p in products),
        asks=tuple(rules.asks(_post_facts(p) for p in open_posts(db, org, ids, today))),
        fairs=tuple(news_fairs(db, today)), moves=tuple(price_moves(db, ids, today)))


def bulletin_orgs(db: Session) -> list[Organization]:
    return list(db.scalars(select(Organization).where(Organization.kind.in_(rules.SELLER_KINDS))
                           .order_by(Organization.id)))

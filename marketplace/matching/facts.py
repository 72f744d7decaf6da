"""Reading the facts the matching rules need, straight from the tables (no ORM objects: matching
one demand post reads thousands of listings, and plain rows are several times faster), and keeping
each product's public listings between requests (ProductListingsCache)."""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from marketplace.accounts.models import Organization
from marketplace.changes.models import SearchOutbox
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.credentials.rules import split_markets
from marketplace.dates import VIETNAM, as_utc
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing, listing_certificates, listing_planting_codes
from marketplace.matching.rules import Credential, DemandFacts, ListingFacts
from marketplace.matching.scoring import reply_score
from marketplace.messaging.models import Conversation, ConversationMessage
from marketplace.places.models import Commune
from marketplace.products.models import Variety
from marketplace.products.units import parse_unit
from marketplace.vietnamese import fold

ACTIVE_DAYS = 14  # a seller nobody asked yet, who updated a listing or made an offer this recently, is responsive
REPLY_DAYS = 90  # buyers' questions this recent judge how a seller answers
STOP_WORDS = frozenset({"va", "cua", "cho", "the", "la", "co", "loai", "kg", "tan", "ta"})


def words_of(*texts: str | None) -> frozenset[str]:
    return _words(" ".join(t for t in texts if t))


@lru_cache(maxsize=8_192)  # ~3 KB each: a large product's listings, not the whole market
def _words(text: str) -> frozenset[str]:
    # Cached: the same listings are read on every view of a demand page, and folding their
    # descriptions was most of the time of reading them (docs/performance.md).
    return frozenset(w for w in fold(text).split() if len(w) > 1 and w not in STOP_WORDS)


@lru_cache(maxsize=1_024)
def _kg(unit: str) -> float | None:
    """Kilograms in one unit: known units, weighed packs ("thùng 10 kg"); None for a unit
    kept as typed or a count."""
    found = parse_unit(unit)
    return found.kg if found else None


def _variety_key(variety_id: int | None, text: str | None) -> str:
    if variety_id:
        return f"v{variety_id}"
    return fold(text or "")


def _local_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return as_utc(moment).astimezone(VIETNAM).date()


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _listing_credentials(db: Session, ids: list[int]) -> dict[int, list[Credential]]:
    found: dict[int, list[Credential]] = defaultdict(list)
    for chunk in _chunks(ids):
        rows = db.execute(select(listing_certificates.c.listing_id, Certificate.type, Certificate.status,
                                 Certificate.expires_on, Certificate.stars, Certificate.number)
                          .join(Certificate, Certificate.id == listing_certificates.c.certificate_id)
                          .where(listing_certificates.c.listing_id.in_(chunk)))
        for listing_id, kind, status, until, stars, number in rows:
            found[listing_id].append(Credential(kind, status, until, stars, (), number))
        rows = db.execute(select(listing_planting_codes.c.listing_id, PlantingCode.kind, PlantingCode.status,
                                 PlantingCode.valid_until, PlantingCode.markets, PlantingCode.code)
                          .join(PlantingCode, PlantingCode.id == listing_planting_codes.c.planting_code_id)
                          .where(listing_planting_codes.c.listing_id.in_(chunk)))
        for listing_id, kind, status, until, markets, code in rows:
            found[listing_id].append(Credential(kind, status, until, None, tuple(split_markets(markets)), code))
    return found


def _responsiveness(db: Session, org_ids: set[int], today: date) -> dict[int, float]:
    """How each seller answers: from its conversations of the last REPLY_DAYS days (how long buyers'
    questions waited for its first answer, scoring.reply_score); a seller nobody has asked yet is
    judged by activity instead: one who updated a listing or made an offer in the last ACTIVE_DAYS
    days scores 1.0, else 0.3."""
    if not org_ids:
        return {}
    measured = _reply_scores(db, org_ids, today)
    since = datetime.combine(today - timedelta(days=ACTIVE_DAYS), datetime.min.time(), tzinfo=UTC)
    active: set[int] = set()
    rest = [org_id for org_id in org_ids if org_id not in measured]
    for chunk in _chunks(rest):
        active |= set(db.scalars(select(Listing.organization_id).where(
            Listing.organization_id.in_(chunk), Listing.updated_at >= since).distinct()))
        active |= set(db.scalars(select(Offer.organization_id).where(
            Offer.organization_id.in_(chunk), Offer.created_at >= since).distinct()))
    return {org_id: measured[org_id] if org_id in measured else (1.0 if org_id in active else 0.3)
            for org_id in org_ids}


def _reply_scores(db: Session, org_ids: set[int], today: date) -> dict[int, float]:
    """Per seller organisation, the reply score over the threads a buyer started (its first
    message came from the buyer side)."""
    now = datetime.combine(today, datetime.max.time(), tzinfo=VIETNAM).astimezone(UTC)
    since = now - timedelta(days=REPLY_DAYS)
    first = (select(ConversationMessage.conversation_id, func.min(ConversationMessage.id).label("first_id"))
             .group_by(ConversationMessage.conversation_id).subquery())
    first_message = aliased(ConversationMessage)
    seller_message = aliased(ConversationMessage)
    waits: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for chunk in _chunks(list(org_ids)):
        rows = db.execute(
            select(Conversation.seller_org_id, first_message.created_at, func.min(seller_message.created_at))
            .join(first, first.c.conversation_id == Conversation.id)
            .join(first_message, first_message.id == first.c.first_id)
            .outerjoin(seller_message, and_(seller_message.conversation_id == Conversation.id,
                                            seller_message.author_org_id == Conversation.seller_org_id))
            .where(Conversation.seller_org_id.in_(chunk), first_message.author_org_id == Conversation.buyer_org_id,
                   first_message.created_at >= since)
            .group_by(Conversation.id, Conversation.seller_org_id, first_message.created_at))
        for seller, asked, answered in rows:
            asked, answered = as_utc(asked), answered and as_utc(answered)
            waits[seller][0].append(None if answered is None else answered - asked)
            waits[seller][1].append(now - asked)
    scores = {seller: reply_score(w, ago) for seller, (w, ago) in waits.items()}
    return {seller: score for seller, score in scores.items() if score is not None}


def public_listing_filter(today: date):
    return and_(Listing.status == "published", Listing.quantity_available > 0, Listing.available_to >= today)


def load_listings(db: Session, today: date, *, ids: Iterable[int] | None = None,
                  product_id: int | None = None) -> list[ListingFacts]:
    """Listings by id (whatever their state), or the public listings of one product."""
    if ids is not None:
        id_list = list(ids)
        rows = [row for chunk in _chunks(id_list) for row in db.execute(_listings_by_ids(), {"ids": chunk})]
    else:
        rows = list(db.execute(_listing_select().where(Listing.product_id == product_id,
                                                       public_listing_filter(today))))
    credentials = _listing_credentials(db, [row.id for row in rows])
    responsive = _responsiveness(db, {row.organization_id for row in rows}, today)
    facts = []
    for row in rows:
        variety_label = row.name or row.variety_text or ""
        public = row.status == "published" and row.quantity_available > 0 and row.available_to >= today
        facts.append(ListingFacts(
            id=row.id, ref=row.ref, org_id=row.organization_id, product_id=row.product_id,
            variety_key=_variety_key(row.variety_id, row.variety_text), variety_label=variety_label,
            quantity=float(row.quantity_available), unit=row.unit, kg_per_unit=_kg(row.unit),
            min_order=float(row.min_order) if row.min_order else None, price_vnd=row.price_vnd,
            available_from=row.available_from, available_to=row.available_to, public=public,
            credentials=tuple(credentials.get(row.id, ())), latitude=row.latitude, longitude=row.longitude,
            updated_on=_local_day(row.updated_at), responsiveness=responsive.get(row.organization_id),
            words=words_of(variety_label, row.grade, row.description)))
    return facts


@lru_cache(maxsize=1)
def _listings_by_ids():
    return _listing_select().where(Listing.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=1)
def _listing_select():
    commune = aliased(Commune)
    return (select(Listing.id, Listing.ref, Listing.organization_id, Listing.product_id, Listing.variety_id,
                    Listing.variety_text, Variety.name, Listing.quantity_available, Listing.unit,
                    Listing.min_order, Listing.price_vnd, Listing.available_from, Listing.available_to,
                    Listing.status, Listing.updated_at, Listing.grade, Listing.description,
                    commune.latitude, commune.longitude)
           .join(Organization, Organization.id == Listing.organization_id)
           .outerjoin(commune, commune.code == Organization.commune_code)
           .outerjoin(Variety, Variety.id == Listing.variety_id))


class ProductListingsCache:
    """Each product's public listings as facts, kept between requests in this process.

    An entry is used only while the database's version is the one it was read at: the newest row
    of the change log that is not a demand post's (its id and when it was written), the newest
    conversation message and the newest offer. Every
    write that can change a listing's facts adds a change-log row in its own transaction (a
    listing, its organisation, a certificate or code, a variety: marketplace/changes/log.py; bulk
    updates enqueue themselves), and sellers' responsiveness is read from messages and offers. So
    each process (web worker, the worker, another host on the same PostgreSQL) checks the version
    with three queries on primary keys per request and never serves facts older than the last commit it can see.
    The time the row was written is part of the version because an id can come back: SQLite gives
    a rolled-back transaction's id to the next row. Entries also expire after MAX_AGE seconds:
    on PostgreSQL ids are handed out at insert, so a transaction that began writing earlier can
    commit a row below the newest one already read; that change is seen at the next write
    anywhere or within MAX_AGE, whichever comes first.
    """

    MAX_AGE = 30.0  # seconds
    MAX_LISTINGS = 150_000  # facts kept per process (about 1 KB each), least recently used dropped first
    FREEZES_BEFORE_THAW = 50

    def __init__(self) -> None:
        self._entries: OrderedDict[int, tuple[tuple, float, list[ListingFacts]]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._freezes = 0

    @staticmethod
    def _out_of_the_collectors_way(full: bool) -> None:
        """Move the facts just read out of the garbage collector's sight (gc.freeze). Tens of
        thousands of long-lived facts made every full collection walk them all: measured at 100,000
        listings, most of the slowest requests' time and a quarter of the daily rematch. Facts hold no
        reference cycles, so refcounting still frees a replaced entry. What freeze also hides is the
        cyclic garbage not yet collected at that moment; so young garbage is collected first, and
        every FREEZES_BEFORE_THAW freezes everything is handed back (gc.unfreeze) for one full
        collection to clean up."""
        if full:
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)
        gc.freeze()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get(self, db: Session, today: date, product_id: int) -> list[ListingFacts]:
        version = (today, *version_of(db))
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(product_id)
            if entry is not None and entry[0] == version and now - entry[1] < self.MAX_AGE:
                self._entries.move_to_end(product_id)
                return entry[2]
        facts = load_listings(db, today, product_id=product_id)
        with self._lock:
            old = self._entries.pop(product_id, None)
            self._size -= len(old[2]) if old else 0
            self._entries[product_id] = (version, now, facts)
            self._size += len(facts)
            while self._size > self.MAX_LISTINGS and len(self._entries) > 1:
                _, (_, _, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped)
            self._freezes += 1
            full = self._freezes % self.FREEZES_BEFORE_THAW == 0
        self._out_of_the_collectors_way(full)  # outside the lock: other threads' matching goes on
        return facts


def version_of(db: Session) -> tuple:
    """What changes with every write that can change listings' facts (see ProductListingsCache)."""
    newest = db.execute(_NEWEST_CHANGE).first()
    return (tuple(newest) if newest else None, db.scalar(_NEWEST_MESSAGE), db.scalar(_NEWEST_OFFER))


# A demand post's own changes do not change any listing's facts: leaving them out keeps a request's
# edit from sending every product back to the database. Offers are logged as their request's change
# but say how active their seller is (responsiveness), so the newest offer is part of the version.
_NEWEST_CHANGE = (select(SearchOutbox.id, SearchOutbox.created_at).where(SearchOutbox.entity != "demand")
                  .order_by(SearchOutbox.id.desc()).limit(1))
_NEWEST_MESSAGE = select(func.max(ConversationMessage.id))
_NEWEST_OFFER = select(func.max(Offer.id))


product_cache = ProductListingsCache()


def product_listings(db: Session, today: date, product_id: int) -> list[ListingFacts]:
    """The public listings of one product as facts (load_listings), from this process's cache
    when nothing changed since they were read. The list is shared: callers must not change it."""
    return product_cache.get(db, today, product_id)


def open_demand_filter(today: date):
    return and_(DemandPost.status == "open", DemandPost.needed_to >= today)


def load_demand(db: Session, today: date, *, ids: Iterable[int] | None = None,
                product_id: int | None = None, product_ids: Iterable[int] | None = None) -> list[DemandFacts]:
    """Demand posts by id (whatever their state), or the open demand of some products."""
    if ids is not None:
        id_list = list(ids)
        rows = [row for chunk in _chunks(id_list) for row in db.execute(_demand_by_ids(), {"ids": chunk})]
    else:
        products = [product_id] if product_id is not None else list(product_ids or [])
        condition = or_(*[DemandPost.product_id == p for p in products]) if products else True
        rows = list(db.execute(_demand_select().where(open_demand_filter(today), condition)))
    facts = []
    for row in rows:
        variety_label = row.name or row.variety_text or ""
        facts.append(DemandFacts(
            id=row.id, ref=row.ref, org_id=row.organization_id, product_id=row.product_id,
            variety_key=_variety_key(row.variety_id, row.variety_text), variety_label=variety_label,
            quantity=max(0.0, float(row.quantity) - float(row.accepted or 0)), unit=row.unit,
            kg_per_unit=_kg(row.unit), needed_from=row.needed_from, needed_to=row.needed_to,
            price_min=row.price_min_vnd, price_max=row.price_max_vnd,
            required_certificates=tuple(c for c in (row.required_certificates or "").split(";") if c),
            min_ocop_stars=row.min_ocop_stars, needs_planting_code=bool(row.needs_planting_code),
            export_market=(row.export_market or "").upper(), latitude=row.latitude, longitude=row.longitude,
            words=words_of(variety_label, row.quality_notes)))
    return facts


# Built once: making these statements (aliases, a subquery, a dozen columns) cost SQLAlchemy several
# milliseconds a call, more than running them, on every view of a demand page.

@lru_cache(maxsize=1)
def _demand_by_ids():
    return _demand_select().where(DemandPost.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=1)
def _demand_select():
    delivery, home = aliased(Commune), aliased(Commune)
    accepted = (select(Offer.demand_id, func.sum(Offer.quantity).label("accepted"))
                .where(Offer.status == "accepted").group_by(Offer.demand_id).subquery())
    return (select(DemandPost.id, DemandPost.ref, DemandPost.organization_id, DemandPost.product_id,
                    DemandPost.variety_id, DemandPost.variety_text, Variety.name, DemandPost.quantity,
                    DemandPost.unit, DemandPost.needed_from, DemandPost.needed_to, DemandPost.price_min_vnd,
                    DemandPost.price_max_vnd, DemandPost.required_certificates, DemandPost.min_ocop_stars,
                    DemandPost.needs_planting_code, DemandPost.export_market, DemandPost.quality_notes,
                    func.coalesce(delivery.latitude, home.latitude).label("latitude"),
                    func.coalesce(delivery.longitude, home.longitude).label("longitude"),
                    func.coalesce(accepted.c.accepted, 0).label("accepted"))
           .join(Organization, Organization.id == DemandPost.organization_id)
           .outerjoin(delivery, delivery.code == DemandPost.delivery_commune_code)
           .outerjoin(home, home.code == Organization.commune_code)
           .outerjoin(Variety, Variety.id == DemandPost.variety_id)
           .outerjoin(accepted, accepted.c.demand_id == DemandPost.id))

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

from sqlalchemy import and_, bindparam, func, literal, or_, select, union_all
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
QUIET = 0.3  # the responsiveness of a seller nobody asked yet and not active lately
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
    return {org_id: measured[org_id] if org_id in measured else (1.0 if org_id in active else QUIET)
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


class _Entry:
    """One product's public listings as facts, the day they were read for, and the listings and
    sellers they hold (what a change must touch to make them stale)."""

    __slots__ = ("day", "read_at", "facts", "sellers", "orgs", "quiet")

    def __init__(self, day: date, read_at: float, facts: list[ListingFacts]) -> None:
        self.day, self.read_at, self.facts = day, read_at, facts
        self.sellers = {f.id: f.org_id for f in facts}  # listing id → its organisation
        self.orgs = frozenset(self.sellers.values())
        # Sellers judged inactive (nobody asked them yet, nothing updated or offered lately: 0.3;
        # a measured reply score of 0.3 counts too): the only ones an update or an offer can move.
        self.quiet = frozenset(f.org_id for f in facts if f.responsiveness is None or f.responsiveness <= QUIET)


# How far this process has read each source of changes: the newest row seen, (id, created_at).
# The time the row was written is kept because an id can come back: SQLite gives a rolled-back
# transaction's id to the next row.
Mark = tuple[int, datetime] | None


class _Stale(Exception):
    """The sources cannot be read on from the marks: too many rows, a kind of change not known, or
    a row seen before is gone (rolled back)."""


class ProductListingsCache:
    """Each product's public listings as facts, kept between requests in this process; a change
    sends back to the database only the products it can affect.

    What a product's facts depend on, and where its changes are found, in the database (so every
    process, web workers, the worker, other hosts on the same PostgreSQL, sees every other's writes):
    - its listings' rows, their varieties, certificates and planting codes, and their sellers'
      places: every such write adds a change-log row in its own transaction, ("listing", id) or
      ("org", id) (marketplace/changes/log.py; bulk updates enqueue themselves);
    - each seller's responsiveness (facts._responsiveness): its conversations' messages, its offers
      (logged only as their request's change) and its listings' updates.
    On each request three queries on primary keys read what was added to the change log (rows that
    are not a request's own), to conversation messages and to offers since the newest rows this
    process has seen (`_marks`); they name listings and organisations, and one more query (only when
    listings changed) finds the listings' products and sellers. The entries dropped are those
    products', and every product holding a listing of a changed listing's, message's, offer's or
    organisation's seller (its responsiveness may have moved). Others stay.

    A session that sees less than this process has already read (its snapshot is older, or a
    transaction whose rows were seen rolled back) reads the facts from the database and keeps
    nothing; a row seen before that is gone or written again under the same id (a rollback) empties
    the cache. Entries also expire after MAX_AGE seconds: on PostgreSQL ids are handed out at
    insert, so a transaction that began writing earlier can commit a row below the newest one
    already read; that change is seen within MAX_AGE.
    """

    MAX_AGE = 30.0  # seconds
    MAX_LISTINGS = 150_000  # facts kept per process (about 1 KB each), least recently used dropped first
    MAX_ROWS = 2_000  # more new rows than this at once (an import): read everything again instead
    FREEZES_BEFORE_THAW = 50

    def __init__(self) -> None:
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._freezes = 0
        self._marks: tuple[Mark, Mark, Mark] | None = None  # change log, messages, offers
        self._marks_seen_at = 0.0  # when a session last saw the sources up to the marks
        self._generation = 0  # changes whenever the marks move or the cache is emptied

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
            self._marks = None
            self._generation += 1

    def get(self, db: Session, today: date, product_id: int) -> list[ListingFacts]:
        generation = self._catch_up(db)
        if generation is None:  # this session sees less than the cache already holds
            return load_listings(db, today, product_id=product_id)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(product_id)
            if entry is not None and entry.day == today and now - entry.read_at < self.MAX_AGE:
                self._entries.move_to_end(product_id)
                return entry.facts
        facts = load_listings(db, today, product_id=product_id)
        entry = _Entry(today, now, facts)
        with self._lock:
            if self._generation != generation:
                # Changes were read meanwhile by another thread: these facts may predate them.
                return facts
            self._drop(product_id)
            self._entries[product_id] = entry
            self._size += len(facts)
            while self._size > self.MAX_LISTINGS and len(self._entries) > 1:
                self._drop(next(iter(self._entries)))
            self._freezes += 1
            full = self._freezes % self.FREEZES_BEFORE_THAW == 0
        self._out_of_the_collectors_way(full)  # outside the lock: other threads' matching goes on
        return facts

    def _drop(self, product_id: int) -> None:
        old = self._entries.pop(product_id, None)
        if old is not None:
            self._size -= len(old.facts)

    def _catch_up(self, db: Session) -> int | None:
        """Drop the entries that changes since the marks can affect and move the marks on; the
        generation the entries are then valid for, or None when this session must not use them."""
        with self._lock:
            marks, generation = self._marks, self._generation
        if marks is not None:
            try:
                found = _changes_since(db, marks, self.MAX_ROWS)
            except _Stale:
                found = None
            if found is not None and found != "behind":
                new_marks, listings, orgs, active = found
                with self._lock:
                    self._marks_seen_at = time.monotonic()
                    if new_marks == marks and self._generation == generation:
                        return generation
                    self._forget(listings, orgs, active)
                    if self._marks is not None and self._generation != generation:
                        # Another thread moved the marks meanwhile: what either read is dropped; the
                        # lower of the two marks is kept, so rows only one of them saw are read again.
                        new_marks = _lower(self._marks, new_marks)
                    self._marks = new_marks
                    self._generation += 1
                    return self._generation
            if found == "behind":
                with self._lock:
                    if time.monotonic() - self._marks_seen_at < self.MAX_AGE:
                        return None
                # Nobody has seen the marks for MAX_AGE: a transaction whose rows were read rolled
                # back, nothing was written since; start again from what the database holds.
        newest = _newest_marks(db)
        with self._lock:
            if self._generation != generation:
                return None
            self._entries.clear()
            self._size = 0
            self._marks = newest
            self._marks_seen_at = time.monotonic()
            self._generation += 1
            return self._generation

    def _forget(self, listings: dict[int, tuple[int, int]], orgs: set[int], active: set[int]) -> None:
        """Drop what these changes can affect. `listings`: listings changed, {id: (product, seller)
        now} ((0, 0) once deleted); `orgs`: organisations changed or with a new message (their
        place, credentials, reply score); `active`: sellers that updated a listing or made an offer.

        Dropped: the products holding a changed listing or where it is now; every product with a
        listing of an organisation in `orgs` or of a listing's former seller; and of an `active`
        seller's, only while some entry shows it inactive (QUIET): an update or an offer cannot
        move a seller already active or measured by its replies."""
        products = {product for product, _ in listings.values()}
        orgs = set(orgs)
        for product_id, entry in self._entries.items():
            for listing_id, (_, seller) in listings.items():
                if listing_id in entry.sellers:
                    products.add(product_id)
                    if entry.sellers[listing_id] != seller:  # moved or deleted: its former seller's activity
                        orgs.add(entry.sellers[listing_id])
        active = {seller for _, seller in listings.values()} | set(active)
        quiet = {org for org in active if any(org in entry.quiet for entry in self._entries.values())}
        orgs |= quiet
        for product_id, entry in list(self._entries.items()):
            if product_id in products or not entry.orgs.isdisjoint(orgs):
                self._drop(product_id)


def _lower(first: tuple[Mark, Mark, Mark], second: tuple[Mark, Mark, Mark]) -> tuple[Mark, Mark, Mark]:
    return tuple(a if (a[0] if a else 0) <= (b[0] if b else 0) else b for a, b in zip(first, second, strict=True))


def _read_on(rows: list, mark: Mark, limit: int) -> tuple[Mark, list] | str:
    """The rows of one source from its mark on (`id >= mark`, in id order): the new mark and the
    rows after the mark; "behind" if the session does not see the mark's row and nothing after it."""
    if mark is not None:
        if not rows:
            return "behind"
        if rows[0][0] != mark[0] or as_utc(rows[0][1]) != as_utc(mark[1]):
            raise _Stale  # the row seen is gone (rolled back) or another took its id
        rows = rows[1:]
    if len(rows) > limit:
        raise _Stale
    return ((rows[-1][0], rows[-1][1]) if rows else mark), rows


def _changes_since(db: Session, marks: tuple[Mark, Mark, Mark], limit: int):
    """What was added to the change log, messages and offers since the marks, in one query: (new
    marks, {listing id: (product id, seller id)}, organisations changed or asked, sellers that made
    an offer); "behind" if the session does not see the marks."""
    since = {f"since_{i}": mark[0] if mark else 0 for i, mark in enumerate(marks)}
    by_source: list[list] = [[], [], []]
    for source, row_id, created_at, kind, object_id in db.execute(_SINCE, {**since, "limit": limit + 2}):
        by_source[source].append((row_id, created_at, kind, object_id))
    read = []
    for rows, mark in zip(by_source, marks, strict=True):
        rows.sort(key=lambda row: row[0])
        found = _read_on(rows, mark, limit)
        if found == "behind":
            return "behind"
        read.append(found)
    (change_mark, changes), (message_mark, messages), (offer_mark, offers) = read
    listing_ids: set[int] = set()
    orgs: set[int] = {seller for _, _, _, seller in messages}
    for _, _, kind, object_id in changes:
        if kind == "listing":
            listing_ids.add(object_id)
        elif kind == "org":
            orgs.add(object_id)
        else:
            raise _Stale  # a kind of change this cache does not know: read everything again
    listings: dict[int, tuple[int, int]] = {i: (0, 0) for i in listing_ids}  # deleted: no product now
    if listing_ids:
        listings.update({i: (product, seller) for i, product, seller in db.execute(
            _LISTINGS_NOW, {"ids": sorted(listing_ids)})})
    return (change_mark, message_mark, offer_mark), listings, orgs, {org for _, _, _, org in offers}


def _newest_marks(db: Session) -> tuple[Mark, Mark, Mark]:
    marks = []
    for statement in (_NEWEST_CHANGE, _NEWEST_MESSAGE, _NEWEST_OFFER):
        row = db.execute(statement).first()
        marks.append((row[0], row[1]) if row else None)
    return tuple(marks)


# A demand post's own changes do not change any listing's facts: leaving them out keeps a request's
# edit from sending products back to the database. Offers are logged as their request's change but
# say how active their seller is (responsiveness): they are read from their own table.
_NOT_DEMAND = SearchOutbox.entity != "demand"


def _since(source: int, row_id, created_at, kind, object_id, *conditions, join=None):
    query = select(literal(source).label("source"), row_id.label("id"), created_at.label("created_at"),
                   kind.label("kind"), object_id.label("object_id"))
    if join is not None:
        query = query.join(*join)
    return select(query.where(row_id >= bindparam(f"since_{source}"), *conditions)
                  .order_by(row_id).limit(bindparam("limit")).subquery())


# One round trip a request: the three sources from their marks on (usually one row each).
_SINCE = union_all(
    _since(0, SearchOutbox.id, SearchOutbox.created_at, SearchOutbox.entity, SearchOutbox.entity_id, _NOT_DEMAND),
    _since(1, ConversationMessage.id, ConversationMessage.created_at, literal("message"), Conversation.seller_org_id,
           join=(Conversation, Conversation.id == ConversationMessage.conversation_id)),
    _since(2, Offer.id, Offer.created_at, literal("offer"), Offer.organization_id))
_LISTINGS_NOW = select(Listing.id, Listing.product_id, Listing.organization_id).where(
    Listing.id.in_(bindparam("ids", expanding=True)))
_NEWEST_CHANGE = (select(SearchOutbox.id, SearchOutbox.created_at).where(_NOT_DEMAND)
                  .order_by(SearchOutbox.id.desc()).limit(1))
_NEWEST_MESSAGE = select(ConversationMessage.id, ConversationMessage.created_at).order_by(
    ConversationMessage.id.desc()).limit(1)
_NEWEST_OFFER = select(Offer.id, Offer.created_at).order_by(Offer.id.desc()).limit(1)


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

"""Matching use cases: the matches of a demand post or a listing (computed from current data when
asked), remembering full matches to notify each pair once, dismissals, and following changes.

Pages and the API compute matches when shown, so what they show is never stale. The worker
(matching/jobs.py) follows the change log (marketplace.changes) and refreshes the remembered
state of what changed: a new full match above NOTIFY_SCORE notifies both sides once. Once a day
it rematches everything, because credentials and windows expire with the date alone.
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.changes import follow as changes
from marketplace.db import reading, utcnow
from marketplace.demand.models import DemandPost
from marketplace.formatting import in_reader_language
from marketplace.listings.models import Listing
from marketplace.matching import facts as load
from marketplace.matching.models import MatchState
from marketplace.matching.rules import DemandFacts, ListingFacts, Reason, check, convert, least_unmet
from marketplace.matching.scoring import quantity_share
from marketplace.matching.scoring import score as soft_score
from marketplace.matching.scoring import total as soft_total
from marketplace.notifications import services as notifications

NEAR_MISS_MAX_UNMET = 2  # a listing failing more constraints than this is not worth showing
NOTIFY_SCORE = 50  # a full match at least this good is worth a notification
REMEMBERED_PER_DEMAND = 50  # full matches remembered per demand post (the best ones)
CONSUMER = "matching"
WRITE_CHUNK = 100  # requests or listings whose matches are stored per write transaction


class Match:
    """One (demand post, listing) pair worth showing: full or not, its score, what is unmet, and
    the reasons behind it. The reasons of the soft score are made when first read: a demand page
    ranks hundreds of matches and puts ten into words."""

    __slots__ = ("demand", "listing", "full", "score", "unmet", "_checked", "_today", "_reasons", "pooled")

    def __init__(self, demand: DemandFacts, listing: ListingFacts, full: bool, score: int,
                 reasons: list[Reason] | None = None, unmet: list[Reason] | None = None, *,
                 checked: list[Reason] | None = None, today: date | None = None):
        self.demand, self.listing, self.full, self.score = demand, listing, full, score
        self.unmet = unmet if unmet is not None else []
        self._reasons = reasons  # given in full, or None: the check's reasons + the score's, made when read
        self._checked, self._today = checked or [], today
        self.pooled: Reason | None = None

    @property
    def reasons(self) -> list[Reason]:
        if self._reasons is None:
            self._reasons = (self._checked + soft_score(self.demand, self.listing, self._today).reasons
                             + ([self.pooled] if self.pooled else []))
        return self._reasons

    @property
    def key(self) -> tuple[int, int]:
        return (self.demand.id, self.listing.id)

    def __repr__(self) -> str:
        return f"Match({self.key}, full={self.full}, score={self.score}, unmet={[r.code for r in self.unmet]})"


def evaluate(demand: DemandFacts, listing: ListingFacts, today: date) -> Match:
    """Every rule and score of one pair, with all its reasons (the unfiltered path)."""
    checked = check(demand, listing, today)
    scored = soft_score(demand, listing, today)
    return Match(demand, listing, checked.full, scored.total, checked.reasons + scored.reasons, checked.unmet)


def _evaluate_shown(demand: DemandFacts, listing: ListingFacts, today: date, most_unmet: int) -> Match | None:
    """The pair as a match when it can be shown (not the buyer's own listing, at most `most_unmet`
    constraints unmet), else None. Pairs that cannot be are dropped on a cheap lower bound
    (rules.least_unmet) before the rules run; the soft score's reasons wait until read."""
    if demand.org_id and demand.org_id == listing.org_id:
        return None
    if least_unmet(demand, listing, today) > most_unmet:
        return None
    checked = check(demand, listing, today)
    if len(checked.unmet) > most_unmet:
        return None
    return Match(demand, listing, checked.full, soft_total(demand, listing, today), unmet=checked.unmet,
                 checked=checked.reasons, today=today)


def rank(matches: Iterable[Match]) -> list[Match]:
    """Full matches first (best score first), then near misses (fewest unmet, then score)."""
    return sorted(matches, key=lambda m: (not m.full, len(m.unmet), -m.score, m.listing.id, m.demand.id))


def _worth_showing(match: Match) -> bool:
    return (match.full or len(match.unmet) <= NEAR_MISS_MAX_UNMET) and not _own(match)


def _own(match: Match) -> bool:
    """A cooperative's request is never matched with its own listings (it cannot buy from itself);
    its member clubs' listings are other organisations' and match as any."""
    return bool(match.demand.org_id) and match.demand.org_id == match.listing.org_id


def _pooled_percent(demand: DemandFacts, full: list[Match]) -> int | None:
    """How much of the request all full matches together cover (None: fewer than two)."""
    if demand.quantity <= 0 or len(full) < 2:
        return None
    pooled = 0.0
    for m in full:
        wanted_in_listing_unit = convert(demand.quantity, demand, m.listing)
        if wanted_in_listing_unit:
            pooled += min(1.0, m.listing.quantity / wanted_in_listing_unit)
    return min(100, int(pooled * 100))


def _add_pooling(demand: DemandFacts, matches: list[Match]) -> None:
    """Say, on a full match that covers only part, whether all full matches together cover it."""
    full = [m for m in matches if m.full]
    percent = _pooled_percent(demand, full)
    if percent is None:
        return
    for m in full:
        share = quantity_share(demand, m.listing)
        # the same test as "its quantity reason says less than 100 %" without making the reason
        if share is not None and math.floor(share * 100) < 100:
            reason = Reason.of("pooled", percent=percent, count=len(full))
            if m._reasons is None:
                m.pooled = reason
            else:
                m.reasons.append(reason)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while pairs are evaluated. The loop makes many
    short-lived objects and no reference cycles (refcounting frees them all), yet each allocation
    burst set off collections that walk every live object, the cached facts of every product
    included: measured, most of the slowest requests' time. Safe with threads: only the block that
    paused the collector starts it again."""
    paused_here = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused_here:
            gc.enable()


def matches_for_demand_facts(demand: DemandFacts, listings: Iterable[ListingFacts], today: date, *,
                             full_only: bool = False) -> list[Match]:
    """The listings that can serve a demand post, ranked: full matches, then near misses (or only
    the full ones). Gives what unfiltered_matches_for_demand_facts gives (tests compare the two)."""
    most_unmet = 0 if full_only else NEAR_MISS_MAX_UNMET
    with collector_paused():
        matches = [m for m in (_evaluate_shown(demand, listing, today, most_unmet) for listing in listings) if m]
        _add_pooling(demand, matches)
        return rank(matches)


def unfiltered_matches_for_demand_facts(demand: DemandFacts, listings: Iterable[ListingFacts],
                                        today: date) -> list[Match]:
    """Every pair evaluated in full, with all reasons, then filtered: the matcher as it was before
    the prefilter (issue #21), kept as the reference the tests and the benchmark compare with."""
    matches = [m for m in (evaluate(demand, listing, today) for listing in listings) if _worth_showing(m)]
    full = [m for m in matches if m.full]
    percent = _pooled_percent(demand, full)
    if percent is not None:
        for m in full:
            share = next((r for r in m.reasons if r.code == "quantity"), None)
            if share is not None and share.args["percent"] < 100:
                m.reasons.append(Reason.of("pooled", percent=percent, count=len(full)))
    return rank(matches)


def matches_for_demand(db: Session, demand_id: int, today: date) -> list[Match]:
    found = load.load_demand(db, today, ids=[demand_id])
    if not found:
        return []
    demand = found[0]
    return matches_for_demand_facts(demand, load.product_listings(db, today, demand.product_id), today)


def _matches_for_listing_facts(listing: ListingFacts, demands: Iterable[DemandFacts], today: date) -> list[Match]:
    with collector_paused():
        return rank(m for m in (_evaluate_shown(d, listing, today, NEAR_MISS_MAX_UNMET) for d in demands) if m)


def matches_for_listing(db: Session, listing_id: int, today: date) -> list[Match]:
    found = load.load_listings(db, today, ids=[listing_id])
    if not found:
        return []
    listing = found[0]
    return _matches_for_listing_facts(listing, load.load_demand(db, today, product_id=listing.product_id), today)


def dismissed(db: Session, side: str, *, demand_ids: Iterable[int] = (), listing_ids: Iterable[int] = ()
              ) -> set[tuple[int, int]]:
    column = MatchState.buyer_dismissed_at if side == "buyer" else MatchState.seller_dismissed_at
    statement = select(MatchState.demand_id, MatchState.listing_id).where(column.is_not(None))
    demand_ids, listing_ids = list(demand_ids), list(listing_ids)
    if demand_ids:
        statement = statement.where(MatchState.demand_id.in_(demand_ids))
    if listing_ids:
        statement = statement.where(MatchState.listing_id.in_(listing_ids))
    return {(d, listing) for d, listing in db.execute(statement)}


def _state(db: Session, demand_id: int, listing_id: int) -> MatchState:
    state = db.scalar(select(MatchState).where(MatchState.demand_id == demand_id,
                                               MatchState.listing_id == listing_id))
    if state is None:
        state = MatchState(demand_id=demand_id, listing_id=listing_id)
        db.add(state)
    return state


def dismiss(db: Session, demand_id: int, listing_id: int, side: str, *, hidden: bool = True) -> None:
    """Hide a match from one side's cards (buyer or seller), or show it again with hidden=False."""
    state = _state(db, demand_id, listing_id)
    column = "buyer_dismissed_at" if side == "buyer" else "seller_dismissed_at"
    setattr(state, column, (getattr(state, column) or utcnow()) if hidden else None)
    db.flush()


def undismiss(db: Session, demand_id: int, listing_id: int, side: str) -> None:
    dismiss(db, demand_id, listing_id, side, hidden=False)


# -- remembering and notifying ----------------------------------------------------------------

@dataclass
class RefreshReport:
    """What a refresh did, for the worker's log and `match refresh`: requests and listings whose
    matches were computed again, the full matches among them, and the notifications sent."""

    demand_posts: int = 0
    listings: int = 0
    full: int = 0
    notified: int = 0

    def add(self, other: RefreshReport) -> None:
        for counter in fields(self):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))


def _remember(db: Session, matches: list[Match], *, demand_ids: set[int] = frozenset(),
              listing_ids: set[int] = frozenset()) -> list[Match]:
    """Store the full matches of the given scope; forget (as not full) the scope's other pairs.
    Returns the new full matches worth a notification."""
    full = {m.key: m for m in matches if m.full}
    statement = select(MatchState)
    if demand_ids:
        statement = statement.where(MatchState.demand_id.in_(list(demand_ids)))
    if listing_ids:
        statement = statement.where(MatchState.listing_id.in_(list(listing_ids)))
    states = {(s.demand_id, s.listing_id): s for s in db.scalars(statement)}
    now = utcnow()
    fresh = []
    for key, state in states.items():
        if key not in full and state.full:
            state.full, state.computed_at = False, now
    for key, match in full.items():
        state = states.get(key)
        if state is None:
            state = MatchState(demand_id=key[0], listing_id=key[1])
            db.add(state)
        state.full, state.score, state.computed_at = True, match.score, now
        state.first_full_at = state.first_full_at or now
        if state.notified_at is None and match.score >= NOTIFY_SCORE:
            state.notified_at = now
            fresh.append(match)
    db.flush()
    return fresh


def _full_for_demand(db: Session, demand_id: int, today: date) -> list[Match]:
    found = load.load_demand(db, today, ids=[demand_id])
    # A request already covered by accepted offers is not matched any more (nothing left to tell).
    open_post = found and found[0].needed_to >= today and found[0].quantity > 0 and _is_open(db, demand_id)
    if not open_post:
        return []
    listings = load.product_listings(db, today, found[0].product_id)
    return matches_for_demand_facts(found[0], listings, today, full_only=True)[:REMEMBERED_PER_DEMAND]


def _full_for_listing(db: Session, listing_id: int, today: date) -> list[Match]:
    return [m for m in matches_for_listing(db, listing_id, today) if m.full and m.demand.quantity > 0]


def _is_open(db: Session, demand_id: int) -> bool:
    return db.scalar(select(DemandPost.status).where(DemandPost.id == demand_id)) == "open"


@dataclass
class Computed:
    """The full matches of one request or one listing, computed (possibly in a read-only
    transaction) before they are remembered."""
    side: str  # "demand" or "listing"
    object_id: int
    matches: list[Match]


def compute(db: Session, keys: Iterable[tuple[str, int]], today: date) -> list[Computed]:
    """The full matches of what changed: ("listing", id), ("demand", id) or ("org", id) for all of
    an org's. Only reads."""
    listing_ids, demand_ids = set(), set()
    for kind, object_id in keys:
        if kind == "listing":
            listing_ids.add(object_id)
        elif kind == "demand":
            demand_ids.add(object_id)
        elif kind == "org":
            listing_ids |= set(db.scalars(select(Listing.id).where(Listing.organization_id == object_id)))
            demand_ids |= set(db.scalars(select(DemandPost.id).where(DemandPost.organization_id == object_id)))
    return ([Computed("listing", i, _full_for_listing(db, i, today)) for i in sorted(listing_ids)]
            + [Computed("demand", i, _full_for_demand(db, i, today)) for i in sorted(demand_ids)])


def store(db: Session, computed: Iterable[Computed], *, notify: bool = True) -> RefreshReport:
    """Remember computed matches (each item replaces what was remembered for its request or
    listing) and notify the new good ones. Flushes; the caller commits."""
    report = RefreshReport()
    fresh: list[Match] = []
    for item in computed:
        if item.side == "listing":
            fresh += _remember(db, item.matches, listing_ids={item.object_id})
            report.listings += 1
        else:
            fresh += _remember(db, item.matches, demand_ids={item.object_id})
            report.demand_posts += 1
        report.full += len(item.matches)
    if notify:
        report.notified = notify_matches(db, fresh)
    return report


def refresh(db: Session, keys: Iterable[tuple[str, int]], today: date, *, notify: bool = True) -> RefreshReport:
    """Recompute what changed: ("listing", id), ("demand", id) or ("org", id) for all of an org's.
    One transaction; the caller commits."""
    return store(db, compute(db, keys, today), notify=notify)


def compute_rematch(db: Session, today: date) -> tuple[list[Computed], list[int]]:
    """Every open demand post against the listings of its product (each product's listings read
    once), and the remembered full matches whose request is no longer open. Only reads."""
    posts = load.load_demand(db, today)
    by_product: dict[int, list[DemandFacts]] = defaultdict(list)
    for post in posts:
        by_product[post.product_id].append(post)
    computed: list[Computed] = []
    for product_id, demands in by_product.items():
        listings = load.product_listings(db, today, product_id)
        by_variety: dict[str, list[ListingFacts]] = defaultdict(list)
        for listing in listings:
            by_variety[listing.variety_key].append(listing)
        for demand in demands:
            if demand.quantity <= 0:
                continue  # covered by accepted offers
            # Only a listing of the variety asked for can be a full match.
            candidates = by_variety.get(demand.variety_key, []) if demand.variety_key else listings
            full = matches_for_demand_facts(demand, candidates, today, full_only=True)[:REMEMBERED_PER_DEMAND]
            computed.append(Computed("demand", demand.id, full))
    open_ids = {p.id for p in posts}
    closed = [state_id for state_id, demand_id in db.execute(
        select(MatchState.id, MatchState.demand_id).where(MatchState.full.is_(True))) if demand_id not in open_ids]
    return computed, closed


def forget_closed(db: Session, state_ids: list[int]) -> None:
    """Pairs whose request closed or expired are no longer full matches."""
    if state_ids:
        db.execute(update(MatchState).where(MatchState.id.in_(state_ids)).values(full=False))


def rematch_all(db: Session, today: date, *, notify: bool = True) -> RefreshReport:
    """Rematch every open request in one transaction (the caller commits). Run daily: validity and
    windows change with the date alone. The worker and `match refresh` use rematch_in_chunks."""
    computed, closed = compute_rematch(db, today)
    report = store(db, computed, notify=notify)
    forget_closed(db, closed)
    db.flush()
    return report


def rematch_in_chunks(db: Session, today: date, *, commit: Callable[[], None], notify: bool = True) -> RefreshReport:
    """rematch_all, computed in a read-only transaction and stored in short write transactions
    (each ended by `commit`), so the daily rematch never holds SQLite's write lock for minutes.
    Safe to stop at any point: a pair already notified is not notified again, and the next run
    redoes the rest."""
    with reading():
        computed, closed = compute_rematch(db, today)
        commit()
    report = store_in_chunks(db, computed, commit=commit, notify=notify)
    for start in range(0, len(closed), WRITE_CHUNK * 10):
        forget_closed(db, closed[start:start + WRITE_CHUNK * 10])
        commit()
    return report


def store_in_chunks(db: Session, computed: list[Computed], *, commit: Callable[[], None],
                    notify: bool = True) -> RefreshReport:
    """store() WRITE_CHUNK requests or listings per transaction, each ended by `commit`."""
    total = RefreshReport()
    for start in range(0, len(computed), WRITE_CHUNK):
        total.add(store(db, computed[start:start + WRITE_CHUNK], notify=notify))
        commit()
    return total


def notify_matches(db: Session, matches: list[Match]) -> int:
    """Tell the buyer's buyers and the club's sellers about each new good full match."""
    count = 0
    for match in matches:
        demand = db.get(DemandPost, match.demand.id)
        listing = db.get(Listing, match.listing.id)
        if demand is None or listing is None:
            continue
        # Names in both languages: each reader's notice and mail say them in the reader's one.
        params = {"demand": demand.title, "listing": listing.title, "seller": listing.organization.name,
                  "buyer": demand.organization.name, "score": match.score,
                  "demand_en": demand.title_en, "listing_en": listing.title_en}
        buyers = accounts.buyers_of(db, demand.organization_id)  # a club's board buys for it too
        sellers = notifications.members(db, listing.organization_id, ("seller",))
        count += notifications.notify(
            db, buyers, notifications.Message("match", params | {"side": "buyer"}, f"/demand/{demand.id}#matches"),
            subject=lambda _user, p=params: _("New match for your request: %(listing)s", **in_reader_language(p)),
            body=lambda _user, p=params: _("%(seller)s has %(listing)s, a full match for your request "
                                           "“%(demand)s” (score %(score)d/100).", **in_reader_language(p)))
        count += notifications.notify(
            db, sellers, notifications.Message("match", params | {"side": "seller"}, f"/listings/{listing.id}#matches"),
            subject=lambda _user, p=params: _("A buyer needs your %(listing)s", **in_reader_language(p)),
            body=lambda _user, p=params: _("%(buyer)s asks for “%(demand)s”: your listing %(listing)s is a full "
                                           "match (score %(score)d/100).", **in_reader_language(p)))
    return count


def demand_with_full_match(db: Session, today: date) -> tuple[int, int]:
    """(open demand posts with at least one full match, open demand posts): for staff."""
    open_posts = select(DemandPost.id).where(DemandPost.status == "open", DemandPost.needed_to >= today)
    total = db.scalar(select(func.count()).select_from(open_posts.subquery())) or 0
    matched = db.scalar(select(func.count(func.distinct(MatchState.demand_id)))
                        .where(MatchState.full.is_(True), MatchState.demand_id.in_(open_posts))) or 0
    return matched, total


# -- following the change log ---------------------------------------------------------------

def follow(db: Session, today: date, *, commit: Callable[[], None], batch: int = changes.BATCH) -> RefreshReport:
    """Refresh what changed since last time; once a day, everything first.

    Each batch of the change log is read and matched in a read-only transaction, then stored in
    short write transactions (ended by `commit`): on SQLite a long write transaction (an import's
    backlog, the daily rematch) would keep every page from saving anything.
    """
    total = RefreshReport()
    with reading():
        rematched_on = changes.saved_state(db, CONSUMER).get("rematched_on")
        commit()
    if rematched_on != today.isoformat():
        total.add(rematch_in_chunks(db, today, commit=commit))
        changes.DatabasePosition(db, CONSUMER).save({"rematched_on": today.isoformat()})
        commit()
    changes.follow(db, CONSUMER, lambda rows: compute(db, changes.changed(rows), today), commit=commit,
                   record=lambda computed: total.add(store_in_chunks(db, computed, commit=commit)), batch=batch)
    return total

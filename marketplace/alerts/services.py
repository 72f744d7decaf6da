"""Saving searches and alerting their owners when a new listing or demand post fits one.

The worker (alerts/jobs.py) follows the change log (marketplace.changes) with a platform-wide
position. Each batch of changed listings and demand posts is put in a small index
in memory, with the same analysis as the real one, and every saved search is run against it: a
saved search means exactly what the same search on /search means, whatever state the on-disk index
of this host is in. A document alerts a saved search once (saved_search_hits), and only when it
was published after the search was saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import Membership, User
from marketplace.alerts.models import SavedSearch, SavedSearchHit
from marketplace.changes import follow as changes
from marketplace.dates import as_utc
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
from marketplace.notifications import services as notifications
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import documents_for
from marketplace.search.query import SAVED_PARAMETERS, read_request
from marketplace.search.services import backend as search_backend
from marketplace.vietnamese import clean_message

CONSUMER = "alerts"
MAX_PER_USER = 20
SEND_CHUNK = 200  # alerts recorded and notified per write transaction


class AlertError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def canonical_query(args) -> str:
    """The search's own parameters in a fixed order (no page, no sort), as a query string."""
    pairs = []
    for name in SAVED_PARAMETERS:
        values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
        pairs += [(name, str(v).strip()) for v in values if v is not None and str(v).strip()]
    return urlencode(pairs)



def default_name(args) -> str:
    return (str(args.get("q") or "").strip() or _("Search without words"))[:120]


def save(db: Session, user: User, args, name: str | None = None) -> SavedSearch:
    """Save the search in `args` (request args); raises AlertError(empty | invalid | too_many)."""
    query = canonical_query(args)
    search_request, problems = read_request(MultiDict(parse_qsl(query)))
    if problems:
        raise AlertError("invalid")
    if search_request.parsed.empty and not search_request.active_filters and not search_request.type:
        raise AlertError("empty")  # everything would fit: that is the home page, not an alert
    existing = db.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.query == query))
    if existing is not None:
        return existing
    count = db.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id)) or 0
    if count >= MAX_PER_USER:
        raise AlertError("too_many")
    saved = SavedSearch(user_id=user.id, name=clean_message(name)[:120] or default_name(args),
                        query=clean_message(query))
    db.add(saved)
    db.flush()
    return saved


def saved_searches(db: Session, user: User) -> list[SavedSearch]:
    return list(db.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.id)))


def delete(db: Session, user: User, saved_id: int) -> bool:
    saved = db.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        return False
    db.delete(saved)
    db.flush()
    return True


def _published_at(db: Session, doc_ids: set[str]) -> dict[str, datetime]:
    listing_ids = [int(d.split(":")[1]) for d in doc_ids if d.startswith("listing:")]
    demand_ids = [int(d.split(":")[1]) for d in doc_ids if d.startswith("demand:")]
    times: dict[str, datetime] = {}
    if listing_ids:
        for listing_id, published, created in db.execute(
                select(Listing.id, Listing.published_at, Listing.created_at).where(Listing.id.in_(listing_ids))):
            times[f"listing:{listing_id}"] = published or created
    if demand_ids:
        for demand_id, created in db.execute(select(DemandPost.id, DemandPost.created_at)
                                             .where(DemandPost.id.in_(demand_ids))):
            times[f"demand:{demand_id}"] = created
    return times



@dataclass(frozen=True)
class Alert:
    """A document that fits a saved search: what the owner is told."""

    saved_search_id: int
    name: str
    user_id: int
    doc_id: str
    type: str
    object_id: int
    title: str
    org_name: str


def find_alerts(db: Session, keys: set[tuple[str, int]], today: date) -> list[Alert]:
    """Which saved searches these changed (kind, id) objects fit, new since the search was saved and
    not the owner's own. Only reads: run it in db.reading(), so SQLite's write lock stays free."""
    wanted = {(kind, object_id) for kind, object_id in keys if kind in ("listing", "demand")}
    if not wanted or not db.scalar(select(SavedSearch.id).limit(1)):
        return []
    documents = {doc_id: doc for doc_id, doc in documents_for(db, wanted).items()
                 if doc is not None and doc["type"] in ("listing", "demand")}
    if not documents:
        return []
    index = WhooshBackend(None)
    index.rebuild(documents.values())
    whole_index = search_backend()
    published = _published_at(db, set(documents))
    searches = db.execute(select(SavedSearch.id, SavedSearch.name, SavedSearch.query, SavedSearch.created_at,
                                 SavedSearch.user_id)
                          .join(User, User.id == SavedSearch.user_id)
                          .where(User.active.is_(True)).order_by(SavedSearch.id)).all()
    owners_orgs: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in db.execute(select(Membership.user_id, Membership.organization_id)
                                      .where(Membership.user_id.in_({row.user_id for row in searches}))):
        owners_orgs[user_id].add(org_id)
    hits_of_query: dict[str, list] = {}  # many people save the same search: run it once per batch
    found = []
    for row in searches:
        if row.query not in hits_of_query:
            search_request, _problems = read_request(MultiDict(parse_qsl(row.query)))
            search_request = replace(search_request, page=1, per_page=len(documents), sort="newest")
            # Whether a word is a typo is decided by the whole index, not by this batch's few
            # documents: else "xoai cam" would be read as "xoai cat" just because no orange is new.
            hits_of_query[row.query] = index.search(search_request, today, facets=False, decorate=False,
                                                    known=whole_index.knows).hits
        for hit in hits_of_query[row.query]:
            when = published.get(hit.doc_id)
            if when is None or as_utc(when) < as_utc(row.created_at) or hit.org_id in owners_orgs[row.user_id]:
                continue
            found.append(Alert(row.id, row.name, row.user_id, hit.doc_id, hit.type, hit.object_id, hit.title,
                               hit.org_name))
    return found


def send_alerts(db: Session, found: list[Alert]) -> int:
    """Record and notify each alert once (saved_search_hits); returns how many were sent."""
    sent = 0
    owners = {u.id: u for u in db.scalars(select(User).where(User.id.in_({a.user_id for a in found})))} \
        if found else {}
    for alert in found:
        try:
            with db.begin_nested():
                db.add(SavedSearchHit(saved_search_id=alert.saved_search_id, doc_id=alert.doc_id))
        except IntegrityError:
            continue  # told already
        url = f"/listings/{alert.object_id}" if alert.type == "listing" else f"/demand/{alert.object_id}"
        params = {"search": alert.name, "title": alert.title, "org": alert.org_name,
                  "saved_search": alert.saved_search_id}
        sent += notifications.notify(db, [owners[alert.user_id]], notifications.Message("alert", params, url))
    return sent


def alert_new(db: Session, keys: set[tuple[str, int]], today: date) -> int:
    """Find and send in one go (tests, small batches); the worker splits the two (see follow)."""
    return send_alerts(db, find_alerts(db, keys, today))


def follow(db: Session, today: date, *, commit: Callable[[], None], batch: int = changes.BATCH) -> int:
    """Alert about what changed since last time (platform-wide position); returns how many alerts.

    Each batch is read and searched in a read-only transaction, then recorded in short write
    transactions (ended by `commit`): on SQLite a long write transaction would keep pages from
    saving anything.
    """
    sent = 0

    def record(found: list[Alert]) -> None:
        nonlocal sent
        for start in range(0, len(found), SEND_CHUNK):
            # Short write transactions: an import's thousands of alerts never hold SQLite's write
            # lock for long. Safe to repeat after a crash: a recorded hit is not sent again.
            sent += send_alerts(db, found[start:start + SEND_CHUNK])
            commit()

    changes.follow(db, CONSUMER, lambda rows: find_alerts(db, changes.changed(rows), today), commit=commit,
                   record=record, batch=batch)
    return sent

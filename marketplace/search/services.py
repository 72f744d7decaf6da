"""Rebuilding, following and checking the index, and running a search for a page or the API.

The indexer (`marketplace search sync --follow`, started by `make run`) is the one process that
writes an index: it reads the outbox rows its index has not handled, rebuilds the documents of
what changed from the database, writes the index, and only then records how far it got (in a
file that lives with the index). A crash anywhere in between leaves the rows unhandled, and the
next run handles them again; writing a document twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization
from marketplace.dates import as_utc
from marketplace.db import reading
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
from marketplace.search import outbox  # noqa: F401  (registers the flush hook with every app)
from marketplace.search.backend import (
    WRITE_TIMEOUT,
    Applied,
    IndexBusy,
    IndexUnwritable,
    SearchBackend,
    SearchResult,
    make_backend,
)
from marketplace.search.documents import all_documents, doc_id, documents_for
from marketplace.search.models import SearchOutbox
from marketplace.search.query import SearchRequest

SYNC_BATCH = 500

__all__ = ["IndexBusy", "IndexDifferences", "IndexUnwritable", "SearchPage", "SyncReport", "check", "reindex",
           "run_search", "sync", "sync_batch"]


@dataclass
class IndexDifferences:
    """What `check` found: every document that differs, and which of them a change still waiting
    in the outbox explains (the indexer has not applied it yet: not a fault)."""

    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the database
    stale: list[str] = field(default_factory=list)  # in both, with different content
    pending: int = 0  # outbox rows this index has not handled yet
    waiting: set[str] = field(default_factory=set)  # documents those rows name

    @property
    def clean(self) -> bool:
        """Index and database agree, document for document."""
        return not (self.missing or self.extra or self.stale)

    def unexplained(self) -> IndexDifferences:
        """The differences no pending change accounts for: the index is wrong, not just behind."""
        return IndexDifferences(missing=[k for k in self.missing if k not in self.waiting],
                                extra=[k for k in self.extra if k not in self.waiting],
                                stale=[k for k in self.stale if k not in self.waiting])

    @property
    def consistent(self) -> bool:
        """Nothing differs but what the indexer has still to apply."""
        return self.unexplained().clean


@dataclass
class SyncReport:
    rows: int = 0
    rebuilt: int | None = None  # documents written by a full rebuild, when there was no index
    applied: Applied = field(default_factory=Applied)
    pruned: int = 0


@dataclass
class OutboxPosition:
    """How far one index has followed the outbox.

    Every row up to `upto` is handled; `seen` holds rows above it already handled (id → when the
    row was written). The outbox is a log that each index follows on its own — several hosts can
    each keep an index following one PostgreSQL database — so rows are not deleted when handled
    but pruned after RETENTION. PostgreSQL hands out ids at insert time, so a slow transaction can
    commit a row *below* one already handled: gaps under a handled row are waited for, up to
    LATE_WINDOW, before they are given up as rolled back.
    """

    upto: int = 0
    seen: dict[int, float] = field(default_factory=dict)
    updated_at: float = 0.0

    @classmethod
    def load(cls, state: dict) -> OutboxPosition:
        return cls(upto=int(state.get("upto", 0)), seen={int(k): v for k, v in state.get("seen", {}).items()},
                   updated_at=float(state.get("updated_at", 0.0)))

    def dump(self) -> dict:
        return {"upto": self.upto, "seen": {str(k): v for k, v in self.seen.items()}, "updated_at": self.updated_at}

    def handled(self, row_id: int) -> bool:
        return row_id <= self.upto or row_id in self.seen

    def advance(self, now: float) -> None:
        for row_id in sorted(self.seen):
            contiguous = row_id == self.upto + 1
            if contiguous or self.seen[row_id] < now - LATE_WINDOW.total_seconds():
                self.upto = row_id
                del self.seen[row_id]
            else:
                break


LATE_WINDOW = timedelta(minutes=2)  # longer than any write transaction runs between flush and commit
RETENTION = timedelta(days=7)  # an index that has not followed the outbox for this long is rebuilt


def _now() -> float:
    return datetime.now(UTC).timestamp()


def row_timestamp(moment: datetime) -> float:
    return as_utc(moment).timestamp()


def _rebuild(db: Session, backend: SearchBackend) -> int:
    """A full rebuild; rows of the last LATE_WINDOW are followed again after it (cheaply: the
    documents they name are found unchanged), so nothing committed during the rebuild is lost."""
    started = datetime.now(UTC)
    boundary = db.scalar(select(func.max(SearchOutbox.id))
                         .where(SearchOutbox.created_at < started - LATE_WINDOW)) or 0
    position = OutboxPosition(upto=boundary, updated_at=started.timestamp())
    return backend.rebuild(all_documents(db), state=position.dump())


def reindex(db: Session, backend: SearchBackend, *, timeout: float = WRITE_TIMEOUT) -> int:
    """Rebuild from the database into a new index and swap it in (the old one stays in place if
    the new one cannot be written: IndexUnwritable)."""
    with _writing(backend), backend.lock(timeout), reading():
        count = _rebuild(db, backend)
        db.commit()
        return count


@contextmanager
def _writing(backend: SearchBackend) -> Iterator[None]:
    """File errors while writing the index (a read-only folder, a full disk, a file-size limit)
    become IndexUnwritable, which says which folder and why. Only the index's files are written
    in here; the database's errors are not OSErrors."""
    try:
        yield
    except OSError as error:
        raise IndexUnwritable(getattr(backend, "root", None), error) from error


def check(db: Session, backend: SearchBackend, *, attempts: int = 5) -> IndexDifferences:
    """Compare every document with the database, and say which differences are changes the
    indexer has not applied yet.

    The order of the reads matters, as the indexer may run meanwhile: the index's position, its
    documents and its position again (equal, or the indexer wrote in between: read again), then
    the database's documents, then the outbox rows the position has not handled. The index only
    ever holds what was committed, and a change commits its outbox row with it, so whatever the
    database holds that the index lacks is either named by a row read last or a real difference.
    """
    for _ in range(attempts):
        before = backend.read_state()
        actual = backend.fingerprints()
        if backend.read_state() == before:
            break
    with reading():
        expected_documents = {d["doc_id"]: d for d in all_documents(db)}
        rows = unhandled_rows(db, OutboxPosition.load(before), batch=10**9)
    expected = {key: d["fingerprint"] for key, d in expected_documents.items()}
    differences = IndexDifferences(
        missing=sorted(set(expected) - set(actual)),
        extra=sorted(set(actual) - set(expected)),
        stale=sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k]),
        pending=len(rows),
    )
    named = {(row.entity, row.entity_id) for row in rows}
    differences.waiting = {doc_id(kind, object_id) for kind, object_id in named}
    orgs = {str(object_id) for kind, object_id in named if kind == "org"}
    if orgs:
        # An org's change rewrites its listings' and requests' documents (its name, place, credentials).
        differences.waiting |= {key for key, d in expected_documents.items() if d.get("org_id") in orgs}
        differences.waiting |= backend.doc_ids_of_orgs(int(org) for org in orgs)
    return differences


def unhandled_rows(db: Session, position: OutboxPosition, batch: int) -> list:
    """Outbox rows the position has not handled: late ones below its highest, then up to batch new."""
    columns = (SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id, SearchOutbox.created_at)
    top = max(position.seen, default=position.upto)
    late = [row for row in db.execute(select(*columns).where(SearchOutbox.id > position.upto,
                                                             SearchOutbox.id <= top).order_by(SearchOutbox.id))
            if row.id not in position.seen]
    new = db.execute(select(*columns).where(SearchOutbox.id > top).order_by(SearchOutbox.id).limit(batch)).all()
    return late + list(new)


def pending(db: Session, backend: SearchBackend) -> int:
    """Outbox rows this index has not handled yet."""
    position = OutboxPosition.load(backend.read_state())
    return len(unhandled_rows(db, position, batch=10**9))


def _split(doc_key: str) -> tuple[str, int]:
    kind, object_id = doc_key.split(":")
    return kind, int(object_id)


def sync_batch(db: Session, backend: SearchBackend, position: OutboxPosition, *,
               batch: int = SYNC_BATCH) -> SyncReport:
    """Handle up to `batch` new outbox rows (and any late ones); the caller holds the lock."""
    report = SyncReport()
    rows = unhandled_rows(db, position, batch)
    if not rows:
        return report
    keys = {(row.entity, row.entity_id) for row in rows}
    documents = documents_for(db, keys)
    org_ids = [entity_id for entity, entity_id in keys if entity == "org"]
    if org_ids:
        # Listings and demand deleted with their organisation (ON DELETE CASCADE) never passed
        # through the session: find them by what the index says they belonged to.
        others = backend.doc_ids_of_orgs(org_ids) - set(documents)
        documents |= documents_for(db, {_split(key) for key in others})
    report.applied = backend.apply(documents)
    for row in rows:
        position.seen[row.id] = row_timestamp(row.created_at)
    report.rows = len(rows)
    return report


def sync(db: Session, backend: SearchBackend, *, timeout: float = WRITE_TIMEOUT,
         batch: int = SYNC_BATCH) -> SyncReport:
    """Bring this index up to date with everything committed; commits (it only reads, but for
    the prune).

    Builds the index from scratch when there is none (a fresh machine, a lost folder) or when it
    has not followed the outbox for longer than the outbox keeps rows. Prunes old rows.
    """
    total = SyncReport()
    with _writing(backend), backend.lock(timeout), reading():
        position = OutboxPosition.load(backend.read_state()) if backend.exists() else None
        if position is None or (position.updated_at and position.updated_at < _now() - RETENTION.total_seconds()):
            total.rebuilt = _rebuild(db, backend)
            position = OutboxPosition.load(backend.read_state())
        while True:
            report = sync_batch(db, backend, position, batch=batch)
            position.advance(_now())
            position.updated_at = _now()
            backend.write_state(position.dump())
            if not report.rows:
                break
            total.rows += report.rows
            for name in ("updated", "deleted", "unchanged"):
                setattr(total.applied, name, getattr(total.applied, name) + getattr(report.applied, name))
        db.commit()  # end the read; the prune below writes in a short transaction of its own
        cutoff = datetime.now(UTC) - RETENTION
        total.pruned = db.execute(delete(SearchOutbox).where(SearchOutbox.created_at < cutoff)).rowcount or 0
        db.commit()
    return total


@dataclass
class SearchPage:
    """A search result with the database objects behind its hits, for rendering cards."""

    result: SearchResult
    objects: dict[str, object] = field(default_factory=dict)

    def items(self):
        """(hit, object) pairs, skipping any hit whose object the index has not yet seen go."""
        for hit in self.result.hits:
            obj = self.objects.get(hit.doc_id)
            if obj is not None:
                yield hit, obj


def run_search(db: Session, backend: SearchBackend, request: SearchRequest, today: date) -> SearchPage:
    result = backend.search(request, today)
    page = SearchPage(result)
    ids: dict[str, list[int]] = {"listing": [], "demand": [], "org": []}
    for hit in result.hits:
        ids[hit.type].append(hit.object_id)
    loaders = {
        "listing": select(Listing).options(selectinload(Listing.photos), selectinload(Listing.certificates),
                                           selectinload(Listing.planting_codes), selectinload(Listing.variety))
        .where(Listing.id.in_(ids["listing"])),
        "demand": select(DemandPost).options(selectinload(DemandPost.variety))
        .where(DemandPost.id.in_(ids["demand"])),
        "org": select(Organization).where(Organization.id.in_(ids["org"])),
    }
    for kind, statement in loaders.items():
        if ids[kind]:
            for obj in db.scalars(statement):
                page.objects[f"{kind}:{obj.id}"] = obj
    return page


def init_app(app: Flask) -> None:
    app.extensions["search_backend"] = make_backend(app.config["SEARCH_INDEX_DIR"])


def backend() -> SearchBackend:
    return current_app.extensions["search_backend"]

"""Rebuilding, following and checking the index, and running a search for a page or the API.

The indexer (the worker's search job, or `marketplace search sync --follow`) is the one process
that writes an index: it follows the change log (marketplace.changes) from where its index stands,
rebuilds the documents of what changed from the database, writes the index, and only then records
how far it got (in a file that lives with the index). A crash anywhere in between leaves the rows unhandled, and the
next run handles them again; writing a document twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization
from marketplace.changes import follow as changes
from marketplace.changes.follow import LATE_WINDOW, RETENTION, Position
from marketplace.db import reading
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
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
from marketplace.search.query import SearchRequest

SYNC_BATCH = 500
# Change-log rows read and written in one index commit after an import: one segment per 5,000
# documents rather than per 500 (fewer commits, fewer small segments merged again and again).
INTAKE_BATCH = 5000

__all__ = ["IndexBusy", "IndexDifferences", "IndexUnwritable", "SearchPage", "SyncReport", "apply_rows", "check",
           "reindex", "run_search", "sync"]


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


class IndexPosition:
    """Where this index stands in the change log: kept beside the index (store.STATE_FILE), so a
    rebuild swaps index and position together."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    def load(self) -> dict:
        return self.backend.read_state()

    def save(self, state: dict) -> None:
        self.backend.write_state(state)


def _rebuild(db: Session, backend: SearchBackend) -> int:
    """A full rebuild; rows of the last LATE_WINDOW are followed again after it (cheaply: the
    documents they name are found unchanged), so nothing committed during the rebuild is lost."""
    started = datetime.now(UTC)
    position = Position(upto=changes.latest_before(db, started - LATE_WINDOW), updated_at=started.timestamp())
    return backend.rebuild(all_documents(db), state=position.dump())


def reindex(db: Session, backend: SearchBackend, *, commit: Callable[[], None],
            timeout: float = WRITE_TIMEOUT) -> int:
    """Rebuild from the database into a new index and swap it in (the old one stays in place if
    the new one cannot be written: IndexUnwritable). It only reads; `commit` ends the read."""
    with _writing(backend), backend.lock(timeout), reading():
        count = _rebuild(db, backend)
        commit()
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
        rows = changes.unhandled_rows(db, Position.load(before), batch=10**9)
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


def pending(db: Session, backend: SearchBackend) -> int:
    """Outbox rows this index has not handled yet."""
    position = Position.load(backend.read_state())
    return len(changes.unhandled_rows(db, position, batch=10**9))


def _split(doc_key: str) -> tuple[str, int]:
    kind, object_id = doc_key.split(":")
    return kind, int(object_id)


def apply_rows(db: Session, backend: SearchBackend, rows: list) -> Applied:
    """Write the documents these change-log rows name (as the database has them now); the caller
    holds the index's lock."""
    keys = changes.changed(rows)
    documents = documents_for(db, keys)
    org_ids = [entity_id for entity, entity_id in keys if entity == "org"]
    if org_ids:
        # Listings and demand deleted with their organisation (ON DELETE CASCADE) never passed
        # through the session: find them by what the index says they belonged to.
        others = backend.doc_ids_of_orgs(org_ids) - set(documents)
        documents |= documents_for(db, {_split(key) for key in others})
    return backend.apply(documents)


def sync(db: Session, backend: SearchBackend, *, commit: Callable[[], None], timeout: float = WRITE_TIMEOUT,
         batch: int = SYNC_BATCH) -> SyncReport:
    """Bring this index up to date with everything committed. It only reads the database;
    `commit` ends each read.

    Builds the index from scratch when there is none (a fresh machine, a lost folder) or when it
    has not followed the change log for longer than the log keeps rows.
    """
    total = SyncReport()

    def handle(rows: list) -> None:
        applied = apply_rows(db, backend, rows)
        for name in ("updated", "deleted", "unchanged"):
            setattr(total.applied, name, getattr(total.applied, name) + getattr(applied, name))

    with _writing(backend), backend.lock(timeout):
        with reading():
            position = Position.load(backend.read_state()) if backend.exists() else None
            if position is None or (position.updated_at
                                    and position.updated_at < changes.now() - RETENTION.total_seconds()):
                total.rebuilt = _rebuild(db, backend)
            commit()
        total.rows = changes.follow(db, IndexPosition(backend), handle, commit=commit, batch=batch)
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
    # Searchers are warmed in the background (no search pays for a new one's empty caches) except
    # under tests, which expect to read what they just wrote at once.
    warm = app.config.get("SEARCH_WARM")
    if warm is None:  # an app configured without load_config's defaults
        warm = not app.config.get("TESTING", False)
    app.extensions["search_backend"] = make_backend(app.config["SEARCH_INDEX_DIR"], warm=warm)


def backend() -> SearchBackend:
    return current_app.extensions["search_backend"]

"""Plain data that is the same for every reader (the catalogue's categories on the home page),
kept per web process (issue #21).

Kept as plain values (tuples, frozen dataclasses), never ORM objects: an ORM object belongs to one
request's session and would be stale or detached in the next. A value is read again:
- at once, when this process commits a change of a category, product or variety (a staff member
  adopting a typed name, the catalogue queue): the next page shows it;
- after SHARED_DATA_SECONDS (default 60) otherwise, for changes another process made (the other
  web workers, `marketplace taxonomy` from the command line). The catalogue changes a few times
  a year, by staff; a category listed on the home page a minute late harms nobody, and it spares
  every page the reads (about 5 ms of the home page's rendering before).
A value is kept only if it was read in a transaction begun after this process's last such commit
(on SQLite a transaction reads one snapshot, perhaps older than the commit).
SHARED_DATA_SECONDS=0 reads every time (the tests do, except the ones of this module).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.products.models import Category, Product, Variety

T = TypeVar("T")
_CHANGED = "shared_data.changed"
_BEGUN_AT = "shared_data.generation_at_begin"
SHARED_KINDS = (Category, Product, Variety)


class SharedData:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.generation = 0
        self.kept: dict[str, tuple[float, int, object]] = {}
        self.lock = threading.Lock()

    def get(self, name: str, db: Session, read: Callable[[Session], T]) -> T:
        """The value kept under `name`, or `read(db)`, kept from now on if nothing this process
        committed can be missing from it."""
        if self.seconds <= 0:
            return read(db)
        now = time.monotonic()
        with self.lock:
            kept = self.kept.get(name)
            if kept is not None and kept[0] > now and kept[1] == self.generation:
                return kept[2]  # type: ignore[return-value]
        # Read outside the lock. The value is as old as db's transaction (on SQLite a snapshot
        # taken at its first read, perhaps long before): kept only if no commit of this process
        # came since that transaction began, else it could be older than the commit and be
        # served as current for SHARED_DATA_SECONDS.
        value = read(db)
        begun_at = db.info.get(_BEGUN_AT) if db.in_transaction() else None
        with self.lock:
            if begun_at == self.generation:
                self.kept[name] = (now + self.seconds, begun_at, value)
        return value

    def forget(self) -> None:
        with self.lock:
            self.generation += 1
            self.kept.clear()


def init_app(app) -> None:
    app.extensions["shared_data"] = SharedData(float(app.config.get("SHARED_DATA_SECONDS", 60) or 0))


def shared(name: str, db: Session, read: Callable[[Session], T]) -> T:
    return current_app.extensions["shared_data"].get(name, db, read)


def _keeper() -> SharedData | None:
    return current_app.extensions.get("shared_data") if has_app_context() else None


@event.listens_for(Session, "after_begin")
def _note_generation_at_begin(db: Session, transaction, _connection) -> None:
    # The outermost transaction only: a savepoint reads within its parent's snapshot.
    keeper = _keeper()
    if transaction.parent is None and keeper is not None:
        db.info[_BEGUN_AT] = keeper.generation


@event.listens_for(Session, "before_flush")
def _note_changes(db: Session, _flush_context, _instances) -> None:
    if any(isinstance(o, SHARED_KINDS) for o in (*db.new, *db.dirty, *db.deleted)):
        db.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_commit(db: Session) -> None:
    # After the commit, not at the flush: a page read before it must not keep the old value as new.
    if db.info.pop(_CHANGED, False):
        keeper = _keeper()
        if keeper is not None:
            keeper.forget()


@event.listens_for(Session, "after_soft_rollback")
def _nothing_changed(db: Session, previous_transaction) -> None:
    # Only when the whole transaction rolls back: a savepoint rolled back (after_rollback fires for
    # it too) leaves the outer transaction, and the change flushed before the savepoint, to commit.
    if previous_transaction.parent is None:
        db.info.pop(_CHANGED, None)

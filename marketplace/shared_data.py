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
SHARED_KINDS = (Category, Product, Variety)


class SharedData:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.generation = 0
        self.kept: dict[str, tuple[float, int, object]] = {}
        self.lock = threading.Lock()

    def get(self, name: str, read: Callable[[], T]) -> T:
        """The value kept under `name`, or `read()` kept from now on."""
        if self.seconds <= 0:
            return read()
        now = time.monotonic()
        with self.lock:
            kept, generation = self.kept.get(name), self.generation
        if kept is not None and kept[0] > now and kept[1] == generation:
            return kept[2]  # type: ignore[return-value]
        # Read outside the lock; a commit meanwhile bumps the generation, so this value, perhaps
        # read before it, is not taken for current.
        value = read()
        with self.lock:
            self.kept[name] = (now + self.seconds, generation, value)
        return value

    def forget(self) -> None:
        with self.lock:
            self.generation += 1
            self.kept.clear()


def init_app(app) -> None:
    app.extensions["shared_data"] = SharedData(float(app.config.get("SHARED_DATA_SECONDS", 60) or 0))


def shared(name: str, read: Callable[[], T]) -> T:
    return current_app.extensions["shared_data"].get(name, read)


@event.listens_for(Session, "before_flush")
def _note_changes(db: Session, _flush_context, _instances) -> None:
    if any(isinstance(o, SHARED_KINDS) for o in (*db.new, *db.dirty, *db.deleted)):
        db.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_commit(db: Session) -> None:
    # After the commit, not at the flush: a page read before it must not keep the old value as new.
    if db.info.pop(_CHANGED, False) and has_app_context():
        keeper = current_app.extensions.get("shared_data")
        if keeper is not None:
            keeper.forget()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(db: Session) -> None:
    db.info.pop(_CHANGED, None)

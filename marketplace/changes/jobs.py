"""The change log's own worker job: prune rows that are old and that every platform-wide
follower has passed. Registered by the app factory (this package has no pages)."""

from __future__ import annotations

from flask import Flask

from marketplace import db, worker
from marketplace.changes.follow import prune
from marketplace.db import utcnow

PRUNE_EVERY = 3600.0  # seconds


def prune_old_rows() -> None:
    prune(db.session, utcnow())
    db.session.commit()


def init_app(app: Flask) -> None:
    worker.register(app, "change-log pruning", prune_old_rows, every=PRUNE_EVERY, order=80)

"""The search package's worker job: apply the change log to this host's index.

Registered by the search blueprint (views.py, `record_once`). An index folder that cannot be
written (read-only, full) is not a crash: the job raises worker.Unavailable with a plain message
(the worker says it once, then every few minutes), nothing is lost (the position only moves after
the index is written), and once the folder can be written the job says how much it caught up.
"""

from __future__ import annotations

import logging
import time

import click
from flask import Flask

from marketplace import db, worker
from marketplace.search import services as search

log = logging.getLogger(__name__)

# Seconds between two looks at the change log while the worker waits between rounds: one indexed
# query ("any row after this index's position?") and a small file written, when nothing changed.
POLL = 0.25


def summary(report: search.SyncReport) -> list[str]:
    """What `search sync` and the worker print about a sync."""
    applied = report.applied
    lines = [f"built a new index: {report.rebuilt} documents"] if report.rebuilt is not None else []
    return lines + [f"outbox rows: {report.rows}; documents updated {applied.updated}, deleted {applied.deleted}, "
                    f"unchanged {applied.unchanged}"]


def unwritable_message(error: search.IndexUnwritable) -> str:
    """What an operator needs to know when the index folder cannot be written (and that nothing is lost)."""
    try:
        waiting = f"{search.pending(db.session, search.backend())} changes wait"
        db.session.rollback()
    except Exception:  # the database may be what is failing; the message must still come out
        db.session.rollback()
        waiting = "the changes wait"
    return (f"{error}. Nothing is lost: {waiting} in the change log and are applied once the folder "
            "can be written again; free some space or make it writable.")


class FollowChanges:
    """The job; remembers since when the folder could not be written, to say when it can again."""

    def __init__(self) -> None:
        self.unwritable_since: float | None = None

    def __call__(self) -> None:
        try:
            report = search.sync(db.session, search.backend(), commit=db.session.commit)
        except search.IndexBusy:
            return  # another indexer holds this index; it applies the changes
        except search.IndexUnwritable as error:
            db.session.rollback()
            if self.unwritable_since is None:
                self.unwritable_since = time.monotonic()
            raise worker.Unavailable(unwritable_message(error)) from error
        if report.rows or report.rebuilt is not None:
            for line in summary(report):
                click.echo(line)
        if self.unwritable_since is not None:
            log.warning("search index writable again after %d s: caught up with %d changes",
                        time.monotonic() - self.unwritable_since, report.rows)
            self.unwritable_since = None


def init_app(app: Flask) -> None:
    worker.register(app, "search sync", FollowChanges(), order=10, poll=POLL)

"""Commands for the search index: reindex, sync, check."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace import db
from marketplace.cli.common import fail
from marketplace.search import jobs as search_jobs
from marketplace.search import services as search


@click.group("search")
def search_group() -> None:
    """Build and check the search index."""


@search_group.command("reindex")
@with_appcontext
def search_reindex_command() -> None:
    """Rebuild the index from the database into a new folder and swap it in."""
    try:
        count = search.reindex(db.session, search.backend(), commit=db.session.commit)
    except search.IndexUnwritable as error:
        db.session.rollback()
        fail(f"{error}. The index in use is left as it was and nothing in the database is lost; "
             "free some space or make the folder writable, then run “marketplace search reindex” again.")
    click.echo(f"indexed {count} documents")


@search_group.command("sync")
@click.option("--follow", is_flag=True, help="Keep running: apply changes as they are committed.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the outbox.")
@with_appcontext
def search_sync_command(follow: bool, interval: float) -> None:
    """Apply committed changes (the search outbox) to the index; the one process that writes it."""
    while True:
        try:
            report = search.sync(db.session, search.backend(), commit=db.session.commit)
        except search.IndexBusy:
            if not follow:
                fail("another process is writing the index; it will apply these changes")
            report = None
        except search.IndexUnwritable as error:
            db.session.rollback()
            message = search_jobs.unwritable_message(error)
            if not follow:
                fail(message)
            click.echo(f"error: {message}", err=True)
            report = None
        finally:
            db.get_registry(current_app).remove()  # a fresh session (and snapshot) each round
        if report is not None and (report.rows or report.rebuilt is not None or not follow):
            for line in search_jobs.summary(report):
                click.echo(line)
        if not follow:
            return
        time.sleep(interval)


@search_group.command("check")
@with_appcontext
def search_check_command() -> None:
    """Compare the index with the database. Changes still waiting in the change log (the outbox)
    are reported as pending; exit 1 only on a difference no pending change explains."""
    differences = search.check(db.session, search.backend())
    real = differences.unexplained()
    behind = (len(set(differences.missing + differences.extra + differences.stale))
              - len(real.missing + real.extra + real.stale))
    if differences.pending:
        click.echo(f"pending: {differences.pending}, the worker has not applied them yet"
                   + (f" ({behind} documents differ until it does)" if behind else ""))
    if real.clean:
        click.echo("index matches the database" if not differences.pending
                   else "no other difference: the index matches the database once they are applied")
        return
    for label, ids in (("missing", real.missing), ("extra", real.extra), ("stale", real.stale)):
        if ids:
            click.echo(f"{label}: {len(ids)} ({', '.join(ids[:10])}{' …' if len(ids) > 10 else ''})")
    sys.exit(1)

"""Daily housekeeping commands: credentials expire, orders expire (the worker does the latter too)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from marketplace import dates, db
from marketplace.credentials import evidence
from marketplace.credentials import services as credentials
from marketplace.db import utcnow
from marketplace.orders import jobs as order_jobs

# A scan sent with a form that had problems waits this long for the form to be sent again.
UNATTACHED_SCANS_KEPT = timedelta(days=1)


@click.group("credentials")
def credentials_group() -> None:
    """Certificates, OCOP ratings and planting codes."""


@credentials_group.command("expire")
@with_appcontext
def credentials_expire_command() -> None:
    """Mark active credentials past their end date as expired (run daily; validity is by date anyway),
    and delete scans no credential has used for a day (sent with a form never completed, or replaced)."""
    count = credentials.expire_due(db.session, dates.today_in_vietnam())
    forgotten = evidence.forget_unattached(db.session, utcnow() - UNATTACHED_SCANS_KEPT)
    db.session.commit()
    evidence.delete_files(evidence.scan_store(), forgotten)
    click.echo(f"expired {count} credentials")
    if forgotten:
        click.echo(f"removed {len(forgotten)} unused scans")


@click.group("orders")
def orders_group() -> None:
    """Orders: reminders and expiry."""


@orders_group.command("expire")
@with_appcontext
def orders_expire_command() -> None:
    """Remind sellers of orders unanswered for 24 hours, expire those unanswered for 72 hours
    (their quantity goes back on sale) and send pending order notices. The worker does this too."""
    report = order_jobs.remind_and_expire()
    click.echo(f"{report.reminded} reminders, {report.expired} expired, {report.notices} notices")

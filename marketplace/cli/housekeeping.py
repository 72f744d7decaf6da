"""Daily housekeeping commands: credentials expire, orders expire (the worker does the latter too)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace import dates, db
from marketplace.credentials import services as credentials
from marketplace.orders import jobs as order_jobs


@click.group("credentials")
def credentials_group() -> None:
    """Certificates, OCOP ratings and planting codes."""


@credentials_group.command("expire")
@with_appcontext
def credentials_expire_command() -> None:
    """Mark active credentials past their end date as expired (run daily; validity is by date anyway)."""
    count = credentials.expire_due(db.session, dates.today_in_vietnam())
    db.session.commit()
    click.echo(f"expired {count} credentials")


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

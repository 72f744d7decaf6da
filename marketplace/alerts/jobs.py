"""The alerts package's worker job: follow the change log and alert the owners of saved searches.
Registered by the alerts blueprint (views.py, `record_once`)."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import dates, db, worker
from marketplace.alerts import services as alerts


def follow_changes() -> None:
    alerted = alerts.follow(db.session, dates.today_in_vietnam(), commit=db.session.commit)
    if alerted:
        click.echo(f"saved searches: {alerted} alerts")


def init_app(app: Flask) -> None:
    worker.register(app, "saved-search alerts", follow_changes, order=20, single=True)

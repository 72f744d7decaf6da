"""The reports package's worker job: remind staff of the report due within two weeks (once a
person, see reminders.py). Registered by the /reports blueprint (report_views.py, `record_once`)."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import db, worker
from marketplace.dates import today_in_vietnam
from marketplace.reports import reminders

EVERY = 3600.0  # seconds: the day's reminders go out within the hour the day starts


def remind_of_reports() -> int:
    count = reminders.remind(db.session, today_in_vietnam())
    db.session.commit()
    if count:
        click.echo(f"reports: {count} staff reminded of the report due")
    return count


def init_app(app: Flask) -> None:
    worker.register(app, "report reminders", remind_of_reports, every=EVERY, order=65, single=True)

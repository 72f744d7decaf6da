"""The matching package's worker jobs: follow the change log (refreshing the remembered matches of
what changed, notifying new good ones) after the daily rematch, and `match refresh`'s rematch.
Registered by the matching blueprint (views.py, `record_once`)."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import dates, db, worker
from marketplace.matching import services as matching


def follow_changes() -> None:
    matched = matching.follow(db.session, dates.today_in_vietnam(), commit=db.session.commit)
    if matched.listings or matched.demand_posts:
        click.echo(f"matches: {matched.demand_posts} requests and {matched.listings} listings refreshed, "
                   f"{matched.full} full matches, {matched.notified} notifications")


def rematch_everything() -> matching.RefreshReport:
    """Every open request now (`match refresh`; the worker does it once a day inside follow)."""
    return matching.rematch_in_chunks(db.session, dates.today_in_vietnam(), commit=db.session.commit)


def init_app(app: Flask) -> None:
    worker.register(app, "matching", follow_changes, order=30, single=True)

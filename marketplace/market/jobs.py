"""The market package's worker job: price alerts, once a day (market/alerts.py), before the mail
job of the same round sends the alerts' mail. Registered by the market blueprint (views.py,
`record_once`)."""

from __future__ import annotations

from flask import Flask

from marketplace import worker
from marketplace.market import alerts


def init_app(app: Flask) -> None:
    worker.register(app, "price alerts", alerts.run_job, every=alerts.EVERY_SECONDS, order=45, single=True)

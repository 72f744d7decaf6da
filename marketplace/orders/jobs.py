"""The orders package's worker job: reminders (24 h), expiry (72 h) and the notices of order
changes, then card sessions to expire and card money to refund at Stripe (after the commit).
Registered by the orders blueprint (views.py, `record_once`); `marketplace orders expire` runs it too."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import db, worker
from marketplace.db import utcnow
from marketplace.orders import lifecycle as orders
from marketplace.orders.payments import stripe_services


def remind_and_expire() -> orders.ReminderReport:
    report = orders.remind_and_expire(db.session, utcnow())
    db.session.commit()
    if report.reminded or report.expired:
        click.echo(f"orders: {report.reminded} reminders, {report.expired} expired")
    # After the commit: card sessions of orders that stopped waiting for money are expired at Stripe.
    checkout = stripe_services.configured_checkout()
    stripe_services.expire_retired_checkouts(db.session, utcnow(), checkout, commit=db.session.commit)
    db.session.commit()
    # Card money that no order could take goes back to the card.
    refunds = stripe_services.refund_unapplied(db.session, utcnow(), checkout, commit=db.session.commit)
    db.session.commit()
    if refunds.refunded or refunds.given_up:
        click.echo(f"card refunds: {refunds.refunded} refunded, {refunds.given_up} left to staff")
    return report


def init_app(app: Flask) -> None:
    worker.register(app, "orders", remind_and_expire, order=40, single=True)

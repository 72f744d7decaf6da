"""The notifications package's worker jobs: daily digests that are due, then every queued mail
that is due, one by one; and every queued Zalo or SMS message that is due (both run last in a
round, so the notices of the round's other jobs leave at once). Registered by the app factory
(with the queue that accounts' own mail goes through, marketplace.mail.queue_account_mail), with
the Zalo/SMS notifiers the configuration names."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import db, mail, worker
from marketplace.db import utcnow
from marketplace.notifications import delivery, notifier, phone_delivery


def send_mail() -> None:
    digests = delivery.send_digests(db.session, utcnow())
    db.session.commit()
    # The real clock for each claim, not `now`: the digests just queued are due a moment after it.
    sent = delivery.deliver_due(db.session, commit=db.session.commit)
    if sent.sent or sent.failed or sent.given_up or digests:
        click.echo(f"mail: {digests} digests queued, {sent.sent} sent, {sent.failed} to retry, "
                   f"{sent.given_up} given up")


def send_phone_messages() -> None:
    sent = phone_delivery.deliver_due(db.session, commit=db.session.commit)
    if sent.sent or sent.failed or sent.given_up or sent.dropped:
        click.echo(f"zalo and sms: {sent.sent} sent, {sent.failed} to retry, {sent.given_up} given up, "
                   f"{sent.dropped} no longer wanted")


def init_app(app: Flask) -> None:
    notifier.init_app(app)
    worker.register(app, "mail", send_mail, order=worker.LAST)
    worker.register(app, "zalo and sms", send_phone_messages, order=worker.LAST)
    mail.set_account_mail_queue(app, delivery.queue_account_mail)

"""The notifications package's worker job: daily digests that are due, then every queued mail
that is due, one by one (it runs last in a round, so the notices of the round's other jobs leave
at once). Registered by the app factory (this package has no pages), with the queue
that accounts' own mail goes through (marketplace.mail.queue_account_mail)."""

from __future__ import annotations

import click
from flask import Flask

from marketplace import db, mail, worker
from marketplace.db import utcnow
from marketplace.notifications import delivery


def send_mail() -> None:
    digests = delivery.send_digests(db.session, utcnow())
    db.session.commit()
    # The real clock for each claim, not `now`: the digests just queued are due a moment after it.
    sent = delivery.deliver_due(db.session, commit=db.session.commit)
    if sent.sent or sent.failed or sent.given_up or digests:
        click.echo(f"mail: {digests} digests queued, {sent.sent} sent, {sent.failed} to retry, "
                   f"{sent.given_up} given up")


def init_app(app: Flask) -> None:
    worker.register(app, "mail", send_mail, order=worker.LAST)
    mail.set_account_mail_queue(app, delivery.queue_account_mail)

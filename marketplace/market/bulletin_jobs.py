"""The weekly bulletin mail: on Monday (Việt Nam time), or in the first worker round of the week
after it, each organisation's bulletin goes once to its board members who take mail for the
bulletin topic, in each reader's language, through the mail queue.

Once only, even with two workers: a BulletinSend row (unique organisation and week) is inserted
first, in a savepoint; the worker that loses the insert sends nothing. An organisation with nothing
to say this week gets the row too (no mail), so it is not worked out again every round.
Registered by the bulletin blueprint (bulletin_views.py, `record_once`).
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import db, worker
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.market import bulletin
from marketplace.market import bulletin_rules as rules
from marketplace.market import rules as price_rules
from marketplace.market.labels import MARKET_LABELS
from marketplace.market.models import BulletinSend
from marketplace.notifications import preferences
from marketplace.notifications.delivery import public_url, queue_mail

TOPIC = "bulletin"  # notifications.rules.TOPICS: the readers' choice of channels for the bulletin
EVERY = 600  # seconds between two looks: the week's mail is due once, from Monday on


def takes_mail(db_session: Session, user: User) -> bool:
    return bool(user.email) and user.mail_notifications != "off" and \
        "mail" in preferences.channels_for(db_session, user, TOPIC)


def _claim(db_session: Session, org: Organization, week_of) -> BulletinSend | None:
    """The week's row for the organisation, inserted now; None when another worker has it."""
    try:
        with db_session.begin_nested():
            row = BulletinSend(organization_id=org.id, week_of=week_of, recipients=0)
            db_session.add(row)
            db_session.flush()
        return row
    except IntegrityError:
        return None


def mail_bulletin(db_session: Session, org: Organization, today) -> int | None:
    """Send the organisation's bulletin of this week to its readers: how many mails were queued,
    None when it went out already."""
    week_of = price_rules.week_of(today)
    if db_session.scalar(select(BulletinSend.id).where(BulletinSend.organization_id == org.id,
                                                       BulletinSend.week_of == week_of)) is not None:
        return None
    row = _claim(db_session, org, week_of)
    if row is None:
        return None
    news = bulletin.bulletin_for(db_session, org, today)
    if not news.has_news:
        return 0
    link = public_url(rules.bulletin_path(org.id))
    count = 0
    for user in accounts.board_of(db_session, org.id):
        if not takes_mail(db_session, user):
            continue
        with force_locale(user.locale or "vi"):
            subject = _("Market bulletin for %(org)s, week of %(day)s", org=org.name,
                        day=news.week_of.strftime("%d/%m/%Y"))
            # The template alone (no request: the page's context processors would need one).
            body = current_app.jinja_env.get_template("market/bulletin_mail.html").render(
                bulletin=news, link=link, zalo=rules.zalo_text(news, link), market_labels=MARKET_LABELS)
            if queue_mail(db_session, user, subject, body, kind="bulletin") is not None:
                count += 1
    row.recipients = count
    db_session.flush()
    return count


def send_weekly(db_session: Session, today=None, *, commit=None) -> tuple[int, int]:
    """Every selling organisation's bulletin of the week, once: (organisations mailed, mails)."""
    today = today or today_in_vietnam()
    mailed = mails = 0
    for org in bulletin.bulletin_orgs(db_session):
        sent = mail_bulletin(db_session, org, today)
        if commit is not None:
            commit()
        if sent:
            mailed += 1
            mails += sent
    return mailed, mails


def send_bulletins() -> None:
    mailed, mails = send_weekly(db.session, commit=db.session.commit)
    db.session.commit()
    if mails:
        click.echo(f"market bulletin: {mails} mails for {mailed} organisations")


def init_app(app: Flask) -> None:
    worker.register(app, "market bulletin", send_bulletins, every=EVERY, order=60, single=True)

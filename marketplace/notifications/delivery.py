"""Mail that never blocks a page: queued in the page's transaction, sent by the worker, retried
with growing delays, and gathered into one daily digest for those who chose it.

Every mail carries a signed link to change the reader's mail choice in one click, without signing
in, and the List-Unsubscribe headers (RFC 8058) that let mail programs turn it off directly.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.mail import Mail, is_permanent
from marketplace.notifications import preferences, rules
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.notifications.presentation import describe
from marketplace.numbers import MAX_ID

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=5)  # a worker that died while sending frees its mail after this
INVITATION_KIND = "invitation"
SECRET_KINDS = frozenset({INVITATION_KIND})  # their body holds a joining link and code: blanked when done
ROUND_SECONDS = 60  # at most this long sending in one worker round
DIGEST_LIMIT = 30  # notices listed in one digest; the rest are behind the link to the bell


# -- links in every mail ----------------------------------------------------------------------

class SettingsLinkInvalid(Exception):
    """The link was never ours, was altered, or names an address the account no longer has."""


class SettingsLinkExpired(Exception):
    """The link is ours but older than MAIL_SETTINGS_LINK_MAX_AGE_DAYS."""


def _serializer(issued_at: datetime | None = None) -> URLSafeTimedSerializer:
    signer = TimestampSigner
    if issued_at is not None:  # a link made at another moment (tests of old links)
        class signer(TimestampSigner):  # noqa: N801 - a signer class, named like the one it replaces
            def get_timestamp(self) -> int:
                return int(issued_at.timestamp())
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mail-settings", signer=signer)


def settings_token(user: User, issued_at: datetime | None = None) -> str:
    """Signed user id and address, with the moment it was made: the link stops working when the
    address changes, and after MAIL_SETTINGS_LINK_MAX_AGE_DAYS (a mail forwarded or leaked long
    ago must not change someone's mail for good)."""
    return _serializer(issued_at).dumps([user.id, user.email or ""])


def settings_link_max_age() -> timedelta:
    return timedelta(days=current_app.config["MAIL_SETTINGS_LINK_MAX_AGE_DAYS"])


def user_for_token(db: Session, token: str, now: datetime | None = None) -> User:
    """The user a mail-settings link speaks for; raises SettingsLinkInvalid or SettingsLinkExpired.
    The signature is checked first, so an altered link is never reported as merely old."""
    try:
        payload, issued = _serializer().loads(token, return_timestamp=True)
        user_id, email = payload
    except (BadSignature, ValueError, TypeError) as error:
        raise SettingsLinkInvalid from error
    if (now or utcnow()) - issued > settings_link_max_age():
        raise SettingsLinkExpired
    known_id = isinstance(user_id, int) and not isinstance(user_id, bool) and 0 < user_id <= MAX_ID
    user = db.get(User, user_id) if known_id else None  # an id past the column's range errs on PostgreSQL
    if user is None or (user.email or "") != email:
        raise SettingsLinkInvalid
    return user


def public_url(path: str) -> str:
    return current_app.config.get("PUBLIC_URL", "").rstrip("/") + path


def _footer(user: User) -> tuple[str, dict]:
    token = settings_token(user)
    settings = public_url(f"/mail-settings/{token}")
    text = _("Mail about this comes %(choice)s. To change that (instant, once a day, or none) in one click: "
             "%(url)s", choice=choice_label(user.mail_notifications), url=settings)
    headers = {"List-Unsubscribe": f"<{public_url(f'/mail-settings/{token}/off')}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return text, headers


def choice_label(choice: str) -> str:
    return {"instant": _("as it happens"), "daily": _("once a day"), "off": _("never")}.get(choice, choice)


def queue_mail(db: Session, user: User, subject: str, body: str, *, kind: str = "notice") -> OutgoingMail | None:
    """Queue a mail to the user, in their language (call inside force_locale), with the footer."""
    if not user.email:
        return None
    footer, headers = _footer(user)
    mail = OutgoingMail(user_id=user.id, to=user.email, subject=subject[:300], body=f"{body}\n\n-- \n{footer}\n",
                        headers=json.dumps(headers), kind=kind, next_attempt_at=utcnow())
    db.add(mail)
    return mail


def notice_mail_pending(db: Session, user: User, url: str, since: datetime) -> bool:
    """Whether a notice mail pointing at `url` (its link on a line of its own, as notify writes it)
    is still waiting to go, or went out after `since`: one mail per thread, not one per message."""
    line = "\n" + public_url(url) + "\n"
    return db.scalar(select(OutgoingMail.id).where(
        OutgoingMail.user_id == user.id, OutgoingMail.kind == "notice",
        OutgoingMail.body.contains(line, autoescape=True),
        or_(and_(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None)), OutgoingMail.sent_at > since))
        .limit(1)) is not None


def queue_account_mail(db: Session, user: User, subject: str, body: str, *, kind: str,
                       not_within: timedelta | None = None) -> OutgoingMail | None:
    """Queue a mail about the account itself (someone tried to sign up with its address): sent
    whatever the mail choice, so without the footer that changes it. None when the user has no
    address, or when a mail of this kind was queued for them less than `not_within` ago (one
    person trying again and again must not fill another's inbox)."""
    if not user.email:
        return None
    if not_within is not None and db.scalar(
            select(OutgoingMail.id).where(OutgoingMail.user_id == user.id, OutgoingMail.kind == kind,
                                          OutgoingMail.created_at > utcnow() - not_within).limit(1)):
        return None
    mail = OutgoingMail(user_id=user.id, to=user.email, subject=subject[:300], body=body, kind=kind,
                        next_attempt_at=utcnow())
    db.add(mail)
    db.flush()
    return mail


# -- sending ----------------------------------------------------------------------------------

@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # failed this time, will be retried
    given_up: int = 0


def claim_due(db: Session, now: datetime, limit: int = 50) -> list[int]:
    """Ids of mail due now, each claimed by a conditional update so two workers never both send
    it. The caller commits the claim before sending."""
    due = list(db.scalars(select(OutgoingMail.id)
                          .where(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None),
                                 OutgoingMail.next_attempt_at <= now,
                                 or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
                          .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(limit)))
    claimed = []
    for mail_id in due:
        result = db.execute(update(OutgoingMail)
                            .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
                                   OutgoingMail.failed_at.is_(None), OutgoingMail.next_attempt_at <= now,
                                   or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
                            .values(claimed_until=now + CLAIM_FOR)
                            # Loaded rows learn the claim from the database: evaluating the
                            # times in Python fails on SQLite, which gives back naive ones.
                            .execution_options(synchronize_session="fetch"))
        if result.rowcount == 1:
            claimed.append(mail_id)
    return claimed


def send_claimed(db: Session, mail_ids: list[int], now: datetime) -> DeliveryReport:
    """Send each claimed mail and record the outcome; the caller commits. (The worker's
    deliver_due does the same in three steps, with no transaction open while it sends.)"""
    return record_outcomes(db, send_each(claimed_mail(db, mail_ids)), now)


def claimed_mail(db: Session, mail_ids: list[int]) -> list[tuple[int, Mail]]:
    """The claimed mail still to send, as the mailer takes it (reads only)."""
    mails = []
    for mail_id in mail_ids:
        row = db.get(OutgoingMail, mail_id)
        if row is None or row.sent_at is not None or row.failed_at is not None:
            continue  # sent, or dropped since it was claimed
        mails.append((mail_id, Mail(to=row.to, subject=row.subject, body=row.body,
                                    headers=tuple(json.loads(row.headers or "{}").items()), key=message_key(row))))
    return mails


def send_each(mails: list[tuple[int, Mail]]) -> list[tuple[int, Exception | None]]:
    """Hand each mail to the mailer (no database here); what went wrong with each, if anything."""
    mailer = current_app.extensions["mailer"]
    outcomes: list[tuple[int, Exception | None]] = []
    for mail_id, mail in mails:
        try:
            mailer.send(mail)
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the other mail still goes
            outcomes.append((mail_id, error))
        else:
            outcomes.append((mail_id, None))
    return outcomes


def record_outcomes(db: Session, outcomes: list[tuple[int, Exception | None]], now: datetime) -> DeliveryReport:
    """Mark sent mail sent; a failure is logged (without the mail's text) and retried later, and
    after the last retry, or at once when the server refused it for good, given up. Flushes."""
    report = DeliveryReport()
    for mail_id, error in outcomes:
        row = db.get(OutgoingMail, mail_id)
        if row is None:
            continue
        row.attempts += 1
        row.claimed_until = None
        if error is None:
            row.sent_at = now
            _forget_secret(row)
            report.sent += 1
            continue
        row.last_error = f"{type(error).__name__}: {error}"[:300]
        # A 550 "no such mailbox" stays a 550: trying five more times only annoys the server.
        retry = None if is_permanent(error) else rules.retry_at(row.attempts, now)
        if retry is None:
            row.failed_at = now
            _forget_secret(row)
            report.given_up += 1
            log.error("mail %s to user %s given up after %s attempts: %s", row.id, row.user_id, row.attempts,
                      _error_kind(error))
        else:
            row.next_attempt_at = retry
            report.failed += 1
            log.warning("mail %s to user %s failed (attempt %s), retrying at %s: %s", row.id, row.user_id,
                        row.attempts, retry.isoformat(), _error_kind(error))
    db.flush()
    return report


def _forget_secret(row: OutgoingMail) -> None:
    """A mail whose body holds a joining link and code is kept only while it may still be sent."""
    if row.kind in SECRET_KINDS:
        row.body = ""


def drop_unsent(db: Session, mail_ids, now: datetime, reason: str) -> None:
    """Mail no longer to send (what it offered was withdrawn): given up now, its body forgotten.
    `mail_ids`: ids, or a select of them. Flushes."""
    db.execute(update(OutgoingMail).where(OutgoingMail.id.in_(mail_ids), OutgoingMail.sent_at.is_(None),
                                          OutgoingMail.failed_at.is_(None))
               .values(failed_at=now, last_error=f"dropped: {reason}"[:300], body="")
               .execution_options(synchronize_session=False))
    db.flush()


def message_key(row: OutgoingMail) -> str:
    """The left part of the mail's Message-ID: the same for every try of one queued mail, unique
    across rows (id) and across databases that reuse ids (the time it was queued)."""
    return f"chq.{row.id}.{row.created_at:%Y%m%d%H%M%S%f}"


def _error_kind(error: Exception) -> str:
    """What went wrong, for the log, without the server's text (it often quotes the address; the
    full text stays on the row, in outgoing_mail.last_error)."""
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(getattr(error, "recipients", None), dict):  # refused at RCPT
        code = ",".join(str(reply[0]) for reply in error.recipients.values())
    return f"{type(error).__name__}{f' {code}' if code else ''}"


def deliver_due(db: Session, now: datetime | None = None, limit: int = 200, *,
                commit: Callable[[], None]) -> DeliveryReport:
    """What the worker's mail job runs (and tests, to flush the queue): one mail at a time, claim,
    commit, read, commit, send (no transaction open), record, commit (each `commit` the job's). A
    claim (CLAIM_FOR) is far longer than one send may take (the SMTP timeout), so another worker
    never sends it too; a crash loses the record of at most one sent mail."""
    report = DeliveryReport()
    started = time.monotonic()
    for _attempt in range(limit):
        moment = now or utcnow()  # a fresh time for each claim, unless a test fixes the clock
        ids = claim_due(db, moment, limit=1)
        commit()
        if not ids:
            break
        mails = claimed_mail(db, ids)
        # End the read before the network: on SQLite a worker's transaction holds the write lock,
        # and a slow or silent mail server (20 s timeout per mail) would stop every page's writes.
        commit()
        outcomes = send_each(mails)
        one = record_outcomes(db, outcomes, moment)
        commit()
        report.sent, report.failed, report.given_up = (report.sent + one.sent, report.failed + one.failed,
                                                       report.given_up + one.given_up)
        if time.monotonic() - started > ROUND_SECONDS:
            break  # let the worker's other steps run; the rest goes next round
    return report


# -- the daily digest -------------------------------------------------------------------------

def send_digests(db: Session, now: datetime, hour: int | None = None) -> int:
    """Queue one mail per user on the daily choice whose digest is due and who has unread notices
    since the last one; returns how many were queued. The caller commits."""
    hour = rules.DIGEST_HOUR if hour is None else hour
    slot = rules.digest_slot(now, hour)
    queued = 0
    users = db.scalars(select(User).where(User.mail_notifications == "daily", User.active.is_(True),
                                          User.email.is_not(None),
                                          or_(User.digest_sent_at.is_(None), User.digest_sent_at < slot)))
    for user in list(users):
        previous = user.digest_sent_at
        # Claim this user's digest: a second worker's update finds the new value and skips.
        claimed = db.execute(update(User).where(User.id == user.id, User.digest_sent_at.is_(previous)
                                                if previous is None else User.digest_sent_at == previous)
                             .values(digest_sent_at=now)
                             # Not "evaluate": that walks every User in the session, per user (quadratic).
                             .execution_options(synchronize_session=False)).rowcount
        set_committed_value(user, "digest_sent_at", now)
        if claimed != 1:
            continue
        since = previous or (now - timedelta(days=1))
        notices = list(db.scalars(select(Notification)
                                  .where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                         Notification.created_at > since, Notification.created_at <= now)
                                  .order_by(Notification.created_at, Notification.id)))
        # Only the topics the user wants by mail (the bell still shows the others).
        choices = preferences.choices(db, user)
        notices = [n for n in notices if "mail" in choices[rules.topic_of(n.kind)]]
        if not notices:
            continue
        with force_locale(user.locale or "vi"):
            lines = [f"• {describe(n.kind, n.params)}\n  {public_url(n.url)}" for n in notices[:DIGEST_LIMIT]]
            if len(notices) > DIGEST_LIMIT:
                lines.append(_("… and %(count)d more: %(url)s", count=len(notices) - DIGEST_LIMIT,
                               url=public_url("/notifications")))
            subject = _("Chợ Hội Quán: %(count)d new since yesterday", count=len(notices))
            body = _("Good morning %(name)s, here is what happened since your last summary:", name=user.name)
            queue_mail(db, user, subject, body + "\n\n" + "\n".join(lines), kind="digest")
        queued += 1
    db.flush()
    return queued

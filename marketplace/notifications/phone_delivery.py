"""Zalo and SMS notices as mail is sent (notifications.delivery): queued in the page's
transaction (OutgoingMessage), claimed by the worker with a conditional update, sent with no
transaction open, retried with growing delays (rules.retry_at), given up after the last try or at
once when the provider refuses the message for good.

Just before sending, the worker asks again whether the message should still go: the user is still
active, still wants that channel for that topic, and the number is still their confirmed one (a
code to confirm a number goes to the number being confirmed, within its lifetime). Otherwise the
row is dropped as failed, with the reason. Logs name the row and the user, never the number.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.notifications import preferences, rules
from marketplace.notifications.models import OutgoingMessage
from marketplace.notifications.notifier import PermanentSendError, PhoneMessage, RetryableSendError
from marketplace.notifications.phone_text import PhoneText

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=5)
ROUND_SECONDS = 60
CODE_KIND = "phone_code"  # a code confirming a number: no topic, sent whatever the choices
CODE_LIFETIME = timedelta(minutes=10)


def queue_message(db: Session, user: User, channel: str, to: str, kind: str, text: PhoneText) -> OutgoingMessage | None:
    """Queue one Zalo or SMS message; None when this site has no notifier for the channel."""
    if channel not in current_app.extensions.get("notifiers", {}):
        return None
    row = OutgoingMessage(user_id=user.id, channel=channel, to=to, kind=kind[:40], template=text.template,
                          params=json.dumps(text.params, ensure_ascii=False), text=text.text,
                          next_attempt_at=utcnow())
    db.add(row)
    return row


def message_pending(db: Session, user: User, channel: str, kind: str, link: str, since: datetime) -> bool:
    """Whether a Zalo or SMS message of this kind ending with `link` (as rules.sms_text writes it)
    is still waiting to go, or went out after `since`: one message per thread, not one per message."""
    tail = " " + rules.unaccent(link).strip()
    return db.scalar(select(OutgoingMessage.id).where(
        OutgoingMessage.user_id == user.id, OutgoingMessage.channel == channel, OutgoingMessage.kind == kind[:40],
        OutgoingMessage.text.endswith(tail, autoescape=True),
        or_(and_(OutgoingMessage.sent_at.is_(None), OutgoingMessage.failed_at.is_(None)),
            OutgoingMessage.sent_at > since))
        .limit(1)) is not None


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # will be retried
    given_up: int = 0
    dropped: int = 0  # no longer wanted (choice changed, number changed, account closed)


def _due(now: datetime):
    return (OutgoingMessage.sent_at.is_(None), OutgoingMessage.failed_at.is_(None),
            OutgoingMessage.next_attempt_at <= now,
            or_(OutgoingMessage.claimed_until.is_(None), OutgoingMessage.claimed_until < now))


def claim_due(db: Session, now: datetime, limit: int = 50) -> list[int]:
    """Ids of messages due now, each claimed by a conditional update (two workers never both send one)."""
    due = list(db.scalars(select(OutgoingMessage.id).where(*_due(now))
                          .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.id).limit(limit)))
    claimed = []
    for message_id in due:
        result = db.execute(update(OutgoingMessage).where(OutgoingMessage.id == message_id, *_due(now))
                            .values(claimed_until=now + CLAIM_FOR)
                            .execution_options(synchronize_session="fetch"))
        if result.rowcount == 1:
            claimed.append(message_id)
    return claimed


def why_not(db: Session, row: OutgoingMessage, now: datetime) -> str | None:
    """Why the message must not go any more, or None when it still should."""
    user = db.get(User, row.user_id) if row.user_id else None
    if user is None or not user.active:
        return "account closed"
    if row.kind == CODE_KIND:
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=now.tzinfo)
        return "code expired" if now - created > CODE_LIFETIME else None
    if row.channel not in preferences.channels_for(db, user, rules.topic_of(row.kind)):
        return "channel no longer chosen"
    if user.phone != row.to or user.phone_confirmed_at is None:
        return "phone number changed or not confirmed"
    return None


def claimed_messages(db: Session, ids: list[int], now: datetime) -> tuple[list[tuple[int, PhoneMessage]],
                                                                          list[tuple[int, str]]]:
    """The claimed messages still to send, and those to drop with the reason (reads only)."""
    to_send, to_drop = [], []
    for message_id in ids:
        row = db.get(OutgoingMessage, message_id)
        if row is None or row.sent_at is not None:
            continue
        reason = why_not(db, row, now)
        if reason:
            to_drop.append((message_id, reason))
            continue
        to_send.append((message_id, PhoneMessage(channel=row.channel, to=row.to, template=row.template,
                                                 params=json.loads(row.params or "{}"), text=row.text,
                                                 tracking_id=tracking_id(row))))
    return to_send, to_drop


def tracking_id(row: OutgoingMessage) -> str:
    """Ours for the provider: the same on every try of one row, unique across databases."""
    return f"chq{row.id}t{row.created_at:%Y%m%d%H%M%S}"


def send_each(messages: list[tuple[int, PhoneMessage]]) -> list[tuple[int, str, Exception | None]]:
    """Hand each message to its channel's notifier (no database here)."""
    notifiers = current_app.extensions.get("notifiers", {})
    outcomes: list[tuple[int, str, Exception | None]] = []
    for message_id, message in messages:
        notifier = notifiers.get(message.channel)
        if notifier is None:  # the keys were removed since it was queued
            outcomes.append((message_id, "", PermanentSendError(f"{message.channel}: not configured")))
            continue
        try:
            provider_id = notifier.send(message)
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the other messages still go
            outcomes.append((message_id, "", error))
        else:
            outcomes.append((message_id, provider_id or "", None))
    return outcomes


def record_outcomes(db: Session, outcomes: list[tuple[int, str, Exception | None]], dropped: list[tuple[int, str]],
                    now: datetime) -> DeliveryReport:
    report = DeliveryReport()
    for message_id, reason in dropped:
        row = db.get(OutgoingMessage, message_id)
        if row is None:
            continue
        row.claimed_until, row.failed_at, row.last_error = None, now, f"dropped: {reason}"
        _forget_code(row)
        report.dropped += 1
        log.info("%s message %s to user %s dropped: %s", row.channel, row.id, row.user_id, reason)
    for message_id, provider_id, error in outcomes:
        row = db.get(OutgoingMessage, message_id)
        if row is None:
            continue
        row.attempts += 1
        row.claimed_until = None
        if error is None:
            row.sent_at, row.provider_id = now, provider_id[:80]
            _forget_code(row)
            report.sent += 1
            continue
        # Our own errors never hold the number or a key; anything else is named by its type only.
        said = str(error) if isinstance(error, PermanentSendError | RetryableSendError) else type(error).__name__
        row.last_error = said[:300]
        retry = None if isinstance(error, PermanentSendError) else rules.retry_at(row.attempts, now)
        if retry is None:
            row.failed_at = now
            _forget_code(row)
            report.given_up += 1
            log.error("%s message %s to user %s given up after %s attempts: %s", row.channel, row.id, row.user_id,
                      row.attempts, said)
        else:
            row.next_attempt_at = retry
            report.failed += 1
            log.warning("%s message %s to user %s failed (attempt %s), retrying at %s: %s", row.channel, row.id,
                        row.user_id, row.attempts, retry.isoformat(), said)
    db.flush()
    return report


def _forget_code(row: OutgoingMessage) -> None:
    """A confirmation code is kept only while it may still be sent: once sent or given up, the
    row no longer says it (the session holds it hashed)."""
    if row.kind == CODE_KIND:
        row.text, row.params = "", "{}"


def deliver_due(db: Session, now: datetime | None = None, limit: int = 200, *,
                commit: Callable[[], None]) -> DeliveryReport:
    """What the worker's "zalo and sms" job runs: one message at a time, claim, commit, read,
    commit, send (no transaction open), record, commit."""
    report = DeliveryReport()
    started = time.monotonic()
    for _attempt in range(limit):
        moment = now or utcnow()
        ids = claim_due(db, moment, limit=1)
        commit()
        if not ids:
            break
        to_send, to_drop = claimed_messages(db, ids, moment)
        commit()
        outcomes = send_each(to_send)
        one = record_outcomes(db, outcomes, to_drop, moment)
        commit()
        report.sent += one.sent
        report.failed += one.failed
        report.given_up += one.given_up
        report.dropped += one.dropped
        if time.monotonic() - started > ROUND_SECONDS:
            break
    return report

"""Telling people: for each member concerned, through the channels they chose for the notice's
topic (notifications.preferences): a notice in the app (the bell), a queued mail for those who
chose instant mail, and a queued Zalo or SMS message to a confirmed phone number when this site
has those channels. Services take the session, flush, and never commit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, User
from marketplace.db import utcnow
from marketplace.notifications import preferences, rules
from marketplace.notifications.delivery import notice_mail_pending, public_url, queue_mail
from marketplace.notifications.models import Notification
from marketplace.notifications.phone_delivery import message_pending, queue_message
from marketplace.notifications.phone_text import notice_text
from marketplace.notifications.presentation import describe, subject_of

# A thread's mail, Zalo or SMS for someone without the bell: at most one per this long (a notice in
# the bell waits unread instead; mail, Zalo and SMS leave no trace of being read).
COALESCE_FOR = timedelta(hours=6)


@dataclass(frozen=True)
class Message:
    """What to tell: the kind and params the text is made of (in each reader's language), and
    where it points (a path on this site, e.g. /demand/12#matches)."""

    kind: str
    params: dict
    url: str


def members(db: Session, org_id: int, roles: Iterable[str]) -> list[User]:
    return list(db.scalars(select(User).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organization_id == org_id, Membership.role.in_(list(roles)),
                                  User.active.is_(True))))


def notify(db: Session, users: Iterable[User], message: Message, *, subject: Callable | None = None,
           body: Callable | None = None, coalesce: bool = False) -> int:
    """A notification per user, a queued mail for those who chose instant mail, and a queued Zalo
    or SMS message for those who chose it, each as the user chose for the kind's topic.

    `subject` and `body` are callables of (user) returning text, called inside the user's locale;
    by default both say what the bell says. With `coalesce`, a user who has not yet read an earlier
    notice pointing at the same place gets nothing new (one notice per unread thread, not one
    per message). A user who did not choose the bell has no such notice: then no new mail, Zalo or
    SMS goes out while an earlier one pointing at the same place is still waiting to go or went
    out less than COALESCE_FOR ago. Returns how many were notified.
    """
    count = 0
    topic = rules.topic_of(message.kind)
    for user in users:
        channels = preferences.channels_for(db, user, topic)
        if coalesce:
            earlier = db.scalar(select(Notification).where(
                Notification.user_id == user.id, Notification.kind == message.kind,
                Notification.url == message.url, Notification.read_at.is_(None)).limit(1))
            if earlier is not None:
                # Still unread: it now says the latest, and counts as new for the next digest; an
                # instant mail (or phone message) about this thread went out already.
                earlier.params = json.dumps(message.params, default=str)
                earlier.created_at = utcnow()
                continue
        if not channels:
            continue
        # Without the bell, the earlier mail or phone message stands for the unread notice.
        quiet_since = utcnow() - COALESCE_FOR if coalesce and "bell" not in channels else None
        # The daily summary mail is made of notices: one who ticked mail but not the bell for this
        # topic still gets the notice (it then shows under the bell too), or would never hear of it.
        in_digest = "mail" in channels and user.email and user.mail_notifications == "daily"
        if "bell" in channels or in_digest:
            db.add(Notification(user_id=user.id, kind=message.kind, params=json.dumps(message.params, default=str),
                                url=message.url))
        count += 1
        with force_locale(user.locale or "vi"):
            if "mail" in channels and user.email and user.mail_notifications == "instant" and not (
                    quiet_since and notice_mail_pending(db, user, message.url, quiet_since)):
                title = subject(user) if subject else subject_of(message.kind, message.params)
                text = body(user) if body else describe(message.kind, message.params)
                queue_mail(db, user, title, text + "\n\n" + public_url(message.url))
            if user.phone and user.phone_confirmed_at is not None:
                for channel in rules.PHONE_CHANNELS:
                    if channel in channels and not (quiet_since and message_pending(
                            db, user, channel, message.kind, public_url(message.url), quiet_since)):
                        words = notice_text(message.kind, message.params, public_url(message.url), user.name)
                        queue_message(db, user, channel, user.phone, message.kind, words)
    db.flush()
    return count


def unread_count(db: Session, user: User) -> int:
    return db.scalar(select(func.count()).select_from(Notification)
                     .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(db: Session, user: User, limit: int = 50) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_all_read(db: Session, user: User) -> None:
    db.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
               .values(read_at=utcnow()))


def get_own(db: Session, user: User, notification_id: int) -> Notification | None:
    notice = db.get(Notification, notification_id)
    return notice if notice is not None and notice.user_id == user.id else None


def mark_read(db: Session, notice: Notification) -> None:
    notice.read_at = notice.read_at or utcnow()
    db.flush()

"""Telling people: an in-app notification for each member, and a mail to those who want one.

Called by the background worker (never inside a page request), so a slow or failing mail server
never blocks or fails a page; a failed send is logged by mail.send_mail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, User
from marketplace.db import utcnow
from marketplace.mail import send_mail
from marketplace.messaging.models import Notification


@dataclass(frozen=True)
class Message:
    """What to say, as functions of the reader (so each reads it in their own language)."""

    kind: str
    params: dict
    url: str  # path on this site, e.g. /demand/12#matches


def members(db: Session, org_id: int, roles: Iterable[str]) -> list[User]:
    return list(db.scalars(select(User).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organization_id == org_id, Membership.role.in_(list(roles)),
                                  User.active.is_(True))))


def notify(db: Session, users: Iterable[User], message: Message, *, subject, body) -> int:
    """Store a notification per user and mail those who chose instant mail.

    `subject` and `body` are callables of (user) returning text, called inside the user's locale.
    """
    count = 0
    for user in users:
        db.add(Notification(user_id=user.id, kind=message.kind, params=json.dumps(message.params, default=str),
                            url=message.url))
        count += 1
        if user.email and user.mail_notifications == "instant":
            with force_locale(user.locale or "vi"):
                link = current_app.config.get("PUBLIC_URL", "").rstrip("/") + message.url
                send_mail(user.email, subject(user), body(user) + "\n\n" + link + "\n\n" + _footer())
    db.flush()
    return count


def _footer() -> str:
    from flask_babel import gettext as _

    return _("You receive this because mail notifications are on. Turn them off on your account page: %(url)s",
             url=current_app.config.get("PUBLIC_URL", "").rstrip("/") + "/account")


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

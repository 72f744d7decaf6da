"""Who hears of what through which channel: each user's choice per topic (NoticePreference), the
defaults without one, and which channels this site can offer at all (Zalo and SMS only when their
keys are configured). Services take the session, flush, and never commit."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.notifications import rules
from marketplace.notifications.models import NoticePreference


def offered_channels() -> tuple[str, ...]:
    """The channels the account page offers: the bell and mail always, Zalo and SMS when configured."""
    notifiers = current_app.extensions.get("notifiers", {})
    return tuple(channel for channel in rules.CHANNELS
                 if channel not in rules.PHONE_CHANNELS or channel in notifiers)


def choices(db: Session, user: User) -> dict[str, frozenset[str]]:
    """Every topic's channels for `user`: what they saved, else the defaults."""
    saved = {pref.topic: rules.parse_channels(pref.channels)
             for pref in db.scalars(select(NoticePreference).where(NoticePreference.user_id == user.id))}
    default = rules.default_channels(user.mail_notifications)
    return {topic: saved.get(topic, default) for topic in rules.TOPICS}


def channels_for(db: Session, user: User, topic: str) -> frozenset[str]:
    stored = db.scalar(select(NoticePreference.channels)
                       .where(NoticePreference.user_id == user.id, NoticePreference.topic == topic))
    return rules.parse_channels(stored) if stored is not None else rules.default_channels(user.mail_notifications)


def save(db: Session, user: User, chosen: dict[str, set[str]]) -> None:
    """Store the user's channels for every topic in `chosen` (unknown topics and channels are
    ignored; a channel the site does not offer is kept as it was). Two saves that race both end
    with one row per topic: an insert that loses to another is retried as an update."""
    offered = set(offered_channels())
    for topic in rules.TOPICS:
        if topic not in chosen:
            continue
        previous = channels_for(db, user, topic)
        wanted = {c for c in chosen[topic] if c in offered} | {c for c in previous if c not in offered}
        _upsert(db, user.id, topic, rules.format_channels(wanted))
    db.flush()


def _upsert(db: Session, user_id: int, topic: str, channels: str) -> None:
    row = db.scalar(select(NoticePreference).where(NoticePreference.user_id == user_id,
                                                   NoticePreference.topic == topic).with_for_update())
    if row is not None:
        row.channels = channels
        return
    try:
        with db.begin_nested():  # another request may insert the same (user, topic) meanwhile
            db.add(NoticePreference(user_id=user_id, topic=topic, channels=channels))
    except IntegrityError:
        row = db.scalar(select(NoticePreference).where(NoticePreference.user_id == user_id,
                                                       NoticePreference.topic == topic).with_for_update())
        row.channels = channels

"""Demo data for notices: the chair of Hội quán Xoài Mỹ Xương reads orders on Zalo. Her number is
confirmed and she chose the bell, mail and Zalo for orders; with NOTIFIER=fake (or real ZNS keys)
a new order for the club reaches Zalo through the worker, without them nothing is queued."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.notifications.models import NoticePreference


def load(db: Session, chair: User | None) -> dict[str, int]:
    if chair is None or not chair.phone:
        return {"notice_choices": 0}
    if chair.phone_confirmed_at is None:
        chair.phone_confirmed_at = utcnow()  # demo data: no code was typed, the number is the demo's own
    if db.scalar(select(NoticePreference.id).where(NoticePreference.user_id == chair.id,
                                                   NoticePreference.topic == "orders")):
        return {"notice_choices": 0}
    db.add(NoticePreference(user_id=chair.id, topic="orders", channels="bell;mail;zalo"))
    db.flush()
    return {"notice_choices": 1}

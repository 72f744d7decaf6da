"""What tells people: in-app notices (the bell) and the queue of outgoing mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class Notification(IdMixin, Base):
    """An in-app notice for one user: the bell in the header counts the unread ones."""

    __tablename__ = "notifications"
    # The bell's count and the coalescing look-up: a user's unread notices (docs/performance.md).
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(20))  # match, message, offer, alert, order_…
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the text is made of
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]


class OutgoingMail(IdMixin, Base):
    """A mail waiting to be sent by the worker: written in the page's transaction (so a page never
    waits on, or fails because of, the mail server) and retried with growing delays."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_due", "sent_at", "failed_at", "next_attempt_at"),)

    user_id: Mapped[int | None] = references("users.id", ondelete="CASCADE", index=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    kind: Mapped[str] = mapped_column(String(20), default="")  # notice, digest, …
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a worker is sending it; another leaves it alone until then
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # given up after the last retry
    last_error: Mapped[str] = mapped_column(String(300), default="")

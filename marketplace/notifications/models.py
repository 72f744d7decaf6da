"""What tells people: in-app notices (the bell) and the queue of outgoing mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from marketplace.db import Base, IdMixin, references, utcnow

KIND_LENGTH = 20


def _fitting_kind(kind: str) -> str:
    """A kind longer than its column is a programming slip that only PostgreSQL would refuse (SQLite
    keeps any length): refused here on every database, so the suite on SQLite finds it too."""
    if len(kind) > KIND_LENGTH:
        raise ValueError(f"notice kind {kind!r} is longer than {KIND_LENGTH} characters")
    return kind


class Notification(IdMixin, Base):
    """An in-app notice for one user: the bell in the header counts the unread ones."""

    __tablename__ = "notifications"
    # The bell's count and the coalescing look-up: a user's unread notices (docs/performance.md).
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))  # match, message, offer, alert, order_…
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the text is made of
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]

    @validates("kind")
    def _check_kind(self, _key: str, kind: str) -> str:
        return _fitting_kind(kind)


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
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH), default="")  # notice, digest, …
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a worker is sending it; another leaves it alone until then
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # given up after the last retry
    last_error: Mapped[str] = mapped_column(String(300), default="")

    @validates("kind")
    def _check_kind(self, _key: str, kind: str) -> str:
        return _fitting_kind(kind)


class NoticePreference(IdMixin, Base):
    """How one user wants to hear of one topic of notices (orders, offers, messages, matches …):
    `channels` is a ";"-separated choice among bell, mail, zalo and sms. Without a row, the
    defaults of notifications.rules apply (the bell, and mail as `User.mail_notifications` says)."""

    __tablename__ = "notice_preferences"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    topic: Mapped[str] = mapped_column(String(20))
    channels: Mapped[str] = mapped_column(String(40), default="bell;mail")


class OutgoingMessage(IdMixin, Base):
    """A Zalo (ZNS) or SMS notice waiting to be sent by the worker, as OutgoingMail is: written in
    the page's transaction, claimed, retried with growing delays, given up after the last try.
    `template` names the provider template (ZNS) and `params` its data (JSON); `text` is the
    whole message as an SMS carries it (within the provider's length)."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (Index("ix_outgoing_messages_due", "sent_at", "failed_at", "next_attempt_at"),)

    user_id: Mapped[int | None] = references("users.id", ondelete="CASCADE", index=True)
    channel: Mapped[str] = mapped_column(String(8))  # zalo | sms
    to: Mapped[str] = mapped_column(String(20))  # the phone number, national form
    kind: Mapped[str] = mapped_column(String(40), default="")  # the notice's kind (order_new …)
    template: Mapped[str] = mapped_column(String(40), default="")
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")
    provider_id: Mapped[str] = mapped_column(String(80), default="")  # the provider's message id

"""What a club did (activities) and what it asked for (concerns)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, references, utcnow

ACTIVITY_KINDS = ("meeting", "training", "workshop")
CONCERN_KINDS = ("difficulty", "proposal")
# open (raised, nobody assigned) → assigned (a handler named, due_on set) → answered (the handler's
# answer recorded) → closed (the club agrees it is settled); open/assigned past due_on are overdue.
CONCERN_STATUSES = ("open", "assigned", "answered", "closed")


class ClubActivity(IdMixin, Base):
    """A meeting (sinh hoạt định kỳ), training (tập huấn) or workshop (hội thảo) a club held:
    topic, day, how many attended, experts invited (names and where they are from, as typed).
    The public sees that meetings were held and their topics; the rest is for staff and the board."""

    __tablename__ = "club_activities"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[int | None]
    experts: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ClubConcern(IdMixin, Base):
    """A difficulty (khó khăn, vướng mắc) or a proposal (đề xuất, kiến nghị) a club raised, and
    how it was handled: who handles it (`handler`, an agency or person in words; `handler_user`
    when it is a user of the site), by when (`due_on`), the answer, its status
    (`CONCERN_STATUSES`). Staff only; the public never sees concerns."""

    __tablename__ = "club_concerns"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(10))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    handler: Mapped[str] = mapped_column(String(200), default="")
    handler_user_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    due_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    handler_user: Mapped[User | None] = relationship(foreign_keys=[handler_user_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

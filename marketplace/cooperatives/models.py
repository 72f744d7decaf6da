"""What staff record about a club becoming a cooperative."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, references, utcnow


class CooperativeStep(IdMixin, Base):
    """One step of a club towards a cooperative, as staff recorded it.

    stage: interested (the board wants to) → qualified (meets the conditions of the law on
    cooperatives) → guided (staff advised the board) → dossier (registration dossier filed) →
    founded (the cooperative is registered: `cooperative_id` names it, and its
    `Organization.founded_from_id` points back to the club). Steps are a log: the latest is where
    the club stands. `households_joined` and `members_joined` are the members who joined the
    cooperative at its founding (a count, and names as staff wrote them).
    """

    __tablename__ = "cooperative_steps"

    club_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    stage: Mapped[str] = mapped_column(String(12))
    taken_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    cooperative_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL", index=True)
    households_joined: Mapped[int | None]
    members_joined: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    club: Mapped[Organization] = relationship(foreign_keys=[club_id])
    cooperative: Mapped[Organization | None] = relationship(foreign_keys=[cooperative_id])
    recorded_by: Mapped[User | None] = relationship()


class CooperativeMember(IdMixin, Base):
    """A club that is a member of a cooperative: proposed by one side, accepted by the other.

    status: proposed → active (the other side accepted) → ended (either side left, or staff ended
    it); proposed → declined. While active, the cooperative's growing-area and packing-house codes
    may be attached to the club's listings ("mã của HTX …"); ending it detaches them. A pair has at
    most one proposed or active row at a time (the services lock and check); ended and declined
    rows stay as history."""

    __tablename__ = "cooperative_members"

    cooperative_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    club_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    proposed_by_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE")
    proposed_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    end_reason: Mapped[str] = mapped_column(Text, default="")

    cooperative: Mapped[Organization] = relationship(foreign_keys=[cooperative_id])
    club: Mapped[Organization] = relationship(foreign_keys=[club_id])

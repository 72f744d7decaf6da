"""Invitations to join an organisation. The households a club records live beside the listings that
name them (marketplace.listings.households) and are re-exported here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, references, utcnow
from marketplace.listings.households import Household, household_planting_codes


class Invitation(IdMixin, Base):
    """A board member's invitation for one person, by phone number or e-mail address.

    The person joins through the link (its token) or by typing the 6-digit code with the phone
    number or address it was sent to; only the SHA-256 of each is stored. It works once
    (`accepted_at`), until `expires_at`, and not after it is revoked; `code_attempts` counts wrong
    codes typed for it (after a few, the code stops working and only the link does).
    `role` is what the member joins as: seller, buyer, or board (the organisation's own role for its
    kind, on the board)."""

    __tablename__ = "invitations"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    role: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(80), default="")  # "Phó chủ nhiệm", "Thành viên"
    name: Mapped[str] = mapped_column(String(120), default="")  # as the inviter wrote it
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # national form, 0xxxxxxxxx
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    invited_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    revoked_at: Mapped[datetime | None]
    # The mail carrying the link and code, when it was mailed: dropped unsent if the invitation is
    # revoked first (the worker blanks its body once sent or given up).
    mail_id: Mapped[int | None] = references("outgoing_mail.id", ondelete="SET NULL")

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])


__all__ = ["Household", "Invitation", "household_planting_codes"]

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, IdMixin, TimestampMixin, references
from marketplace.places.models import Commune


class User(IdMixin, UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # national form, 0xxxxxxxxx
    # When its owner typed the code sent to `phone` (Zalo and SMS notices go only then); a new
    # number clears it (notifications.phone).
    phone_confirmed_at: Mapped[datetime | None]
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login identifier: raising it ends every session and remember-me cookie.
    session_generation: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[datetime | None]
    # Mail about new messages, offers, matches and saved-search alerts: "instant", "daily" or "off".
    mail_notifications: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    digest_sent_at: Mapped[datetime | None]  # the last daily digest (or the last look for one)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:  # Flask-Login stores this in the session cookie
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & {"staff", "admin"})

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def membership(self) -> Membership | None:
        """The organisation this user acts for (their first membership)."""
        return self.memberships[0] if self.memberships else None

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None


class Organization(IdMixin, TimestampMixin, Base):
    __tablename__ = "organizations"

    ref: Mapped[str] = mapped_column(String(60), unique=True)  # stable key for imports and the API
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    commune_code: Mapped[str | None] = references("communes.code", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")  # free text, may be pre-2025
    phone: Mapped[str] = mapped_column(String(20), default="")
    zalo: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    members_count: Mapped[int | None]  # farming households, may exceed the platform's users
    founded_on: Mapped[date | None]
    founded_from_id: Mapped[int | None] = references("organizations.id")
    tourism: Mapped[bool] = mapped_column(default=False)
    tourism_offer: Mapped[str] = mapped_column(Text, default="")  # visits, farm stays, fruit picking
    grows: Mapped[str] = mapped_column(Text, default="")  # what members grow or make, in their words
    # The badge: set only by staff through marketplace.verification (never by data alone); when and
    # by whom is on the organisation's OrganizationRecord and its events.
    verified: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)

    commune: Mapped[Commune | None] = relationship(lazy="joined")
    founded_from: Mapped[Organization | None] = relationship(
        remote_side="Organization.id", back_populates="successors"
    )
    successors: Mapped[list[Organization]] = relationship(back_populates="founded_from")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Membership.id"
    )


class Membership(IdMixin, TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    role: Mapped[str] = mapped_column(String(10))  # seller, buyer, staff, admin
    title: Mapped[str] = mapped_column(String(80), default="")  # "Chủ nhiệm", "Giám đốc"
    # On the organisation's board (ban điều hành / ban chủ nhiệm): invites and removes members and
    # records households, besides what the role lets them do. Whoever creates an organisation is.
    board: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="joined")


class ApiToken(IdMixin, TimestampMixin, Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown to tell tokens apart
    name: Mapped[str] = mapped_column(String(80), default="")
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")

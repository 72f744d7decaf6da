"""Conversations between a buyer and a seller organisation, contact taps, blocks and reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, references, utcnow


class Conversation(IdMixin, Base):
    """A thread between one buyer organisation and one seller organisation about one thing
    (a listing, a demand post, an offer or a match): every acting member of either side reads it."""

    __tablename__ = "conversations"
    # One thread per pair and topic: asking about the same listing again continues it.
    __table_args__ = (UniqueConstraint("buyer_org_id", "seller_org_id", "topic"),)

    buyer_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    seller_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    topic: Mapped[str] = mapped_column(String(40))  # listing:12, demand:5, offer:3, match:5:12
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL")
    demand_id: Mapped[int | None] = references("demand_posts.id", ondelete="SET NULL")
    offer_id: Mapped[int | None] = references("offers.id", ondelete="SET NULL")
    # The fair whose catalog or meeting the thread was opened from.
    fair_id: Mapped[int | None] = references("fairs.id", ondelete="SET NULL", index=True)
    subject: Mapped[str] = mapped_column(String(200))  # the title when opened, kept if the thing goes
    started_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    buyer_org: Mapped[Organization] = relationship(foreign_keys=[buyer_org_id], lazy="joined")
    seller_org: Mapped[Organization] = relationship(foreign_keys=[seller_org_id], lazy="joined")
    messages: Mapped[list[ConversationMessage]] = relationship(
        back_populates="conversation", order_by="ConversationMessage.id", cascade="all, delete-orphan")


class ConversationMessage(IdMixin, Base):
    __tablename__ = "conversation_messages"

    conversation_id: Mapped[int] = references("conversations.id", ondelete="CASCADE", index=True)
    author_id: Mapped[int | None] = references("users.id", ondelete="SET NULL", index=True)
    author_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class ConversationRead(Base):
    """How far one user has read a thread: messages after this id are unread for them."""

    __tablename__ = "conversation_reads"

    conversation_id: Mapped[int] = references("conversations.id", ondelete="CASCADE", primary_key=True)
    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", primary_key=True, index=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactEvent(IdMixin, Base):
    """A tap on a seller's phone number or Zalo link: a lead that left the platform."""

    __tablename__ = "contact_events"

    channel: Mapped[str] = mapped_column(String(10))  # phone, zalo
    user_id: Mapped[int | None] = references("users.id", ondelete="SET NULL", index=True)
    from_org_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL")
    to_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL")
    demand_id: Mapped[int | None] = references("demand_posts.id", ondelete="SET NULL")
    # The fair whose catalog the tap came from: a lead the fair produced.
    fair_id: Mapped[int | None] = references("fairs.id", ondelete="SET NULL", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OrganizationBlock(IdMixin, Base):
    """One organisation no longer hears from another: no new threads or messages either way."""

    __tablename__ = "organization_blocks"
    __table_args__ = (UniqueConstraint("blocker_org_id", "blocked_org_id"),)

    blocker_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    blocked_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked_org: Mapped[Organization] = relationship(foreign_keys=[blocked_org_id], lazy="joined")


class ConversationReport(IdMixin, Base):
    """A member's report of a thread (spam, abuse, fraud) for staff to look at."""

    __tablename__ = "conversation_reports"

    conversation_id: Mapped[int] = references("conversations.id", ondelete="CASCADE", index=True)
    reporter_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    reporter_org_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL")
    reason: Mapped[str] = mapped_column(String(20))  # spam, abuse, fraud, other
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    conversation: Mapped[Conversation] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class ModerationAccess(IdMixin, Base):
    """Staff read a thread they are not a party to: who, which, when (the parties' privacy)."""

    __tablename__ = "moderation_accesses"

    staff_user_id: Mapped[int | None] = references("users.id", ondelete="SET NULL", index=True)
    conversation_id: Mapped[int] = references("conversations.id", ondelete="CASCADE", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff_user: Mapped[User | None] = relationship()



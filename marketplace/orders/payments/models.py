"""What card payments through Stripe leave in the database: the Checkout Sessions we opened and
every webhook event we accepted (each event id once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class StripeEvent(IdMixin, Base):
    """A Stripe webhook event, stored in the transaction that acted on it.

    The unique event id is what makes delivery idempotent: a second delivery of the same event
    fails to insert, and its transaction changes nothing. `outcome` says what the event did
    (recorded, already_recorded, amount_mismatch, not_payable, ignored, …) so that staff can find
    money that arrived for an order that could no longer take it.
    """

    __tablename__ = "stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When Stripe created the event: events may arrive out of order.
    created_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="ignored")
    order_id: Mapped[int | None] = references("orders.id", ondelete="SET NULL", index=True)
    session_id: Mapped[str | None] = mapped_column(String(255), index=True)
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    payment_intent: Mapped[str | None] = mapped_column(String(255))
    # Money taken but not applied, from a session this site opened, is refunded by the worker:
    # None (nothing for us to refund), "pending", "refunded", or "failed" (staff refund it by hand).
    refund_status: Mapped[str | None] = mapped_column(String(20), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(255))
    refund_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    refund_tried_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]


class CardCheckout(IdMixin, Base):
    """A Checkout Session opened for an order: reused while open, so a double click (or coming
    back to the order page) sends the buyer to the same session rather than making a second one
    they could pay as well."""

    __tablename__ = "stripe_checkouts"

    order_id: Mapped[int] = references("orders.id", ondelete="CASCADE", index=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    attempt: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    # open | expiring (the order stopped waiting for it: to expire at Stripe) | complete | expired
    status: Mapped[str] = mapped_column(String(10), default="open")
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

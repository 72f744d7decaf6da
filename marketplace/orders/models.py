"""Orders, their state history, payments received, and the bank accounts sellers are paid into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.demand.models import Offer
from marketplace.listings.models import Listing, Quantity
from marketplace.orders.rules import order_ref


class Order(IdMixin, TimestampMixin, Base):
    """A buyer organisation's order of a quantity from a seller organisation.

    Quantities and prices are copied when ordered (the listing may change afterwards); amounts
    are whole đồng. `reserved_quantity` is what was taken from the listing's quantity_available
    (in the listing's unit), so that releasing gives back exactly that.
    """

    __tablename__ = "orders"
    # One order per confirmation page: the page's key, sent twice (a double tap on "Đặt hàng"),
    # finds the order the first made instead of placing another.
    __table_args__ = (UniqueConstraint("buyer_org_id", "placing_key"),)

    buyer_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    seller_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL", index=True)
    offer_id: Mapped[int | None] = references("offers.id", ondelete="SET NULL", index=True)
    # The offer while this order is live: unique, so one accepted offer makes one live order even
    # when two clicks race; cleared when the order ends, so the buyer may order it again.
    live_offer_id: Mapped[int | None] = references("offers.id", ondelete="SET NULL", unique=True)
    title: Mapped[str] = mapped_column(String(250))
    quantity: Mapped[float] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40))
    reserved_quantity: Mapped[float] = mapped_column(Quantity, default=0)
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger)
    price_unit: Mapped[str] = mapped_column(String(40))  # what the price is per: kg, or the unit itself
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    payment_option: Mapped[str] = mapped_column(String(10), default="full")  # full | deposit
    amount_paid_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None]
    placing_key: Mapped[str | None] = mapped_column(String(64))
    # When the buyer said they paid by transfer and the seller has not recorded money since
    # (cleared by every payment recorded): a claim open now is not made twice.
    payment_claimed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    buyer_org: Mapped[Organization] = relationship(foreign_keys=[buyer_org_id], lazy="joined")
    seller_org: Mapped[Organization] = relationship(foreign_keys=[seller_org_id], lazy="joined")
    listing: Mapped[Listing | None] = relationship()
    offer: Mapped[Offer | None] = relationship(foreign_keys=[offer_id])
    created_by: Mapped[User | None] = relationship()
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", order_by="OrderEvent.id",
                                                    cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="order", order_by="Payment.id",
                                                   cascade="all, delete-orphan")

    @property
    def ref(self) -> str:
        """The reference buyers write in a transfer: ASCII, short, found again in a bank statement."""
        return order_ref(self.id)

    @property
    def title_en(self) -> str:
        """The English name of what was ordered: the listing's, while the listing still names
        what the order's stored title does; else the stored (Vietnamese) title as it was."""
        if self.listing is not None and self.listing.title == self.title:
            return self.listing.title_en
        return self.title


class OrderEvent(IdMixin, Base):
    """One step in an order's history: who (None for the system), when, from what to what.

    Most are state changes (kind "status"). A buyer saying they paid by transfer is a step of kind
    "payment_claimed" that leaves the status as it was (from_status == to_status): it is told to
    the seller like a state change, and counts as no money.
    """

    __tablename__ = "order_events"

    order_id: Mapped[int] = references("orders.id", ondelete="CASCADE", index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))  # None for the order being placed
    to_status: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(20), default="status", server_default="status")
    by_user_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    # When the people concerned were told (by the worker); None until then.
    notified_at: Mapped[datetime | None] = mapped_column(index=True)

    order: Mapped[Order] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship()


class Payment(IdMixin, Base):
    """Money received for an order. (provider, reference) is unique: the same bank line or card
    session can never count twice."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("provider", "reference"),)

    order_id: Mapped[int] = references("orders.id", ondelete="CASCADE", index=True)
    provider: Mapped[str] = mapped_column(String(20))  # vietqr (bank transfer), manual, stripe
    reference: Mapped[str] = mapped_column(String(200))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    order: Mapped[Order] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()


class BankAccount(IdMixin, TimestampMixin, Base):
    """Where an organisation is paid by bank transfer (VietQR): one account per organisation."""

    __tablename__ = "bank_accounts"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", unique=True)
    bank_bin: Mapped[str] = mapped_column(String(6))  # NAPAS BIN, e.g. 970405 (Agribank)
    account_number: Mapped[str] = mapped_column(String(19))
    account_holder: Mapped[str] = mapped_column(String(70))  # upper case, no accents, as banks print it

    organization: Mapped[Organization] = relationship()

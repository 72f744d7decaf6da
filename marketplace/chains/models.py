"""What a linked sales chain leaves in the database: the contract, its parties (the clubs and
cooperatives that supply it), its planned deliveries, and the orders delivered against it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.listings.models import Quantity
from marketplace.orders.models import Order
from marketplace.products.models import Product, Variety


class Chain(IdMixin, TimestampMixin, Base):
    """A season contract: what (product, variety, quality standard), how much (in total and per
    delivery), when (season and planned deliveries), at what price terms, under which required
    growing-area codes and certificates.

    status: proposed (waiting for a side to accept) → active (every side accepted) → ended;
    proposed → declined (a party said no, with a reason); proposed/active → cancelled.
    price_terms: fixed (price_vnd per price_unit), floor (at least price_vnd), market (price_note
    names the reference: "giá chợ đầu mối Cái Bè trừ 5 %").
    """

    __tablename__ = "chains"
    __table_args__ = (CheckConstraint("season_to >= season_from", name="season_ends_after_start"),)

    buyer_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    title: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int] = references("products.id", index=True)
    product_text: Mapped[str] = mapped_column(String(120), default="")
    variety_id: Mapped[int | None] = references("varieties.id")
    variety_text: Mapped[str] = mapped_column(String(120), default="")
    season_from: Mapped[date] = mapped_column(Date)
    season_to: Mapped[date] = mapped_column(Date)
    total_quantity: Mapped[float] = mapped_column(Quantity)
    per_delivery_quantity: Mapped[float | None] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40))
    price_terms: Mapped[str] = mapped_column(String(10), default="fixed")  # fixed | floor | market
    price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    price_unit: Mapped[str] = mapped_column(String(40), default="kg")
    price_note: Mapped[str] = mapped_column(Text, default="")
    quality_standard: Mapped[str] = mapped_column(Text, default="")
    requires_growing_area_code: Mapped[bool] = mapped_column(default=True)
    required_certificates: Mapped[str] = mapped_column(String(100), default="")  # "vietgap;globalgap"
    schedule_note: Mapped[str] = mapped_column(Text, default="")  # "mỗi thứ Hai, giao tại kho Q.7"
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    buyer_accepted_at: Mapped[datetime | None]
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    buyer_org: Mapped[Organization] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    variety: Mapped[Variety | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    parties: Mapped[list[ChainParty]] = relationship(
        back_populates="chain", order_by="ChainParty.id", cascade="all, delete-orphan")
    deliveries: Mapped[list[ChainDelivery]] = relationship(
        back_populates="chain", order_by="ChainDelivery.due_on", cascade="all, delete-orphan")

    @property
    def required_certificate_list(self) -> list[str]:
        return [c for c in self.required_certificates.split(";") if c]


class ChainParty(IdMixin, Base):
    """A club or cooperative that supplies the chain, how much of it (None: shares the whole), and
    whether it accepted."""

    __tablename__ = "chain_parties"
    __table_args__ = (UniqueConstraint("chain_id", "org_id"),)

    chain_id: Mapped[int] = references("chains.id", ondelete="CASCADE", index=True)
    org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    share_quantity: Mapped[float | None] = mapped_column(Quantity)
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    declined_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    chain: Mapped[Chain] = relationship(back_populates="parties")
    org: Mapped[Organization] = relationship(lazy="joined")


class ChainDelivery(IdMixin, Base):
    """A planned delivery of the chain: by when, how much, from which party (None: any)."""

    __tablename__ = "chain_deliveries"

    chain_id: Mapped[int] = references("chains.id", ondelete="CASCADE", index=True)
    due_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[float] = mapped_column(Quantity)
    seller_org_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL")
    note: Mapped[str] = mapped_column(Text, default="")

    chain: Mapped[Chain] = relationship(back_populates="deliveries")
    seller_org: Mapped[Organization | None] = relationship()


class ChainOrder(IdMixin, Base):
    """An order delivered against the chain (and the planned delivery it fulfils, when named).
    One chain per order."""

    __tablename__ = "chain_orders"

    chain_id: Mapped[int] = references("chains.id", ondelete="CASCADE", index=True)
    order_id: Mapped[int] = references("orders.id", ondelete="CASCADE", unique=True)
    delivery_id: Mapped[int | None] = references("chain_deliveries.id", ondelete="SET NULL", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    chain: Mapped[Chain] = relationship()
    order: Mapped[Order] = relationship()
    delivery: Mapped[ChainDelivery | None] = relationship()

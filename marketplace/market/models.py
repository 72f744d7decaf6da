"""Reference prices staff post, the alerts people save on them, and the bulletins sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, references, utcnow
from marketplace.products.models import Product, Variety
from marketplace.products.naming import NamedGoods

# Where a price was seen: at the farm gate (what traders pay growers), at a wholesale market
# (chợ đầu mối), on supermarket shelves, or for export (FOB/at the packing house).
MARKETS = ("farm_gate", "wholesale", "supermarket", "export")


class ReferencePrice(NamedGoods, IdMixin, Base):
    """A price staff saw on a day: min and max per unit, in whole đồng, for a product (and a
    variety, chosen or as typed) at one kind of market (`MARKETS`), at a place named in words
    ("Chợ đầu mối Mỹ Thới") and optionally a commune. Posted by hand or imported from a sheet
    (`ref` then keys the row, so re-importing a sheet updates instead of duplicating)."""

    __tablename__ = "reference_prices"
    __table_args__ = (Index("ix_reference_prices_product_day", "product_id", "observed_on"),)

    ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    product_id: Mapped[int] = references("products.id")
    variety_id: Mapped[int | None] = references("varieties.id")
    variety_text: Mapped[str] = mapped_column(String(120), default="")
    market: Mapped[str] = mapped_column(String(12), index=True)
    observed_on: Mapped[date] = mapped_column(Date, index=True)
    price_min_vnd: Mapped[int] = mapped_column(BigInteger)
    price_max_vnd: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(40), default="kg")
    place: Mapped[str] = mapped_column(String(200), default="")
    commune_code: Mapped[str | None] = references("communes.code")
    source: Mapped[str] = mapped_column(String(200), default="")  # who reported it, in words
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(lazy="joined")
    variety: Mapped[Variety | None] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship()


class PriceWatch(IdMixin, Base):
    """Someone asked to hear when a product's reference price moves by `threshold_pct` or more in
    a week (at one market, or at any when `market` is empty). `last_alerted_on` is the day of the
    price that last raised an alert, so one move alerts once."""

    __tablename__ = "price_watches"
    __table_args__ = (UniqueConstraint("user_id", "product_id", "market"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    product_id: Mapped[int] = references("products.id", ondelete="CASCADE", index=True)
    market: Mapped[str] = mapped_column(String(12), default="")
    threshold_pct: Mapped[int] = mapped_column(default=15)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_alerted_on: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship()
    product: Mapped[Product] = relationship(lazy="joined")


class BulletinSend(IdMixin, Base):
    """The weekly market bulletin of one organisation was mailed for the week starting on
    `week_of` (a Monday, Việt Nam time): one row per organisation and week, so the worker sends
    each bulletin once even when it runs twice."""

    __tablename__ = "bulletin_sends"
    __table_args__ = (UniqueConstraint("organization_id", "week_of"),)

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE")
    week_of: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)

    organization: Mapped[Organization] = relationship()

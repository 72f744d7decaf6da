from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, TimestampMixin, references
from marketplace.listings.models import Listing, Quantity
from marketplace.places.models import Commune
from marketplace.products.models import Product, Variety
from marketplace.products.naming import NamedGoods


class DemandPost(NamedGoods, IdMixin, TimestampMixin, Base):
    """What a buyer needs: product, quantity, when, where, at what price, with which credentials."""

    __tablename__ = "demand_posts"

    ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    product_id: Mapped[int] = references("products.id", index=True)
    product_text: Mapped[str] = mapped_column(String(120), default="")
    variety_id: Mapped[int | None] = references("varieties.id")
    variety_text: Mapped[str] = mapped_column(String(120), default="")
    grade: Mapped[str] = mapped_column(String(60), default="", server_default="")  # "loại 1", "xuất khẩu"
    quantity: Mapped[float] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40))  # a unit code, a weighed pack, or as typed
    frequency: Mapped[str] = mapped_column(String(10), default="once")
    needed_from: Mapped[date]
    needed_to: Mapped[date]
    delivery_commune_code: Mapped[str | None] = references("communes.code")
    price_min_vnd: Mapped[int | None] = mapped_column(BigInteger)
    price_max_vnd: Mapped[int | None] = mapped_column(BigInteger)
    required_certificates: Mapped[str] = mapped_column(String(60), default="")  # "vietgap;globalgap"
    min_ocop_stars: Mapped[int | None]
    needs_planting_code: Mapped[bool] = mapped_column(default=False)
    export_market: Mapped[str] = mapped_column(String(40), default="")  # ISO 3166 code (or EU), e.g. CN
    # What the buyer wrote when it names no one market we know ("Xứ Wakanda", "CN, US"): kept as
    # written for staff to read (and the request still asks for a planting area code).
    export_market_as_written: Mapped[str] = mapped_column(String(40), default="", server_default="")
    quality_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_by_id: Mapped[int | None] = references("users.id")

    organization: Mapped[Organization] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    # Joined as the product is: every card and title names the variety (issue #21).
    variety: Mapped[Variety | None] = relationship(lazy="joined")
    delivery_commune: Mapped[Commune | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    offers: Mapped[list[Offer]] = relationship(back_populates="demand", order_by="Offer.id",
                                               cascade="all, delete-orphan")

    @property
    def certificate_list(self) -> list[str]:
        return [c for c in self.required_certificates.split(";") if c]


class Offer(IdMixin, TimestampMixin, Base):
    """A club's answer to a demand post: part or all of the quantity, at a price, by a date."""

    __tablename__ = "offers"

    demand_id: Mapped[int] = references("demand_posts.id", ondelete="CASCADE", index=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL")
    quantity: Mapped[float] = mapped_column(Quantity)
    price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    delivery_date: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = references("users.id")
    created_by_id: Mapped[int | None] = references("users.id")

    demand: Mapped[DemandPost] = relationship(back_populates="offers")
    organization: Mapped[Organization] = relationship(lazy="joined")
    listing: Mapped[Listing | None] = relationship()

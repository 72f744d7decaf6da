from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.listings.households import Household
from marketplace.products.models import Product, Variety
from marketplace.products.naming import NamedGoods

Quantity = Numeric(14, 3, asdecimal=False)

listing_certificates = Table(
    "listing_certificates", Base.metadata,
    Column("listing_id", ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True),
    Column("certificate_id", ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True),
)
listing_planting_codes = Table(
    "listing_planting_codes", Base.metadata,
    Column("listing_id", ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True),
    Column("planting_code_id", ForeignKey("planting_codes.id", ondelete="CASCADE"), primary_key=True),
)


class Listing(NamedGoods, IdMixin, TimestampMixin, Base):
    __tablename__ = "listings"

    ref: Mapped[str | None] = mapped_column(String(60), unique=True)  # import key
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    product_id: Mapped[int] = references("products.id", index=True)
    product_text: Mapped[str] = mapped_column(String(120), default="")  # as the chair typed it
    variety_id: Mapped[int | None] = references("varieties.id")
    variety_text: Mapped[str] = mapped_column(String(120), default="")
    grade: Mapped[str] = mapped_column(String(60), default="")
    quantity: Mapped[float] = mapped_column(Quantity)
    # What is left to sell; orders reserve from it with a conditional UPDATE (never below 0).
    quantity_available: Mapped[float] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40))  # a unit code, a weighed pack ("thùng 10 kg"), or as typed
    min_order: Mapped[float | None] = mapped_column(Quantity)
    price_vnd: Mapped[int | None] = mapped_column(BigInteger)  # per unit, whole đồng; None with price_negotiable
    price_negotiable: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date]
    available_to: Mapped[date]
    delivery_area: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    producer_name: Mapped[str] = mapped_column(String(120), default="")  # member listed on behalf of
    # The club's household it was grown by (members.Household); producer_name stays as typed.
    household_id: Mapped[int | None] = references("households.id", ondelete="SET NULL", index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = references("users.id")

    organization: Mapped[Organization] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    # Joined as the product is: every card and title names the variety (issue #21).
    variety: Mapped[Variety | None] = relationship(lazy="joined")
    household: Mapped[Household | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    certificates: Mapped[list[Certificate]] = relationship(secondary=listing_certificates)
    planting_codes: Mapped[list[PlantingCode]] = relationship(secondary=listing_planting_codes)
    photos: Mapped[list[Photo]] = relationship(
        back_populates="listing", order_by="Photo.position", cascade="all, delete-orphan"
    )


class Photo(IdMixin, Base):
    """A photo of a listing or (without listing) of an organisation, stored re-encoded as WebP."""

    __tablename__ = "photos"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="CASCADE", index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # generated; files are key-<size>.webp
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = references("users.id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    listing: Mapped[Listing | None] = relationship(back_populates="photos")


class PhotoUploadClaim(IdMixin, Base):
    """Photos a user sent to be decoded, for the hourly upload budget (rows older than an hour go)."""

    __tablename__ = "photo_upload_claims"
    __table_args__ = (Index("ix_photo_upload_claims_user_created", "user_id", "created_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE")
    photos: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StagedPhoto(IdMixin, Base):
    """A photo sent ahead of its listing form (one at a time, or with a form that had problems),
    re-encoded and stored like any photo, waiting to be attached. It is its uploader's alone: only
    they see it and only they can attach it; its `key` is what the form carries back. Attaching
    turns it into a `Photo` with the same key and files; one never attached goes at `expires_at`."""

    __tablename__ = "staged_photos"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

"""What a fair leaves in the database: the fair and its booth kinds, applications for booths and
the fee paid for them, catalogs (a fair's or a standing one) with sections and entries, visits to a
catalog, and meetings booked between a buyer and an exhibitor."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow


class Fair(IdMixin, TimestampMixin, Base):
    """A trade fair, a supply–demand connection event or a workshop, created by staff.

    `organiser_org_id` names the organisation whose bank account receives booth fees by transfer
    (VietQR); `organiser_name` is how the organiser is written on the pages and in print.
    """

    __tablename__ = "fairs"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="fair")  # fair | connection | workshop
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200), default="")
    commune_code: Mapped[str | None] = references("communes.code", index=True)
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    organiser_org_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # The last day an application is taken; None: until the fair starts.
    apply_by: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)  # draft | published | cancelled
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    booth_kinds: Mapped[list[BoothKind]] = relationship(
        back_populates="fair", order_by="BoothKind.position", cascade="all, delete-orphan")


class BoothKind(IdMixin, Base):
    """A kind of booth at a fair ("Gian tiêu chuẩn 3×3 m"), how many there are and the fee.

    `given` counts booths held by approved and confirmed applications. It only ever moves by a
    conditional UPDATE (`given < count`), which is what keeps many approvals at once from handing
    out more booths than exist, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "fair_booth_kinds"
    __table_args__ = (CheckConstraint("given >= 0 AND given <= count", name="given_within_count"),)

    fair_id: Mapped[int] = references("fairs.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    count: Mapped[int] = mapped_column(Integer)
    given: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    fee_vnd: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # 0: free
    # Booth numbers are this prefix and a running number ("A-07"); empty: the number alone.
    number_prefix: Mapped[str] = mapped_column(String(10), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    fair: Mapped[Fair] = relationship(back_populates="booth_kinds")


class BoothApplication(IdMixin, TimestampMixin, Base):
    """An organisation's application for a booth at a fair (one per organisation and fair).

    status: applied → approved (a booth is held; the fee is due) → confirmed (paid, or free);
    applied → waitlisted → approved; applied/waitlisted → declined (with a reason);
    any open one → withdrawn by the applicant. A booth number is given when the booth is held.
    """

    __tablename__ = "booth_applications"
    __table_args__ = (UniqueConstraint("fair_id", "org_id", name="uq_booth_applications_fair_org"),
                      UniqueConstraint("fair_id", "booth_number", name="uq_booth_applications_fair_booth_number"))

    fair_id: Mapped[int] = references("fairs.id", ondelete="CASCADE", index=True)
    booth_kind_id: Mapped[int] = references("fair_booth_kinds.id", ondelete="CASCADE", index=True)
    org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    applied_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    # Products the applicant will bring that are not among its listings, as typed.
    products_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="applied", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why declined (shown to the applicant)
    decided_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    decided_at: Mapped[datetime | None]
    booth_number: Mapped[str | None] = mapped_column(String(20))
    fee_vnd: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # fixed when approved
    paid_at: Mapped[datetime | None]
    payment_method: Mapped[str | None] = mapped_column(String(10))  # card | transfer | free
    payment_reference: Mapped[str | None] = mapped_column(String(255))  # Stripe session or bank reference

    fair: Mapped[Fair] = relationship()
    booth_kind: Mapped[BoothKind] = relationship()
    listings: Mapped[list[BoothApplicationListing]] = relationship(cascade="all, delete-orphan")


class BoothApplicationListing(Base):
    """A listing the applicant picked as one it will bring to the fair."""

    __tablename__ = "booth_application_listings"

    application_id: Mapped[int] = references("booth_applications.id", ondelete="CASCADE", primary_key=True)
    listing_id: Mapped[int] = references("listings.id", ondelete="CASCADE", primary_key=True)


class BoothCheckout(IdMixin, Base):
    """A Stripe Checkout Session opened for a booth fee: reused while open (as CardCheckout is for
    orders), so a double click never opens a second session that could be paid as well."""

    __tablename__ = "booth_checkouts"

    application_id: Mapped[int] = references("booth_applications.id", ondelete="CASCADE", index=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | complete | expired
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Catalog(IdMixin, TimestampMixin, Base):
    """A curated catalog: a fair's (fair_id set) or a standing one ("Sản phẩm OCOP Đồng Tháp").

    A published catalog keeps the entries staff chose; each entry shows its listing's state as it
    is now (sold out, credentials expired), never a copy taken at publishing.
    """

    __tablename__ = "catalogs"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    fair_id: Mapped[int | None] = references("fairs.id", ondelete="SET NULL", index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    cover_text: Mapped[str] = mapped_column(Text, default="")
    cover_text_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)  # draft | published
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    fair: Mapped[Fair | None] = relationship()
    sections: Mapped[list[CatalogSection]] = relationship(
        back_populates="catalog", order_by="CatalogSection.position", cascade="all, delete-orphan")


class CatalogSection(IdMixin, Base):
    """A section of a catalog, usually a product group ("Xoài", "Sen")."""

    __tablename__ = "catalog_sections"

    catalog_id: Mapped[int] = references("catalogs.id", ondelete="CASCADE", index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    catalog: Mapped[Catalog] = relationship(back_populates="sections")
    entries: Mapped[list[CatalogEntry]] = relationship(
        back_populates="section", order_by="CatalogEntry.position", cascade="all, delete-orphan")


class CatalogEntry(IdMixin, Base):
    """One organisation in a section, with one of its listings or none (the organisation alone)."""

    __tablename__ = "catalog_entries"

    catalog_id: Mapped[int] = references("catalogs.id", ondelete="CASCADE", index=True)
    section_id: Mapped[int] = references("catalog_sections.id", ondelete="CASCADE", index=True)
    org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    section: Mapped[CatalogSection] = relationship(back_populates="entries")


class CatalogVisit(IdMixin, Base):
    """A view of a catalog page (entry_id: of one entry's listing opened from it), counted for the
    fair's figures. No user or address is kept: the figure is how many, not who."""

    __tablename__ = "catalog_visits"

    catalog_id: Mapped[int] = references("catalogs.id", ondelete="CASCADE", index=True)
    entry_id: Mapped[int | None] = references("catalog_entries.id", ondelete="SET NULL", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FairMeeting(IdMixin, TimestampMixin, Base):
    """A meeting a buyer asked for with an exhibitor at a fair.

    status: requested → accepted | proposed (the exhibitor offered `proposed_at` instead) →
    accepted (the buyer took the other time) | declined | cancelled.
    """

    __tablename__ = "fair_meetings"

    fair_id: Mapped[int] = references("fairs.id", ondelete="CASCADE", index=True)
    buyer_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    exhibitor_org_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL")
    requested_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    starts_at: Mapped[datetime]
    proposed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")

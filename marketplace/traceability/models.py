"""What traceability leaves in the database: lots, their events (append-only), the links between a
lot and the lots it was made from, and the lots an order delivered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import PlantingCode
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.listings.models import Listing, Quantity
from marketplace.orders.models import Order
from marketplace.places.models import Commune
from marketplace.products.models import Product, Variety


class Lot(IdMixin, TimestampMixin, Base):
    """A quantity of one product that is traced as one: a harvest from an orchard, a sorted or
    packed lot made from others, or a shipment split from one.

    `code` is public (it is printed on the crate and is the trace page's address): generated, or
    the club's own. What the lot came from is in `LotLink`; a lot with no source is a harvest, and
    its growing-area code is where it was grown. `gtin` is the product's GTIN where it has one, for
    the GS1 Digital Link form of the address (/01/<gtin>/10/<code>).
    """

    __tablename__ = "lots"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int | None] = references("listings.id", ondelete="SET NULL", index=True)
    product_id: Mapped[int] = references("products.id", index=True)
    product_text: Mapped[str] = mapped_column(String(120), default="")  # as the chair typed it
    variety_id: Mapped[int | None] = references("varieties.id")
    variety_text: Mapped[str] = mapped_column(String(120), default="")
    gtin: Mapped[str] = mapped_column(String(14), default="", index=True)  # 14 digits, or empty
    growing_area_id: Mapped[int | None] = references("planting_codes.id", ondelete="SET NULL", index=True)
    packing_house_id: Mapped[int | None] = references("planting_codes.id", ondelete="SET NULL", index=True)
    harvested_on: Mapped[date | None] = mapped_column(Date)
    best_before: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[float] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40))
    producer_name: Mapped[str] = mapped_column(String(120), default="")  # the household it was grown by
    note: Mapped[str] = mapped_column(Text, default="")
    # Scans of its label (or opens of its trace page from one): counted, never who scanned.
    scan_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    organization: Mapped[Organization] = relationship(lazy="joined")
    listing: Mapped[Listing | None] = relationship()
    product: Mapped[Product] = relationship(lazy="joined")
    variety: Mapped[Variety | None] = relationship()
    growing_area: Mapped[PlantingCode | None] = relationship(foreign_keys=[growing_area_id])
    packing_house: Mapped[PlantingCode | None] = relationship(foreign_keys=[packing_house_id])
    created_by: Mapped[User | None] = relationship()
    # The database deletes a lot's events with it (ON DELETE CASCADE; its triggers let that through
    # only when the lot is gone): the ORM never touches them, so deleting a lot is not refused as
    # changing its events.
    events: Mapped[list[LotEvent]] = relationship(back_populates="lot", order_by="LotEvent.id",
                                                  passive_deletes="all")


class LotEvent(IdMixin, Base):
    """One step of a lot: harvested, sorted, packed, shipped, received — when, where (commune and
    place), who, how much. Append-only: never updated or deleted (the database refuses it); a
    correction is a new event whose `corrects_id` names the one it corrects, and says what was wrong.

    `organization_id` is who recorded it: the lot's holder, or the buyer for "received". A buyer's
    name is shown on the public page only when `buyer_named` (the buyer agreed when confirming).
    """

    __tablename__ = "lot_events"

    lot_id: Mapped[int] = references("lots.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(12))  # harvested | sorted | packed | shipped | received
    happened_at: Mapped[datetime]
    commune_code: Mapped[str | None] = references("communes.code")
    place: Mapped[str] = mapped_column(String(200), default="")  # "Nhà sơ chế HTX", as written
    actor_name: Mapped[str] = mapped_column(String(120), default="")  # who did it, as written
    quantity: Mapped[float | None] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = references("lot_events.id", index=True)
    order_id: Mapped[int | None] = references("orders.id", ondelete="SET NULL", index=True)
    buyer_named: Mapped[bool] = mapped_column(default=False)
    organization_id: Mapped[int | None] = references("organizations.id", ondelete="SET NULL")
    recorded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lot: Mapped[Lot] = relationship(back_populates="events")
    commune: Mapped[Commune | None] = relationship()
    corrects: Mapped[LotEvent | None] = relationship(remote_side="LotEvent.id")
    organization: Mapped[Organization | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class LotLink(IdMixin, Base):
    """`source` went (wholly or `quantity` of it) into `lot`: one step back from `lot`, one step
    forward from `source`. A split is one source with several lots; packing several lots into one
    is several sources of one lot."""

    __tablename__ = "lot_links"
    __table_args__ = (UniqueConstraint("source_id", "lot_id"),
                      CheckConstraint("source_id <> lot_id", name="not_itself"))

    source_id: Mapped[int] = references("lots.id", ondelete="CASCADE", index=True)
    lot_id: Mapped[int] = references("lots.id", ondelete="CASCADE", index=True)
    quantity: Mapped[float | None] = mapped_column(Quantity)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Lot] = relationship(foreign_keys=[source_id])
    lot: Mapped[Lot] = relationship(foreign_keys=[lot_id])


class OrderLot(IdMixin, Base):
    """A lot an order delivered (all of it or `quantity`), named by the seller."""

    __tablename__ = "order_lots"
    __table_args__ = (UniqueConstraint("order_id", "lot_id"),)

    order_id: Mapped[int] = references("orders.id", ondelete="CASCADE", index=True)
    lot_id: Mapped[int] = references("lots.id", ondelete="CASCADE", index=True)
    quantity: Mapped[float | None] = mapped_column(Quantity)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    lot: Mapped[Lot] = relationship()

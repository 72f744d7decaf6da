"""What rural tourism leaves in the database: a club's offers (with photos of the club) and the
booking requests visitors send for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.db import Base, IdMixin, TimestampMixin, references
from marketplace.listings.models import Photo
from marketplace.places.models import Commune

# Photos of the organisation (Photo rows without a listing) shown with an offer, in this order.
tourism_offer_photos = Table(
    "tourism_offer_photos", Base.metadata,
    Column("offer_id", ForeignKey("tourism_offers.id", ondelete="CASCADE"), primary_key=True),
    Column("photo_id", ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class TourismOffer(IdMixin, TimestampMixin, Base):
    """An orchard visit, fruit picking, a farm stay or a boat trip a club offers.

    `months` is the season calendar: the months it runs, ";"-separated ("5;6;7;8"); empty: all
    year. Group size is per booking; price per person in whole đồng (None: free or by agreement).
    status: draft | published | paused.
    """

    __tablename__ = "tourism_offers"
    __table_args__ = (CheckConstraint("max_group IS NULL OR min_group IS NULL OR max_group >= min_group",
                                      name="group_range"),)

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(20))  # orchard_visit | picking | farm_stay | boat_trip | other
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    months: Mapped[str] = mapped_column(String(40), default="")
    min_group: Mapped[int | None]
    max_group: Mapped[int | None]
    price_per_person_vnd: Mapped[int | None] = mapped_column(BigInteger)
    included: Mapped[str] = mapped_column(Text, default="")  # "nón lá, nước dừa, 1 kg xoài mang về"
    directions: Mapped[str] = mapped_column(Text, default="")  # how to get there
    commune_code: Mapped[str | None] = references("communes.code", index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    organization: Mapped[Organization] = relationship(lazy="joined")
    commune: Mapped[Commune | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    photos: Mapped[list[Photo]] = relationship(secondary=tourism_offer_photos,
                                               order_by=tourism_offer_photos.c.position)

    @property
    def month_list(self) -> list[int]:
        return [int(m) for m in self.months.split(";") if m]


class TourismBooking(IdMixin, TimestampMixin, Base):
    """A visitor's request to come on a day with a group; the club accepts, proposes another day
    (which the visitor accepts or not), or declines.

    status: requested → accepted | proposed | declined; proposed → accepted (the visitor took the
    club's day) | declined; requested/proposed/accepted → cancelled by the visitor.
    The people who see it are those who see a conversation between the visitor and the club.
    """

    __tablename__ = "tourism_bookings"
    __table_args__ = (CheckConstraint("group_size > 0", name="group_size_positive"),)

    offer_id: Mapped[int] = references("tourism_offers.id", ondelete="CASCADE", index=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    visitor_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    visit_on: Mapped[date] = mapped_column(Date, index=True)
    group_size: Mapped[int]
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    proposed_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str] = mapped_column(Text, default="")  # the club's words with its answer
    decided_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    decided_at: Mapped[datetime | None]

    offer: Mapped[TourismOffer] = relationship()
    organization: Mapped[Organization] = relationship(lazy="joined")
    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

"""The households a club records for its members (who have no account), and the listings' link to
them: kept beside the listings because a listing names the household it was grown by, and the
packages above (members, orders, cooperatives) read both. marketplace.members re-exports them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization
from marketplace.credentials.models import PlantingCode
from marketplace.db import Base, IdMixin, TimestampMixin, references
from marketplace.places.models import Commune

household_planting_codes = Table(
    "household_planting_codes", Base.metadata,
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), primary_key=True),
    Column("planting_code_id", ForeignKey("planting_codes.id", ondelete="CASCADE"), primary_key=True),
)


class Household(IdMixin, TimestampMixin, Base):
    """A farming household of a club that has no account (no phone, or no wish to sign in),
    recorded by the club's board: listings name the household they come from ("grown by")."""

    __tablename__ = "households"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(120))  # "Hộ ông Nguyễn Văn Tư", as the chair writes it
    commune_code: Mapped[str | None] = references("communes.code")
    area_ha: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False))
    crops: Mapped[str] = mapped_column(String(300), default="")  # as typed: "xoài cát Chu, sầu riêng"
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)  # left the club: kept for its past listings
    created_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")

    organization: Mapped[Organization] = relationship()
    commune: Mapped[Commune | None] = relationship()
    planting_codes: Mapped[list[PlantingCode]] = relationship(secondary=household_planting_codes)

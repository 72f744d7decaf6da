from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, IdMixin, references, utcnow


class Province(Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # "Tỉnh Đồng Tháp"
    short_name: Mapped[str] = mapped_column(String(60))  # "Đồng Tháp"
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    communes: Mapped[list[Commune]] = relationship(back_populates="province")


class Commune(Base):
    """A commune (xã), ward (phường) or special zone (đặc khu), by its official code."""

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = references("provinces.code", index=True)
    name: Mapped[str] = mapped_column(String(80))  # "Xã Phú Hựu"
    short_name: Mapped[str] = mapped_column(String(60))  # "Phú Hựu"
    kind: Mapped[str] = mapped_column(String(20))  # Xã, Phường, Đặc khu
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Accent-folded "phu huu dong thap" for type-ahead without accents.
    search_key: Mapped[str] = mapped_column(String(160), index=True)

    province: Mapped[Province] = relationship(back_populates="communes", lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.name}, {self.province.short_name}"


class PlaceSource(IdMixin, Base):
    """Where the administrative units came from, so a reload can be traced and compared."""

    __tablename__ = "place_sources"

    package: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    licence: Mapped[str] = mapped_column(String(40))
    provinces: Mapped[int]
    communes: Mapped[int]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

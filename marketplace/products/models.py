from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, IdMixin, references


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)  # fruit, vegetable, …
    name_vi: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)

    products: Mapped[list[Product]] = relationship(
        back_populates="category", order_by="Product.name_vi"
    )


class Product(IdMixin, Base):
    __tablename__ = "products"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    category_code: Mapped[str] = references("categories.code", index=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    # Other names people use for it, ";"-separated, e.g. "thơm;khóm" for dứa (from the taxonomy).
    synonyms: Mapped[str] = mapped_column(Text, default="")
    # Names people typed that staff mapped to it: kept apart, so that reloading the taxonomy
    # (which rewrites `synonyms`) never undoes a mapping.
    staff_synonyms: Mapped[str] = mapped_column(Text, default="", server_default="")
    default_unit: Mapped[str] = mapped_column(String(20), default="kg")
    # False for a name people typed that the catalogue did not know: kept as typed (name_vi),
    # listed and requested like any product, and queued for staff to map or adopt.
    in_catalogue: Mapped[bool] = mapped_column(default=True, server_default=true(), index=True)

    category: Mapped[Category] = relationship(back_populates="products")
    varieties: Mapped[list[Variety]] = relationship(
        back_populates="product", order_by="Variety.name", cascade="all, delete-orphan"
    )

    @property
    def synonym_list(self) -> list[str]:
        """Every other name: the taxonomy's, then the ones staff mapped."""
        return [s for s in f"{self.synonyms};{self.staff_synonyms or ''}".split(";") if s]


class Variety(IdMixin, Base):
    __tablename__ = "varieties"
    __table_args__ = (UniqueConstraint("product_id", "slug"),)

    product_id: Mapped[int] = references("products.id", index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))  # "cát Chu"
    synonyms: Mapped[str] = mapped_column(Text, default="")
    staff_synonyms: Mapped[str] = mapped_column(Text, default="", server_default="")  # as on Product
    note: Mapped[str] = mapped_column(Text, default="")

    product: Mapped[Product] = relationship(back_populates="varieties")

    @property
    def synonym_list(self) -> list[str]:
        return [s for s in self.synonyms.split(";") if s]

    @property
    def staff_synonym_list(self) -> list[str]:
        return [s for s in (self.staff_synonyms or "").split(";") if s]

"""A file kept between its preview and its confirmation (staff import page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class PendingImport(IdMixin, Base):
    """The bytes of an uploaded import file, as previewed: "Confirm import" imports exactly these
    (checked again by their SHA-256), so the person never uploads twice and nothing else can slip
    in between. Rows go when confirmed, and when older than imports.pending.MAX_AGE."""

    __tablename__ = "pending_imports"
    __table_args__ = (Index("ix_pending_imports_created", "created_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Saved searches and what each has already told its owner about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class SavedSearch(IdMixin, Base):
    """A search someone wants to hear about: its query string, as on /search."""

    __tablename__ = "saved_searches"

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(Text)  # url-encoded search parameters, without page or sort
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearchHit(IdMixin, Base):
    """A document a saved search has alerted about: never twice for the same one."""

    __tablename__ = "saved_search_hits"
    __table_args__ = (UniqueConstraint("saved_search_id", "doc_id"),)

    saved_search_id: Mapped[int] = references("saved_searches.id", ondelete="CASCADE", index=True)
    doc_id: Mapped[str] = mapped_column(String(40))  # listing:12, demand:5
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The search outbox: what changed, written in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class SearchOutbox(Base):
    """One row per changed object: a log that each index follows on its own (see
    services.OutboxPosition), pruned after a week.

    `entity` is listing, demand or org. An org row also refreshes the org's listings and demand
    posts, whose documents carry its name, place and credentials.
    """

    __tablename__ = "search_outbox"

    # SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # pruned by age

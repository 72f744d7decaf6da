"""The change log: what changed, written in the same transaction as the change itself, and how
far each database-wide follower has read it. (The table names are older than this package.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class SearchOutbox(Base):
    """One row per changed object: a log that each follower reads on its own (see
    follow.Position), pruned once old and passed by every database-wide follower.

    `entity` is listing, demand or org. An org row also stands for the org's listings and demand
    posts, whose documents and matches carry its name, place and credentials.
    """

    __tablename__ = "search_outbox"

    # SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # pruned by age


class OutboxPositionRecord(Base):
    """How far a database-wide follower of the change log has got (matching, alerts: one position
    for the whole platform), unlike search indexes, which keep theirs beside each index."""

    __tablename__ = "outbox_positions"

    consumer: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(Text, default="{}")  # follow.Position as JSON, and the follower's own keys
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

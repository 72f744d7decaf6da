"""What the platform remembers about matches: which pairs were full matches (to notify once and
to count), and which each side dismissed. The matches themselves are computed when shown, from
the current data, so they are never stale."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class MatchState(Base):
    __tablename__ = "match_states"
    __table_args__ = (UniqueConstraint("demand_id", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand_posts.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    full: Mapped[bool] = mapped_column(default=False)  # a full match when last computed
    score: Mapped[int] = mapped_column(default=0)
    first_full_at: Mapped[datetime | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[datetime | None]  # both sides told of it, once
    buyer_dismissed_at: Mapped[datetime | None]
    seller_dismissed_at: Mapped[datetime | None]


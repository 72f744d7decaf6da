"""What the platform remembers about matches: which pairs were full matches (to notify once and
to count), and which each side dismissed. The matches themselves are computed when shown, from
the current data, so they are never stale."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class MatchState(IdMixin, Base):
    __tablename__ = "match_states"
    __table_args__ = (UniqueConstraint("demand_id", "listing_id"),)

    demand_id: Mapped[int] = references("demand_posts.id", ondelete="CASCADE", index=True)
    listing_id: Mapped[int] = references("listings.id", ondelete="CASCADE", index=True)
    full: Mapped[bool] = mapped_column(default=False)  # a full match when last computed
    score: Mapped[int] = mapped_column(default=0)
    first_full_at: Mapped[datetime | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[datetime | None]  # both sides told of it, once
    buyer_dismissed_at: Mapped[datetime | None]
    seller_dismissed_at: Mapped[datetime | None]


"""Reserving a listing's quantity for an order, and giving it back.

Each is one conditional UPDATE checked by its row count, never read-then-write: the database
decides, so no number of simultaneous buyers can oversell. Takes the session, never commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, and_, case, func, literal, or_, update
from sqlalchemy.orm import Session

from marketplace.changes import log as change_log
from marketplace.db import utcnow
from marketplace.listings.models import Listing


def _as_numeric(value: float):
    """A quantity bound as NUMERIC: PostgreSQL has round(numeric, int), not round(float8, int)."""
    return literal(Decimal(repr(float(value))), Numeric(14, 3))


def reserve(db: Session, listing_id: int, quantity: float, *, today: date, min_order: float | None = None,
            price_vnd: int | None = None) -> bool:
    """Take `quantity` from a published, current listing in one conditional UPDATE.

    True when reserved. The minimum order holds unless the buyer takes everything left; with
    `price_vnd`, the listing must still have that price (the one the buyer confirmed). The
    listing turns sold_out in the same statement when nothing is left. No read before: the
    database decides, so no number of simultaneous buyers can oversell.
    """
    t = Listing.__table__
    n = _as_numeric(quantity)
    conditions = [t.c.id == listing_id, t.c.status == "published", t.c.available_to >= today,
                  t.c.quantity_available >= n]
    if min_order:
        conditions.append(or_(n >= _as_numeric(min_order), t.c.quantity_available <= n))
    if price_vnd is not None:
        conditions.append(t.c.price_vnd == price_vnd)
    result = db.execute(
        update(t).where(and_(*conditions)).values(
            quantity_available=func.round(t.c.quantity_available - n, 3),
            status=case((t.c.quantity_available - n <= 0, "sold_out"), else_=t.c.status),
            updated_at=utcnow()))
    if result.rowcount != 1:
        return False
    _listing_changed(db, listing_id)
    return True


def release(db: Session, listing_id: int | None, quantity: float, *, today: date) -> None:
    """Give a reserved quantity back; a sold-out listing still in its window is on sale again."""
    if not listing_id or not quantity:
        return
    t = Listing.__table__
    n = _as_numeric(quantity)
    db.execute(update(t).where(t.c.id == listing_id).values(
        quantity_available=func.round(t.c.quantity_available + n, 3),
        status=case((and_(t.c.status == "sold_out", t.c.available_to >= today), "published"), else_=t.c.status),
        updated_at=utcnow()))
    _listing_changed(db, listing_id)


def _listing_changed(db: Session, listing_id: int) -> None:
    # A bulk UPDATE bypasses the flush hook: tell search and matching, and forget stale copies.
    change_log.enqueue(db, {("listing", listing_id)})
    cached = db.identity_map.get(db.identity_key(Listing, listing_id)) if hasattr(db, "identity_map") else None
    if cached is not None:
        db.expire(cached)

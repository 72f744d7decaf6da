"""Where a lot came from and where it went: one step each way, and the whole way back to the
harvests (its origins) and forward to the orders that delivered it or anything made from it.

The walk goes a level at a time, one query per level, and never visits a lot twice; MAX_DEPTH
bounds it (a real chain is harvest → sorted → packed → shipment: a handful of steps).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace import code_sharing
from marketplace.credentials.history import validity_on
from marketplace.orders.models import Order
from marketplace.orders.rules import RELEASING
from marketplace.traceability.models import Lot, LotLink, OrderLot

MAX_DEPTH = 50
# Orders that never went ahead: what they named was not delivered.
CLOSED_ORDERS = RELEASING


def one_step_back(db: Session, lot_ids: Iterable[int]) -> list[LotLink]:
    """The links from the lots these were made from (`link.source`) to them (`link.lot`)."""
    ids = list(set(lot_ids))
    if not ids:
        return []
    return list(db.scalars(select(LotLink).where(LotLink.lot_id.in_(ids))
                           .options(selectinload(LotLink.source)).order_by(LotLink.id)))


def one_step_forward(db: Session, lot_ids: Iterable[int]) -> list[LotLink]:
    """The links from these lots (`link.source`) to the lots made from them (`link.lot`)."""
    ids = list(set(lot_ids))
    if not ids:
        return []
    return list(db.scalars(select(LotLink).where(LotLink.source_id.in_(ids))
                           .options(selectinload(LotLink.lot)).order_by(LotLink.id)))


def _walk(db: Session, lot: Lot, step, far_end) -> list[Lot]:
    seen = {lot.id}
    found: list[Lot] = []
    level = [lot.id]
    for _ in range(MAX_DEPTH):
        links = step(db, level)
        level = []
        for link in links:
            reached = far_end(link)
            if reached.id not in seen:
                seen.add(reached.id)
                found.append(reached)
                level.append(reached.id)
        if not level:
            break
    return found


def ancestors(db: Session, lot: Lot) -> list[Lot]:
    """Every lot this one was made from, however many steps back, nearest first."""
    return _walk(db, lot, one_step_back, lambda link: link.source)


def descendants(db: Session, lot: Lot) -> list[Lot]:
    """Every lot made from this one, however many steps forward, nearest first."""
    return _walk(db, lot, one_step_forward, lambda link: link.lot)


def origins(db: Session, lot: Lot) -> list[Lot]:
    """The harvests this lot comes from: the lots, itself included, that were made from no other."""
    lots = [lot, *ancestors(db, lot)]
    made_from = {link.lot_id for link in one_step_back(db, [x.id for x in lots])}
    return [x for x in lots if x.id not in made_from]


def deliveries(db: Session, lot: Lot) -> list[OrderLot]:
    """The orders that delivered this lot or any lot made from it (not those declined, cancelled
    or expired: they never went ahead)."""
    ids = [lot.id, *(x.id for x in descendants(db, lot))]
    return list(db.scalars(select(OrderLot).join(Order, Order.id == OrderLot.order_id)
                           .where(OrderLot.lot_id.in_(ids), Order.status.not_in(CLOSED_ORDERS))
                           .options(selectinload(OrderLot.order)).order_by(OrderLot.id)))


@dataclass(frozen=True)
class OriginCheck:
    """Whether one harvest is traceable to a growing-area code that was active on its harvest day."""

    lot: Lot
    traceable: bool
    reason: str  # "ok", "no_code", "no_harvest_date", "other_crop", "not_member" (a cooperative's code, the
    # club not its member on the harvest day), or the code's state that day: expired…


def check_origin(db: Session, origin: Lot) -> OriginCheck:
    if origin.growing_area is None:
        return OriginCheck(origin, False, "no_code")
    if origin.harvested_on is None:
        return OriginCheck(origin, False, "no_harvest_date")
    area_product = origin.growing_area.product_id
    if area_product is not None and origin.product_id is not None and area_product != origin.product_id:
        return OriginCheck(origin, False, "other_crop")  # a pomelo orchard's code on a mango harvest
    if not code_sharing.usable_on(db, origin.growing_area, origin.organization_id, origin.harvested_on):
        # a cooperative's code counts for its member club's harvests only while it was a member
        return OriginCheck(origin, False, "not_member")
    validity = validity_on(db, origin.growing_area, origin.harvested_on)
    return OriginCheck(origin, validity.valid, "ok" if validity.valid else validity.state)


def traceable(db: Session, lot: Lot) -> bool:
    """A lot is traceable when every harvest it comes from has a growing-area code that was active
    on the day it was harvested."""
    return all(check_origin(db, origin).traceable for origin in origins(db, lot))


def all_traceable(db: Session, lots: Iterable[Lot]) -> bool:
    """Every one of these lots is traceable (and there is at least one)."""
    lots = list(lots)
    return bool(lots) and all(traceable(db, lot) for lot in lots)

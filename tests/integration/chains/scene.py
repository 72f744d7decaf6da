"""A season chain for xoài cát Chu between a supermarket and a cooperative with growing-area codes,
and what the tests do to it: orders delivered on given days, with the lots they name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.orders.models import Order, OrderEvent
from marketplace.traceability.models import Lot, OrderLot
from tests.factories import make_listing, make_org, make_planting_code, make_user


@dataclass
class Scene:
    buyer_org: Organization
    buyer: User
    coop: Organization
    seller: User
    other_club: Organization
    other_seller: User
    other_buyer: User
    staff: User
    listing: Listing
    code_id: int
    today: date


def make_scene() -> Scene:
    today = today_in_vietnam()
    buyer_org = make_org("supermarket", name="Siêu thị Xanh")
    coop = make_org("cooperative", name="HTX Xoài Mỹ Xương")
    other_club = make_org("club", name="CLB Sen Tháp Mười")
    scene = Scene(buyer_org, make_user("buyer", buyer_org), coop, make_user("seller", coop), other_club,
                  make_user("seller", other_club), make_user("buyer"), make_user("staff"),
                  make_listing(coop, "xoài cát Chu", quantity="100000", unit="kg", price_vnd="35000"),
                  make_planting_code(coop).id, today)
    return scene


def chain_input(scene: Scene, **changes) -> services.ChainInput:
    today = scene.today
    data = services.ChainInput(
        title="Xoài cát Chu vụ này", product="xoai cat chu", season_from=(today - timedelta(days=30)).strftime("%d/%m/%Y"),
        season_to=(today + timedelta(days=60)).strftime("%d/%m/%Y"), total_quantity="60 tấn",
        per_delivery_quantity="20 tan", price_terms="fixed", price_vnd="35.000", price_unit="kg",
        quality_standard="Loại 1, 350–500 g/trái", certificates=["vietgap"], schedule_kind="dates",
        dates="\n".join((today + timedelta(days=d)).strftime("%d/%m/%Y") for d in (-20, -10, 10)),
        party_ids=[scene.coop.id])
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def active_chain(scene: Scene) -> Chain:
    chain = services.propose(db.session, db.session.get(Organization, scene.buyer_org.id),
                             db.session.get(User, scene.buyer.id), chain_input(scene), today=scene.today)
    services.answer(db.session, chain, db.session.get(User, scene.seller.id), accept=True)
    db.session.commit()
    return chain


def delivered_order(scene: Scene, *, on: date, kg: float = 20000, status: str = "delivered") -> Order:
    """An order from the cooperative to the supermarket, delivered on the given day (Vietnam)."""
    order = Order(buyer_org_id=scene.buyer_org.id, seller_org_id=scene.coop.id, listing_id=scene.listing.id,
                  title=scene.listing.title, quantity=kg, unit="kg", unit_price_vnd=35000, price_unit="kg",
                  amount_vnd=int(kg * 35000), status=status)
    db.session.add(order)
    db.session.flush()
    at = datetime.combine(on, time(3, 0), tzinfo=UTC)  # 10:00 in Vietnam, the same day
    db.session.add_all([OrderEvent(order_id=order.id, from_status=None, to_status="requested", at=at),
                        OrderEvent(order_id=order.id, from_status="paid", to_status="delivered", at=at)])
    db.session.flush()
    return order


def lot_for(scene: Scene, order: Order, code: str, *, with_code: bool, harvested_on: date | None = None) -> Lot:
    lot = Lot(code=code, organization_id=scene.coop.id, listing_id=scene.listing.id,
              product_id=scene.listing.product_id, growing_area_id=scene.code_id if with_code else None,
              harvested_on=harvested_on or scene.today - timedelta(days=25), quantity=order.quantity, unit="kg")
    db.session.add(lot)
    db.session.flush()
    db.session.add(OrderLot(order_id=order.id, lot_id=lot.id))
    db.session.flush()
    return lot

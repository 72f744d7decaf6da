"""A lot made from two harvests, packed, split into two shipments delivered to two buyers (one of
them agreed to be named), with events and a correction, written directly as model rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from marketplace import db
from marketplace.accounts.models import Organization
from marketplace.credentials.models import PlantingCode
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.orders.models import Order
from marketplace.traceability.models import Lot, LotEvent, LotLink, OrderLot
from tests.factories import make_certificate, make_club, make_listing, make_org, make_planting_code, make_user

CHAIR_PHONE = "0912345678"
CLUB_PHONE = "0277388999"
PRIVATE_NOTE = "Ghi chú riêng của hội quán"
HIDDEN_BUYER = "Siêu thị Không Nêu Tên"
NAMED_BUYER = "Siêu thị Bách Hóa Xanh Sa Đéc"


@dataclass
class Scene:
    club: Organization
    chair: object
    codes: tuple[PlantingCode, PlantingCode]
    house: PlantingCode
    lots: dict[str, Lot]
    buyers: tuple[Organization, Organization]


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM).astimezone(UTC)


def _lot(club, listing, code, **fields) -> Lot:
    lot = Lot(code=code, organization_id=club.id, listing_id=listing.id, product_id=listing.product_id,
              variety_id=listing.variety_id, variety_text=listing.variety_text,
              quantity=fields.pop("quantity", 100.0), unit="kg", **fields)
    db.session.add(lot)
    db.session.flush()
    return lot


def _event(lot, kind, at, **fields) -> LotEvent:
    event = LotEvent(lot_id=lot.id, kind=kind, happened_at=at, unit="kg", **fields)
    db.session.add(event)
    db.session.flush()
    return event


def _order(club, buyer, listing) -> Order:
    order = Order(buyer_org_id=buyer.id, seller_org_id=club.id, listing_id=listing.id, title=listing.title,
                  quantity=100, unit="kg", unit_price_vnd=38000, price_unit="kg", amount_vnd=3_800_000)
    db.session.add(order)
    db.session.flush()
    return order


def make_scene(prefix: str = "T", number: str = "710", chair_phone: str = CHAIR_PHONE) -> Scene:
    today = today_in_vietnam()
    club, _ = make_club(name="Hội quán xoài Mỹ Xương")
    chair = make_user("seller", club, phone=chair_phone, name="Chủ nhiệm Tư")
    club = db.session.get(Organization, club.id)
    club.phone, club.address, club.email = CLUB_PHONE, "Ấp Mỹ Thới", "hoiquan@example.test"
    code_a = make_planting_code(club, f"VN-DTOR-{number}1", markets="CN;US")
    code_b = make_planting_code(club, f"VN-DTOR-{number}2")
    house = make_planting_code(club, f"VN-DTPH-{number}9", kind="packing_house", markets="CN")
    make_certificate(club, "vietgap", issued_on=today - timedelta(days=200))
    make_certificate(club, "ocop", stars=4, issued_on=today - timedelta(days=200))
    listing = make_listing(club, "xoài cát Hòa Lộc")
    a = _lot(club, listing, f"{prefix}-A", growing_area_id=code_a.id, harvested_on=today - timedelta(days=3),
             producer_name="Hộ ông Sáu", note=PRIVATE_NOTE)
    b = _lot(club, listing, f"{prefix}-B", growing_area_id=code_b.id, harvested_on=today - timedelta(days=2),
             producer_name="Hộ bà Năm")
    p = _lot(club, listing, f"{prefix}-P", quantity=200, packing_house_id=house.id,
             best_before=today + timedelta(days=10))
    s1 = _lot(club, listing, f"{prefix}-S1", quantity=120)
    s2 = _lot(club, listing, f"{prefix}-S2", quantity=80)
    for source, lot, qty in ((a, p, 100), (b, p, 100), (p, s1, 120), (p, s2, 80)):
        db.session.add(LotLink(source_id=source.id, lot_id=lot.id, quantity=qty))
    named = make_org("supermarket", name=NAMED_BUYER)
    hidden = make_org("supermarket", name=HIDDEN_BUYER)
    first, second = _order(club, named, listing), _order(club, hidden, listing)
    db.session.add_all([OrderLot(order_id=first.id, lot_id=s1.id), OrderLot(order_id=second.id, lot_id=s2.id)])
    harvest = _event(a, "harvested", _at(today - timedelta(days=3), 7), commune_code="30244", place="Vườn ông Sáu",
                     actor_name="Ông Sáu", quantity=90, note=PRIVATE_NOTE)
    _event(a, "harvested", _at(today - timedelta(days=3), 7), commune_code="30244", place="Vườn ông Sáu",
           actor_name="Ông Sáu", quantity=100, corrects_id=harvest.id, note="Cân lại: 100 kg")
    _event(b, "harvested", _at(today - timedelta(days=2), 8), commune_code="30244", place="Vườn bà Năm",
           actor_name="Bà Năm", quantity=100)
    _event(p, "packed", _at(today - timedelta(days=1), 9), commune_code="30244", place="Nhà đóng gói HTX",
           actor_name="Tổ đóng gói", quantity=200)
    _event(s1, "shipped", _at(today, 6), place="Nhà đóng gói HTX", quantity=120, order_id=first.id)
    _event(s2, "shipped", _at(today, 6), place="Nhà đóng gói HTX", quantity=80, order_id=second.id)
    _event(s1, "received", _at(today, 15), place="Kho Sa Đéc", quantity=120, order_id=first.id,
           organization_id=named.id, buyer_named=True)
    _event(s2, "received", _at(today, 16), place="Kho Cao Lãnh", quantity=80, order_id=second.id,
           organization_id=hidden.id, buyer_named=False)
    db.session.commit()
    return Scene(club=club, chair=chair, codes=(code_a, code_b), house=house,
                 lots={"a": a, "b": b, "p": p, "s1": s1, "s2": s2}, buyers=(named, hidden))

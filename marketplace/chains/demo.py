"""The demo chain: the issue's story — the demo supermarket and HTX Xoài Mỹ Xương (which has
growing-area codes) sign a season chain for 60 tấn of xoài cát Chu with codes, every two weeks,
proposed by the supermarket's buyer and accepted by the cooperative's director, through the services.
Its first planned delivery is made: the buyer orders it from the chain, the director confirms it,
records the transfer, names the lot (the 1,2 tấn shipment split off HTX Xoài Mỹ Xương's first demo
harvest, marketplace/traceability/demo.py) and delivers; the buyer confirms receipt — so the chain's
page shows real figures and a trace link. Loaded by marketplace/demo.py (`marketplace demo`) after
the demo lots, once: a second load finds the chain by its title, and the delivery by the chain's
orders, and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain, ChainOrder
from marketplace.errors import DomainError
from marketplace.forms import as_typed_date
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle
from marketplace.orders.payments import recording
from marketplace.traceability import lots
from marketplace.traceability.demo import HARVESTS
from marketplace.traceability.demo import LISTING_REF as LOT_LISTING_REF
from marketplace.traceability.models import Lot, LotLink

TITLE = "Xoài cát Chu có mã vùng trồng — Siêu thị Demo Mỹ Tho"
BUYER_REF, COOP_REF = "demo-sieu-thi-my-tho", "demo-htx-xoai-my-xuong"


def load(db: Session, orgs: dict[str, Organization], buyer: User | None, seller: User | None,
         today: date) -> dict[str, int]:
    buyer_org, coop = orgs.get(BUYER_REF), orgs.get(COOP_REF)
    if buyer_org is None or coop is None or buyer is None or seller is None:
        return {"chains": 0}
    chain = db.scalar(select(Chain).where(Chain.title == TITLE))
    if chain is not None:
        return {"chains": 0, "chain_orders": _deliver_first(db, chain, buyer, seller, today)}
    start, end = today, today + timedelta(days=150)
    chain = services.propose(db, buyer_org, buyer, services.ChainInput(
        title=TITLE, product="xoài", variety="cát Chu", season_from=as_typed_date(start),
        season_to=as_typed_date(end), total_quantity="60 tấn", per_delivery_quantity="6 tấn",
        price_terms="floor", price_vnd="35.000", price_unit="kg",
        price_note="Không thấp hơn 35.000 ₫/kg; theo giá chợ đầu mối Cái Bè khi cao hơn.",
        quality_standard="Loại 1: trái 350–500 g, không dập, độ chín 80–85 %, đóng thùng 10 kg.",
        requires_growing_area_code=True, certificates=["vietgap"], schedule_kind="every", every_days="14",
        first_delivery=as_typed_date(start + timedelta(days=7)), last_delivery=as_typed_date(end),
        schedule_note="Giao kho Mỹ Tho sáng thứ Hai, kèm mã lô in trên thùng.", party_ids=[coop.id]), today=today)
    services.answer(db, chain, seller, accept=True)
    return {"chains": 1, "chain_orders": _deliver_first(db, chain, buyer, seller, today)}


def _shipment(db: Session) -> Lot | None:
    """The demo lots' shipment to the supermarket: the first lot split off the first harvest."""
    source = aliased(Lot)
    return db.scalar(select(Lot).join(LotLink, LotLink.lot_id == Lot.id).join(source, source.id == LotLink.source_id)
                     .where(source.code == HARVESTS[0][0]).order_by(Lot.id).limit(1))


def _deliver_first(db: Session, chain: Chain, buyer: User, seller: User, today: date) -> int:
    """The first planned delivery, made with the demo shipment lot, through the services; nothing
    when the chain already has an order, or the lot or the listing is not there (or refused)."""
    if chain.status != "active" or not chain.deliveries:
        return 0
    if db.scalar(select(ChainOrder.id).where(ChainOrder.chain_id == chain.id).limit(1)) is not None:
        return 0
    parties = [p.org_id for p in chain.parties]
    lot = _shipment(db)
    listing = db.scalar(select(Listing).where(Listing.ref == LOT_LISTING_REF, Listing.organization_id.in_(parties)))
    if lot is None or listing is None:
        return 0
    try:
        quantity = f"{float(lot.quantity):g}".replace(".", ",")  # the lot's tấn, as the listing's unit
        order = services.place(db, chain, chain.deliveries[0].id, listing.id, buyer, quantity, today=today,
                               note="Chuyến giao đầu vụ theo chuỗi liên kết.")
    except DomainError:
        return 0  # the listing changed since (paused, sold out): no demo delivery then
    lifecycle.change(db, order, "confirm", actor="seller", user=seller, today=today)
    recording.record_payment(db, order.id, order.amount_vnd, provider="manual", reference=f"demo-chain:{order.id}",
                             by_user_id=seller.id)
    lots.name_order_lots(db, order, [lots.NamedLot(lot.code, None)], seller)
    lifecycle.change(db, order, "deliver", actor="seller", user=seller, today=today)
    lots.confirm_receipt(db, order, buyer, show_name=True)
    db.flush()
    return 1

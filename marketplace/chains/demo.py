"""The demo chain: the issue's story — the demo supermarket and HTX Xoài Mỹ Xương (which has
growing-area codes) sign a season chain for 60 tấn of xoài cát Chu with codes, every two weeks,
proposed by the supermarket's buyer and accepted by the cooperative's director, through the services.
Deliveries (orders with lots) are left to the lots work. Loaded by marketplace/demo.py
(`marketplace demo`), once: a second load finds the chain by its title and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain
from marketplace.forms import as_typed_date

TITLE = "Xoài cát Chu có mã vùng trồng — Siêu thị Demo Mỹ Tho"
BUYER_REF, COOP_REF = "demo-sieu-thi-my-tho", "demo-htx-xoai-my-xuong"


def load(db: Session, orgs: dict[str, Organization], buyer: User | None, seller: User | None,
         today: date) -> dict[str, int]:
    buyer_org, coop = orgs.get(BUYER_REF), orgs.get(COOP_REF)
    if buyer_org is None or coop is None or buyer is None or seller is None:
        return {"chains": 0}
    if db.scalar(select(Chain.id).where(Chain.title == TITLE)) is not None:
        return {"chains": 0}
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
    return {"chains": 1}

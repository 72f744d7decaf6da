"""Demo lots: HTX Xoài Mỹ Xương's cát Chu harvested from its VietGAP growing area, sorted, packed
at its packing house and shipped — one harvest split into two shipments, and two harvests packed
into one export lot — so that a lot page and the public trace page have something to show.
Loaded by marketplace/demo.py (`marketplace demo`) through the services, once: a second load finds
the first lot by its code and adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.dates import VIETNAM
from marketplace.listings.models import Listing
from marketplace.traceability import lots
from marketplace.traceability.lots import EventInput, LotInput, SourceInput
from marketplace.traceability.models import Lot

ORG_REF = "demo-htx-xoai-my-xuong"
LISTING_REF = "demo-l-xoai-cat-chu"
COMMUNE = "30076"  # Mỹ Xương's commune, as the cooperative's own
# (code, household, days ago harvested, tấn)
HARVESTS = (("MX-XOAI-0001", "Hộ ông Nguyễn Văn Bảy", 4, "3,2"), ("MX-XOAI-0002", "Hộ bà Lê Thị Hoa", 3, "2,1"))


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour, 0), tzinfo=VIETNAM).astimezone(UTC)


def load(db: Session, orgs: dict[str, Organization], director: User | None, today: date) -> dict[str, int]:
    org = orgs.get(ORG_REF)
    if org is None or db.scalar(select(Lot.id).where(Lot.code == HARVESTS[0][0])) is not None:
        return {"lots": 0}
    listing = db.scalar(select(Listing).where(Listing.ref == LISTING_REF, Listing.organization_id == org.id))
    now = datetime.now(UTC)
    made = []
    for code, household, days_ago, quantity in HARVESTS:
        lot = lots.record_lot(db, org, LotInput(
            code=code, listing_id=listing.id if listing else None, product="" if listing else "xoài cát Chu",
            quantity=quantity, unit="tấn", growing_area_code="VN-DTOR-9001", packing_house_code="VN-DTPH-9001",
            harvested_on=today - timedelta(days=days_ago), best_before=today + timedelta(days=14),
            producer_name=household), director, today=today)
        lots.add_event(db, lot, EventInput("harvested", happened_at=_at(today, days_ago, 6), commune_code=COMMUNE,
                                           place=f"Vườn {household.removeprefix('Hộ ')}", actor_name=household,
                                           quantity=quantity, unit="tấn"), org, director, now=now)
        lots.add_event(db, lot, EventInput("sorted", happened_at=_at(today, days_ago, 14), commune_code=COMMUNE,
                                           place="Nhà sơ chế HTX Xoài Mỹ Xương", actor_name="Tổ phân loại HTX",
                                           note="Loại 1 và loại 2, bỏ trái sâu, trầy."), org, director, now=now)
        made.append(lot)
    # The first harvest goes in two shipments; the second and the rest of the first are packed together.
    first, second = made
    shipment, rest = lots.split_lot(db, first, ["1,2", "2"], director, today=today)
    lots.add_event(db, shipment, EventInput("shipped", happened_at=_at(today, 2, 5), commune_code=COMMUNE,
                                            place="Bến xe tải HTX", actor_name="Xe 66C-123.45",
                                            note="Giao siêu thị ở Mỹ Tho."), org, director, now=now)
    packed = lots.pack_lots(db, org, [SourceInput(rest.code, ""), SourceInput(second.code, "")], director,
                            today=today, code="MX-XK-0001", packing_house_code="VN-DTPH-9001",
                            happened_at=_at(today, 2, 9), place="Nhà đóng gói HTX Xoài Mỹ Xương",
                            commune_code=COMMUNE, actor_name="Tổ đóng gói HTX")
    lots.add_event(db, packed, EventInput("shipped", happened_at=_at(today, 1, 7), commune_code=COMMUNE,
                                          place="Kho HTX", actor_name="Công ty xuất khẩu thử",
                                          note="Thùng 10 kg, dán nhãn mã lô."), org, director, now=now)
    db.flush()
    return {"lots": 5}

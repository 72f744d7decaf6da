"""Demo of the market bulletin (issue #20): two supermarkets want VietGAP xoài cát Chu this month,
25 + 15 tấn at 35.000–40.000 and 38.000–42.000 đ/kg, so the Mỹ Xương club's bulletin reads "Siêu
thị cần 40 tấn xoài cát Chu VietGAP trong tháng …, giá 35–42 nghìn đồng/kg (2 bên mua)" and its
chair shares it to the club's Zalo group. Loaded by marketplace/demo.py through the demand service:
both requests are written again on every load (needed from today to the month's end), so loading
twice gives the same data, and an older demo's weekly supermarket request becomes the story's."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.demand import services as demand_service
from marketplace.market.bulletin_rules import month_end

CLUB_REF = "demo-hq-xoai-my-xuong"
# (ref, supermarket ref, tấn, price min, price max, delivery commune, notes)
STORY_REQUESTS: tuple[tuple[str, str, int, int, int, str, str], ...] = (
    ("demo-d-xoai-sieu-thi", "demo-sieu-thi-my-tho", 25, 35000, 40000, "28261",
     "Trái 350–500 g, không dập, đóng thùng 10 kg, giao kho Mỹ Tho sáng thứ Hai."),
    ("demo-d-xoai-sieu-thi-2", "demo-sieu-thi-cao-lanh", 15, 38000, 42000, "29869",
     "Xoài cát Chu loại 1 cho quầy trái cây Tết, giao kho Cao Lãnh."),
)


def load(db: Session, orgs: dict[str, Organization], today: date) -> dict[str, int]:
    """The story's two requests, open from today to the end of this month; how many were new."""
    new = 0
    for ref, buyer_ref, tonnes, price_min, price_max, commune, notes in STORY_REQUESTS:
        existing = demand_service.demand_by_ref(db, ref)
        demand_service.save_demand(db, orgs[buyer_ref], demand_service.DemandInput(
            ref=ref, product="xoài", variety="cát Chu", quantity=tonnes, unit="tấn", frequency="once",
            needed_from=today, needed_to=month_end(today), price_min_vnd=price_min, price_max_vnd=price_max,
            required_certificates="vietgap", commune_code=commune, quality_notes=notes,
        ), None, today=today, demand=existing, status="open")
        new += existing is None
    db.flush()
    return {"bulletin requests": new}

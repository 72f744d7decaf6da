"""Demo data for the targets dashboard (issue #20): what it takes, on top of the rest of the demo,
for /staff/targets to read the issue's story — 2 cooperatives founded from clubs (already there:
HTX Xoài Mỹ Xương and HTX Quýt hồng Lai Vung), 11 growing-area codes of clubs tied to fruit
cooperatives against a goal of 8, 1 chain 100 % traceable (chains' demo), 3 clubs with tourism
and 14 OCOP products, 2 of them expiring within 6 months.

Added here: ten growing-area codes (six of the Long Hậu club, which founded HTX Quýt hồng Lai
Vung; four of the Phú Hựu longan club, a member of HTX Xoài Mỹ Xương) to the one the Mỹ Xương
club already holds; a published visit of the Tân Quy Đông flower club (the Mỹ Xương and Tháp Mười
clubs have theirs); twelve OCOP ratings to the demo's two. Dates are relative to today. Loaded by
marketplace/demo.py through the credentials and tourism services; codes and ratings are found
by their number and the visit by its title, so a second load adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.credentials.rules import add_months, check_certificate_number
from marketplace.tourism import offers
from marketplace.tourism.models import TourismOffer

# (club ref, code, crop, area in ha, days since issued)
CODES: tuple[tuple[str, str, str, float, int], ...] = (
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9101", "quýt hồng", 6.5, 420),
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9102", "quýt hồng", 5.0, 420),
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9103", "quýt hồng", 4.2, 300),
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9104", "quýt hồng", 7.8, 300),
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9105", "quýt đường", 3.6, 150),
    ("demo-hq-quyt-hong-long-hau", "VN-DTOR-9106", "quýt hồng", 4.9, 90),
    ("demo-hq-nhan-phu-huu", "VN-DTOR-9107", "nhãn Ido", 10.0, 380),
    ("demo-hq-nhan-phu-huu", "VN-DTOR-9108", "nhãn Ido", 8.4, 380),
    ("demo-hq-nhan-phu-huu", "VN-DTOR-9109", "nhãn xuồng cơm vàng", 5.5, 200),
    ("demo-hq-nhan-phu-huu", "VN-DTOR-9110", "nhãn Ido", 6.1, 60),
)
CODE_YEARS = 3

# (org ref, number, product, stars, days since issued, or None with days until it expires)
OCOP: tuple[tuple[str, str, str, int, int | None, int | None], ...] = (
    ("demo-hq-sen-thap-muoi", "QĐ-9101/UBND-OCOP", "mứt hạt sen", 3, 200, None),
    ("demo-hq-sen-thap-muoi", "QĐ-9102/UBND-OCOP", "hạt sen sấy", 4, 320, None),
    ("demo-hq-sen-thap-muoi", "QĐ-9103/UBND-OCOP", "tinh dầu sen", 3, None, 75),  # expiring
    ("demo-hq-khom-tan-phuoc", "QĐ-9104/UBND-OCOP", "khóm sấy dẻo", 3, 150, None),
    ("demo-hq-khom-tan-phuoc", "QĐ-9105/UBND-OCOP", "nước cốt khóm", 3, None, 140),  # expiring
    ("demo-thtx-dua-tan-phu-dong", "QĐ-9106/UBND-OCOP", "kẹo dừa", 3, 400, None),
    ("demo-thtx-dua-tan-phu-dong", "QĐ-9107/UBND-OCOP", "dầu dừa tinh khiết", 4, 260, None),
    ("demo-htx-tram-chim", "QĐ-9108/UBND-OCOP", "gạo Tràm Chim", 5, 120, None),
    ("demo-htx-tram-chim", "QĐ-9109/UBND-OCOP", "bánh phồng gạo", 3, 500, None),
    ("demo-hq-ca-tra-thuong-phuoc", "QĐ-9110/UBND-OCOP", "chả cá tra", 3, 330, None),
    ("demo-htx-xoai-my-xuong", "QĐ-9111/UBND-OCOP", "xoài sấy dẻo", 4, 240, None),
    ("demo-hq-nhan-phu-huu", "QĐ-9112/UBND-OCOP", "long nhãn sấy", 3, 180, None),
)
OCOP_MONTHS = 36

VISIT = ("demo-hq-hoa-kieng-tan-quy-dong", offers.OfferInput(
    kind="orchard_visit", title="Tham làng hoa kiểng Sa Đéc", title_en="Visit the Sa Đéc flower village",
    description="Đi dạo vườn hoa kiểng của hội viên, xem cách làm cúc mâm xôi và uốn kiểng, chụp ảnh mùa Tết.",
    description_en="Walk members' flower gardens, see how mound chrysanthemums are grown, photos before Tết.",
    months="tháng 11 đến tháng 1", min_group="2", max_group="25", price_per_person_vnd="50.000",
    included="Nước sâm, một chậu hoa nhỏ mang về", directions="Từ cầu Sa Đéc theo đường ven sông khoảng 3 km."))


def load(db: Session, orgs: dict[str, Organization], staff: User | None, today: date) -> dict[str, int]:
    made = {"target_codes": 0, "target_ocop": 0, "target_visits": 0}
    for ref, code, crop, area, days in CODES:
        org = orgs.get(ref)
        if org is None or db.scalar(select(PlantingCode.id).where(PlantingCode.code == code)) is not None:
            continue
        issued = today - timedelta(days=days)
        credentials.save_planting_code(db, org, credentials.PlantingCodeInput(
            code=code, kind="growing_area", crop=crop, area_ha=area, markets="CN", issued_on=issued,
            valid_until=add_months(issued, 12 * CODE_YEARS), status="active"), staff)
        made["target_codes"] += 1
    for ref, number, product, stars, since, until in OCOP:
        org = orgs.get(ref)
        if org is None or db.scalar(select(Certificate.id).where(Certificate.type == "ocop",
                                                                 Certificate.number == check_certificate_number(
                                                                     "ocop", number))) is not None:
            continue
        if since is not None:
            issued = today - timedelta(days=since)
            expires = add_months(issued, OCOP_MONTHS)
        else:
            expires = today + timedelta(days=until)
            issued = add_months(expires, -OCOP_MONTHS)
        credentials.save_certificate(db, org, credentials.CertificateInput(
            type="ocop", number=number, product_text=product, stars=stars, issued_on=issued,
            expires_on=expires, status="active", issuer="Demo"), staff)
        made["target_ocop"] += 1
    ref, data = VISIT
    org = orgs.get(ref)
    chair = next((m.user for m in org.memberships if m.role == "seller"), None) if org else None
    if chair is not None and db.scalar(select(TourismOffer.id).where(TourismOffer.organization_id == org.id,
                                                                     TourismOffer.title == data.title)) is None:
        offer = offers.save_offer(db, org, data, chair)
        offers.change_status(db, offer, "publish")
        made["target_visits"] += 1
    db.flush()
    return made

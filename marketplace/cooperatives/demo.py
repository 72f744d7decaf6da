"""Demo roads to a cooperative, recorded by the demo staff member through the service: the Long Hậu
club that founded HTX Quýt hồng Lai Vung (every step), and the Tân Thuận Tây club, guided and on its
way. Loaded by marketplace/demo.py once: a club with steps already gets none.

And HTX Xoài Mỹ Xương's member clubs: Hội quán Xoài Mỹ Xương (whose cát Chu listing carries the
cooperative's US-approved growing-area and packing-house codes) and Hội quán Nhãn Phú Hựu. A pair
that has any membership row already (a demo user may have left since) is left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.cooperatives import sharing, steps
from marketplace.cooperatives.models import CooperativeMember, CooperativeStep
from marketplace.forms import as_typed_date
from marketplace.listings import services as listings

# club ref → (stage, day, note, cooperative ref, households, members)
ROADS = {
    "demo-hq-quyt-hong-long-hau": (
        ("interested", date(2018, 11, 5), "Ban chủ nhiệm muốn lập HTX để ký hợp đồng với siêu thị.", None, "", ""),
        ("qualified", date(2019, 3, 20), "Đủ điều kiện theo Luật Hợp tác xã: trên 7 thành viên, có vốn góp.",
         None, "", ""),
        ("guided", date(2019, 6, 14), "Hướng dẫn xây dựng điều lệ và phương án sản xuất kinh doanh.", None, "", ""),
        ("dossier", date(2019, 11, 28), "Nộp hồ sơ đăng ký tại Phòng Tài chính – Kế hoạch.", None, "", ""),
        ("founded", date(2020, 1, 15), "", "demo-htx-quyt-hong-lai-vung", "32",
         "Phạm Văn Út, Nguyễn Thị Hồng, Trần Văn Lợi và 29 hộ khác"),
    ),
    "demo-hq-tan-thuan-tay": (
        ("interested", date(2025, 9, 10), "Chủ nhiệm hỏi về thủ tục thành lập HTX.", None, "", ""),
        ("guided", date(2026, 3, 2), "Đã tập huấn ban chủ nhiệm; chờ thống nhất vốn góp.", None, "", ""),
    ),
}


def load(db: Session, orgs: dict[str, Organization], staff: User | None, today: date) -> dict[str, int]:
    if staff is None:
        return {"cooperative_steps": 0}
    made = 0
    for ref, road in ROADS.items():
        club = orgs.get(ref)
        if club is None or db.scalar(select(CooperativeStep.id).where(CooperativeStep.club_id == club.id).limit(1)):
            continue
        for stage, day, note, coop_ref, households, members in road:
            coop = orgs.get(coop_ref) if coop_ref else None
            if stage == "founded" and coop is None:
                continue
            steps.record_step(db, club, steps.StepInput(
                stage=stage, taken_on=as_typed_date(day), note=note, cooperative_id=coop.id if coop else None,
                households_joined=households, members_joined=members), staff, today)
            made += 1
    return {"cooperative_steps": made}


# (cooperative ref, club ref, the day the club's board accepted)
MEMBERS = (
    ("demo-htx-xoai-my-xuong", "demo-hq-xoai-my-xuong", date(2024, 3, 1)),
    ("demo-htx-xoai-my-xuong", "demo-hq-nhan-phu-huu", date(2025, 6, 16)),
)
SHARED_LISTING = ("demo-l-xoai-cat-chu-htx", "demo-hq-xoai-my-xuong", ("VN-DTOR-9001", "VN-DTPH-9001"))


def load_members(db: Session, orgs: dict[str, Organization], today: date) -> dict[str, int]:
    made = 0
    for coop_ref, club_ref, accepted in MEMBERS:
        coop, club = orgs.get(coop_ref), orgs.get(club_ref)
        if coop is None or club is None or db.scalar(select(CooperativeMember.id).where(
                CooperativeMember.cooperative_id == coop.id, CooperativeMember.club_id == club.id).limit(1)):
            continue
        db.add(CooperativeMember(cooperative_id=coop.id, club_id=club.id, status="active",
                                 proposed_by_org_id=coop.id,
                                 created_at=datetime.combine(accepted - timedelta(days=7), datetime.min.time(), UTC),
                                 answered_at=datetime.combine(accepted, datetime.min.time(), UTC)))
        made += 1
    db.flush()
    return {"cooperative_members": made, "shared_code_listings": _shared_listing(db, orgs, today)}


def _shared_listing(db: Session, orgs: dict[str, Organization], today: date) -> int:
    """The club's cát Chu for the US, under its cooperative's codes; once (a chair may change it)."""
    ref, club_ref, codes = SHARED_LISTING
    club = orgs.get(club_ref)
    if club is None or listings.listing_by_ref(db, ref) is not None:
        return 0
    usable = sharing.usable_codes(db, club, lock=True, today=today)
    code_ids = [c.id for c in usable if c.code in codes]
    if len(code_ids) != len(codes):
        return 0  # not a member (any more), or the codes are not valid: no listing that would be refused
    listings.save_listing(db, club, listings.ListingInput(
        ref=ref, product="xoài", variety="cát Chu", quantity=3, unit="tấn", price_vnd=41000,
        available_from=today, available_to=today + timedelta(days=35), producer_name="Vườn cô Sáu Hạnh",
        description="Xoài cát Chu loại 1 đi Mỹ, sơ chế tại nhà đóng gói của HTX Xoài Mỹ Xương (mã của HTX).",
        planting_code_ids=code_ids), None, today=today, publish=True, usable_codes=usable)
    return 1

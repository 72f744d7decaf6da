"""Demo roads to a cooperative, recorded by the demo staff member through the service: the Long Hậu
club that founded HTX Quýt hồng Lai Vung (every step), and the Tân Thuận Tây club, guided and on its
way. Loaded by marketplace/demo.py once: a club with steps already gets none."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.cooperatives import steps
from marketplace.cooperatives.models import CooperativeStep
from marketplace.forms import as_typed_date

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

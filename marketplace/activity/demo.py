"""Demo club activity, recorded through the services: Hội quán Xoài Mỹ Xương meets every month (the
last twelve months, so the public section and both halves of the year have some), holds a training
with an expert of the province's plant protection sub-department and a workshop with the demo
supermarket; Hội quán Tân Thuận Tây meets every other month. Concerns: several answered (handler
and answer), one assigned and overdue (Long Hậu's field road), one still open (Tháp Mười's OCOP
proposal). Dates relative to today. Loaded by marketplace/demo.py: a second load finds each activity
by its club, day and topic and each concern by its club and title, and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.activity import services
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.forms import as_typed_date

MONTHLY_TOPICS = (
    "Bao trái xoài chống ruồi vàng", "Tỉa cành, tạo tán sau thu hoạch", "Ghi nhật ký sản xuất VietGAP",
    "Xử lý ra hoa nghịch vụ", "Giá xoài và đơn hàng siêu thị tháng tới", "Quản lý bệnh thán thư mùa mưa",
    "Bón phân hữu cơ vi sinh", "Chuẩn bị hồ sơ mã số vùng trồng", "Phân loại, đóng thùng xoài xuất khẩu",
    "Tổng kết vụ, bình xét hộ sản xuất giỏi", "Kế hoạch tham gia hội chợ", "Góp vốn mua máy phun thuốc",
)


def _months_back(today: date, n: int, day: int) -> date:
    month, year = today.month - n, today.year
    while month < 1:
        month, year = month + 12, year - 1
    return date(year, month, day)


def _activities(today: date) -> list[tuple[str, str, date, str, str, str]]:
    """(club ref, kind, day, topic, attendees as typed, experts)."""
    rows = []
    for n in range(12):
        day = _months_back(today, n, 10)
        if day <= today:
            topic = f"Sinh hoạt định kỳ tháng {day.month}: {MONTHLY_TOPICS[day.month - 1]}"
            rows.append(("demo-hq-xoai-my-xuong", "meeting", day, topic, f"{22 + day.month % 7} người", ""))
        if n % 2 == 0 and (day := _months_back(today, n, 15)) <= today:
            rows.append(("demo-hq-tan-thuan-tay", "meeting", day, f"Sinh hoạt định kỳ tháng {day.month}",
                         "khoảng 18", ""))
    rows.append(("demo-hq-xoai-my-xuong", "training", today - timedelta(days=45),
                 "Tập huấn quản lý ruồi đục trái và sâu bệnh trên xoài theo VietGAP", "khoảng 35",
                 "KS. Lê Văn Hai, Chi cục Trồng trọt và Bảo vệ thực vật (Sở Nông nghiệp và Môi trường)"))
    rows.append(("demo-hq-xoai-my-xuong", "workshop", today - timedelta(days=150),
                 "Hội thảo kết nối tiêu thụ xoài cát Chu với siêu thị", "40",
                 "Chị Ngô Thị Lan, phụ trách thu mua, Siêu thị Demo Mỹ Tho"))
    return rows


# (club ref, kind, days ago raised, title, body, handler, days after raised: due, answer (or ""),
#  days after raised: answered, settled by the club)
CONCERNS = (
    ("demo-hq-xoai-my-xuong", "difficulty", 100, "Thiếu vốn xây nhà sơ chế và kho mát",
     "Hội quán cần khoảng 800 triệu đồng để xây nhà sơ chế đạt chuẩn xuất khẩu.",
     "Ngân hàng Nông nghiệp và PTNT chi nhánh Cao Lãnh", 30,
     "Ngân hàng cho vay ưu đãi theo Nghị định 55/2015; hội quán nộp phương án tại chi nhánh, cán bộ tín "
     "dụng đến khảo sát trong tháng.", 20, True),
    ("demo-hq-xoai-my-xuong", "proposal", 70, "Đề nghị hỗ trợ cấp mã số vùng trồng cho 12 ha mở rộng",
     "Các hộ mới vào hội quán chưa có mã số vùng trồng.", "Chi cục Trồng trọt và Bảo vệ thực vật", 30,
     "Chi cục sẽ khảo sát và hướng dẫn hồ sơ trong đợt cấp mã quý tới; hội quán lập danh sách hộ và diện tích.",
     18, False),
    ("demo-hq-tan-thuan-tay", "difficulty", 60, "Ruồi đục trái gây hại nặng trên xoài cát Hòa Lộc", "",
     "Trạm Trồng trọt và BVTV thành phố Cao Lãnh", 14,
     "Trạm đã hướng dẫn đặt bẫy dẫn dụ và bao trái; cấp 200 bẫy cho các hộ.", 10, False),
    ("demo-hq-quyt-hong-long-hau", "difficulty", 40, "Đường giao thông nội đồng xuống cấp, xe không vào được vườn",
     "Mùa thu hoạch quýt hồng sắp tới, xe tải nhỏ không vào được để chở hàng.", "UBND xã Long Hậu", 35, "", 0,
     False),
    ("demo-hq-sen-thap-muoi", "proposal", 6, "Đề xuất đưa trà sen vào chương trình OCOP cấp tỉnh",
     "Hội quán muốn được hướng dẫn hồ sơ nâng hạng OCOP 4 sao.", "", 0, "", 0, False),
)


def load(db: Session, orgs: dict[str, Organization], staff: User | None, today: date) -> dict[str, int]:
    made = {"club_activities": 0, "club_concerns": 0}
    for ref, kind, day, topic, attendees, experts in _activities(today):
        org = orgs.get(ref)
        chair = _chair(org)
        if chair is None or db.scalar(select(ClubActivity.id).where(
                ClubActivity.organization_id == org.id, ClubActivity.held_on == day, ClubActivity.topic == topic)):
            continue
        services.record_activity(db, org, services.ActivityInput(
            kind=kind, held_on=as_typed_date(day), topic=topic, attendees=attendees, experts=experts), chair, today)
        made["club_activities"] += 1
    for ref, kind, ago, title, body, handler, due_in, answer, answered_in, settled in CONCERNS:
        org = orgs.get(ref)
        chair = _chair(org)
        if chair is None or staff is None or db.scalar(select(ClubConcern.id).where(
                ClubConcern.organization_id == org.id, ClubConcern.title == title)):
            continue
        raised = today - timedelta(days=ago)
        concern = services.raise_concern(db, org, services.ConcernInput(
            kind=kind, raised_on=as_typed_date(raised), title=title, body=body), chair, raised)
        made["club_concerns"] += 1
        if handler:  # assigned on the day after it was raised
            services.assign(db, concern, services.AssignInput(
                handler=handler, handler_user_id=staff.id, due_on=as_typed_date(raised + timedelta(days=due_in))),
                staff, raised + timedelta(days=1))
        if answer:
            services.answer(db, concern, answer, staff, raised + timedelta(days=answered_in))
        if settled:
            services.close(db, concern, {"board"})
    return made


def _chair(org: Organization | None) -> User | None:
    if org is None:
        return None
    return next((m.user for m in org.memberships if m.board), None)

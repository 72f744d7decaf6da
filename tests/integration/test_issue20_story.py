"""Issue #20's "Done when", told through the pages on the demo data, on the next 10 May:

Staff are reminded of the semi-annual report (due 20 May), open the dashboard and see 2
cooperatives founded from clubs, 11 of 8 growing-area codes, 1 chain 100 % traceable, 3 tourism
clubs and 14 OCOP products (2 expiring), and download the semi-annual report as .xlsx and PDF with
those figures and every club's difficulties and how they were answered; the chair of Hội quán
Xoài Mỹ Xương sees that supermarkets want 40 tấn of VietGAP cát Chu this month at 35–42 nghìn
đồng/kg and has the text to share to the club's Zalo group.

The clock stands at 09:00 on 10 May in Việt Nam for the whole story (the demo's dates are relative
to its day); the reminder is the worker's job as the worker runs it.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.activity.models import ClubConcern
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.demo import demo_email, load_demo
from marketplace.notifications.models import Notification
from marketplace.reports import jobs as report_jobs
from tests.clients import app_session, signed_in, text_of

PASSWORD = "demo-password-123"
TARGETS = {"cooperatives_from_clubs": 2, "growing_area_codes": 11, "traceable_chains": 1,
           "tourism_clubs": 3, "ocop_products": 14}


def _next_10_may() -> date:
    today = today_in_vietnam()
    this_year = date(today.year, 5, 10)
    return this_year if today <= this_year else date(today.year + 1, 5, 10)


def test_on_10_may_staff_report_and_a_chair_shares_the_bulletin(app):
    may_10 = _next_10_may()
    period = f"{may_10.year}-H1"
    with time_machine.travel(datetime(may_10.year, 5, 10, 9, 0, tzinfo=VIETNAM), tick=False):
        assert today_in_vietnam() == may_10
        with app_session(app) as session:
            load_demo(session, PASSWORD)
            session.commit()
            staff = session.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
            chair = session.scalar(select(User).where(User.email == demo_email("chunhiem.myxuong")))
            club = session.scalar(select(Organization).where(Organization.ref == "demo-hq-xoai-my-xuong"))
            concerns = list(session.scalars(select(ClubConcern)))
            answered = [c for c in concerns if c.answer]
            assert answered and len(concerns) > len(answered)

        # The worker reminds staff (once), and the reminder is in their bell.
        with app.app_context():
            assert report_jobs.remind_of_reports() >= 1
            assert report_jobs.remind_of_reports() == 0
        with app_session(app) as session:
            notice = session.scalar(select(Notification).where(
                Notification.user_id == staff.id, Notification.kind == "report_due"))
            assert notice.url == f"/reports?period={period}&unit=82"
        staff_client = signed_in(app, staff, password=PASSWORD)
        bell = text_of(staff_client.get("/notifications"))
        assert f"hạn nộp 20/05/{may_10.year}" in bell and "(còn 10 ngày)" in bell

        # The dashboard, for the report due next (the first half), reads the story's figures.
        page = text_of(staff_client.get("/staff/targets"))
        assert "6 tháng đầu năm" in page
        for actual in (2, 1, 3):
            assert re.search(rf'data-testid="actual">{actual}</strong>', page)
        assert re.search(r'data-testid="actual">11</strong>\s*trên 8', page)
        assert re.search(r'data-testid="actual">14</strong>', page) and "sắp hết hạn trong 6 tháng: 2" in page

        # The semi-annual report as .xlsx: the targets' figures and every concern with its answer.
        xlsx = staff_client.get(f"/reports/download.xlsx?unit=82&period={period}")
        assert xlsx.status_code == 200
        book = load_workbook(io.BytesIO(xlsx.data))
        targets = [row for row in book["Chỉ tiêu"].iter_rows(values_only=True) if any(row)]
        actuals = [row for row in targets if any(isinstance(cell, int) for cell in row)]
        for value in TARGETS.values():
            assert any(value in row for row in actuals), value
        concern_cells = "\n".join(str(cell) for row in book["Khó khăn kiến nghị"].iter_rows(values_only=True)
                                  for cell in row if cell is not None)
        for concern in concerns:
            assert concern.title in concern_cells
            if concern.answer:
                assert concern.answer in concern_cells

        # …and as a PDF whose text keeps its diacritics.
        pdf = staff_client.get(f"/reports/download.pdf?unit=82&period={period}")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
        assert "6 THÁNG\n ĐẦU NĂM" in text or "6 tháng đầu năm" in text
        for line in ("Hợp tác xã thành lập từ Hội quán\n1\n2\nĐạt",
                     "Mã số vùng trồng của Hội quán liên kết HTX trái cây\n8\n11\nĐạt",
                     "Chuỗi liên kết có mã số và truy xuất nguồn gốc\n1\n1\nĐạt",
                     "Hội quán có du lịch nông thôn\n1\n3\nĐạt", "Sản phẩm OCOP của Hội quán, HTX\n14\nĐạt"):
            assert line in text, line
        assert "2 sắp hết hạn trong 6 tháng" in text and "Khó khăn" in text
        for concern in answered:
            assert concern.title[:30] in " ".join(text.split())

        # The chair reads the bulletin: 40 tấn of VietGAP cát Chu this month at 35–42 nghìn đồng/kg.
        bulletin = text_of(signed_in(app, chair, password=PASSWORD).get(f"/orgs/{club.id}/bulletin"))
        assert "40 tấn" in bulletin
        zalo = bulletin.split('data-testid="zalo-text">')[1].split("</textarea>")[0]
        assert "Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng 5, giá 35–42 nghìn đồng/kg" in zalo

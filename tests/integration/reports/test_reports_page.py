"""The /reports page: staff only; choose, preview, download (.xlsx, .pdf, .csv), file once."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.reports.models import FiledReport
from marketplace.reports.report_views import default_period
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_club, make_user


def _staff(app):
    with app_session(app):
        return make_user("staff", name="Lê Thị Tâm")


def _cooperatives(data: bytes) -> int:
    rows = list(load_workbook(io.BytesIO(data))["Chỉ tiêu"].iter_rows(values_only=True))
    return next(row[3] for row in rows if row[1] == "Hợp tác xã thành lập từ Hội quán")


def test_only_staff_see_reports(app, counting):
    with app_session(app):
        _club, chair = make_club()
    anonymous = app.test_client().get("/reports")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert signed_in(app, chair).get("/reports").status_code == 403
    assert signed_in(app, chair).get("/reports/download.xlsx?unit=82&period=2026-H1").status_code == 403
    staff = signed_in(app, _staff(app))
    page = staff.get("/reports?unit=82&period=2026-H1")
    assert page.status_code == 200
    text = text_of(page)
    assert "Tỉnh Đồng Tháp" in text and "6 tháng đầu năm 2026" in text
    assert 'data-testid="report-live"' in text
    assert "Báo cáo" in text_of(staff.get("/staff"))  # linked from the staff home
    assert 'href="/reports"' in text_of(staff.get("/staff"))


def test_the_page_in_english_and_with_bad_choices(app, counting):
    staff = signed_in(app, _staff(app), lang="en")
    page = text_of(staff.get("/reports?unit=82&period=2026-H2"))
    assert "Second half of 2026" in page and "Cooperatives founded from clubs" in page
    bad = staff.get("/reports?unit=999&period=2026-H3")
    assert bad.status_code == 200
    text = text_of(bad)
    assert "There is no province or commune with the code “999”." in text
    assert "Write the period like 2026-H1, 2026-H2 or 2026." in text
    assert staff.get("/reports/download.xlsx?unit=999&period=2026-H1").status_code == 404
    assert staff.get("/reports/download.doc?unit=82&period=2026-H1").status_code == 404
    assert staff.get("/reports/download.pdf?unit=82&period=sau-thang").status_code == 404


def test_downloads_have_their_types_names_and_figures(app, counting):
    staff = signed_in(app, _staff(app))
    xlsx = staff.get("/reports/download.xlsx?unit=82&period=2026-H1")
    assert xlsx.status_code == 200
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["Content-Disposition"] == "attachment; filename=bao-cao-82-2026-H1.xlsx"
    assert _cooperatives(xlsx.get_data()) == 2
    pdf = staff.get("/reports/download.pdf?unit=30244&period=2026")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == "attachment; filename=bao-cao-30244-2026.pdf"
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages).split())
    assert "Xã Phú Hựu" in words and "NĂM 2026" in words
    data = staff.get("/reports/download.csv?unit=82&period=2026-H1")
    assert data.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(data.get_data().decode("utf-8-sig"))))
    assert next(r for r in rows if r["key"] == "cooperatives_from_clubs")["value"] == "2"


def test_filing_keeps_the_report_and_refuses_a_second_time(app, counting):
    staff = signed_in(app, _staff(app))
    confirm = staff.get("/reports/file?unit=82&period=2026-H1")
    assert confirm.status_code == 200
    assert 'name="csrf_token"' in confirm.get_data(as_text=True)
    assert "không thể nộp lại" in text_of(confirm)
    no_token = staff.post("/reports/file", data={"unit": "82", "period": "2026-H1"})
    assert no_token.status_code in (400, 403)
    too_long = post(staff, "/reports/file", {"unit": "82", "period": "2026-H1", "note": "x" * 2001})
    assert too_long.status_code == 422
    assert "x" * 2001 in too_long.get_data(as_text=True)  # what was typed comes back
    done = post(staff, "/reports/file", {"unit": "82", "period": "2026-H1", "note": "Gửi UBND tỉnh"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/reports?unit=82&period=2026-H1")
    with app_session(app) as session:
        filed = session.query(FiledReport).one()
        assert (filed.unit_code, filed.period, filed.note) == ("82", "2026-H1", "Gửi UBND tỉnh")

    counting.cooperatives = 7  # new data after filing
    page = text_of(staff.get("/reports?unit=82&period=2026-H1"))
    assert 'data-testid="report-filed"' in page and "Gửi UBND tỉnh" in page
    assert 'data-testid="file-report"' not in page
    again = staff.get("/reports/download.xlsx?unit=82&period=2026-H1")
    assert again.headers["Content-Disposition"] == "attachment; filename=bao-cao-82-2026-H1-da-nop.xlsx"
    assert _cooperatives(again.get_data()) == 2

    twice = post(staff, "/reports/file", {"unit": "82", "period": "2026-H1"})
    assert twice.status_code == 409
    assert "Báo cáo của Tỉnh Đồng Tháp, kỳ 2026-H1 đã nộp rồi" in text_of(twice)
    assert staff.get("/reports/file?unit=82&period=2026-H1").status_code == 409
    with app_session(app) as session:
        assert session.query(FiledReport).count() == 1


def test_the_default_period_is_one_that_has_started():
    assert default_period(date(2027, 5, 10)).key == "2027-H1"
    assert default_period(date(2027, 8, 1)).key == "2027"
    assert default_period(date(2027, 12, 7)).key == "2027"  # next year's first half has not begun
    assert default_period(date(2028, 1, 2)).key == "2028-H1"

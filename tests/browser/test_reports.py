"""Staff choose, read and file a report on a 360-px phone: no serious axe violation, only the
tables' own regions scroll sideways, and the download answers with the workbook."""

from __future__ import annotations

import os

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_user


def test_staff_file_a_commune_report_on_a_phone(phone_page: Page, live_app: Flask) -> None:
    with live_app.app_context():
        staff = make_user("staff", email=f"reports.staff.{os.getpid()}@example.test", name="Lê Thị Tâm")
    sign_in(phone_page, staff.email)
    response = phone_page.goto("/reports")
    assert response is not None and response.status == 200
    phone_page.get_by_label("Đơn vị").select_option("30244")
    phone_page.get_by_label("Kỳ báo cáo").select_option(label="Năm 2025")
    phone_page.get_by_role("button", name="Xem").click()
    expect(phone_page.get_by_role("heading", name="Xã Phú Hựu — Năm 2025")).to_be_visible()
    assert serious_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="Excel (.xlsx)").first.click()
    assert download.value.suggested_filename == "bao-cao-30244-2025.xlsx"

    phone_page.get_by_test_id("file-report").click()
    phone_page.get_by_label("Ghi chú (không bắt buộc)").fill("Gui UBND xa")
    assert serious_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.get_by_role("button", name="Nộp báo cáo").click()
    expect(phone_page.get_by_test_id("report-filed")).to_be_visible()
    expect(phone_page.get_by_test_id("filed-reports")).to_contain_text("Xã Phú Hựu — Năm 2025")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

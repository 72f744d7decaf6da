"""On a 360-px phone, a club's chair records a training typed as people type it and raises a
difficulty; staff assign and answer it; the chair reads the answer and settles it. No serious axe
violation on the way, and nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.forms import as_typed_date
from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_user


def _fine(page: Page) -> None:
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_a_chair_records_and_raises_and_staff_answer_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    chair = make_member(live_app, "seller", "club", "Hội quán Hoạt động thử", board=True)
    with live_app.app_context():
        staff = make_user("staff", name="Cán bộ thử", email=f"staff.activity.{chair.org_id}@example.test")
        db.session.commit()
        staff_email = staff.email
    today = today_in_vietnam()

    sign_in(page, chair.email)
    page.goto(f"/orgs/{chair.org_id}")
    page.get_by_test_id("manage-activity").click()
    _fine(page)
    page.get_by_test_id("new-activity").click()
    page.locator("#kind").select_option("training")
    page.locator("#held_on").fill(as_typed_date(today + timedelta(days=2)))
    page.locator("#topic").fill("Tập huấn bao trái xoài chống ruồi vàng cho các hộ thành viên mới vào hội quán")
    page.locator("#attendees").fill("khoảng 30")
    page.locator("#experts").fill("KS. Lê Văn Hai, Chi cục Trồng trọt và Bảo vệ thực vật")
    page.get_by_test_id("activity-submit").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#attendees")).to_have_value("khoảng 30")
    _fine(page)
    page.locator("#held_on").fill(as_typed_date(today))
    page.get_by_test_id("activity-submit").click()
    expect(page.get_by_test_id("activities")).to_contain_text("30 người tham dự")
    _fine(page)
    page.get_by_test_id("new-concern").click()
    page.locator("#title").fill("Thiếu vốn xây nhà sơ chế đạt chuẩn xuất khẩu")
    page.get_by_test_id("concern-submit").click()
    expect(page.get_by_test_id("concerns")).to_contain_text("Đang chờ cán bộ")
    _fine(page)

    page.context.clear_cookies()
    sign_in(page, staff_email)
    page.goto("/staff/concerns")
    _fine(page)
    page.get_by_test_id("queue").get_by_role("link", name="Thiếu vốn xây nhà sơ chế đạt chuẩn xuất khẩu").click()
    page.locator("#handler").fill("Ngân hàng NN&PTNT chi nhánh Cao Lãnh")
    page.locator("#due_on").fill(as_typed_date(today + timedelta(days=14)))
    page.get_by_test_id("assign-submit").click()
    _fine(page)
    page.locator("#answer").fill("Ngân hàng cho vay ưu đãi; hội quán nộp phương án tại chi nhánh.")
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("concern-answer")).to_contain_text("cho vay ưu đãi")
    _fine(page)

    page.context.clear_cookies()
    sign_in(page, chair.email)
    page.goto(f"/orgs/{chair.org_id}/activity")
    expect(page.get_by_test_id("concerns")).to_contain_text("cho vay ưu đãi")
    page.locator("[data-testid^=close-]").first.click()
    expect(page.get_by_test_id("concerns")).to_contain_text("Đã giải quyết")
    _fine(page)

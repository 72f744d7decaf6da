"""A supermarket buyer books a meeting with an exhibitor on a 360-px phone; the exhibitor sees it
in their schedule for the fair, on a phone too, and accepts; both pages pass axe and fit the screen."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_demand import horizontal_overflow
from tests.factories import make_user
from tests.integration.fairs.meeting_scene import make_scene, typed_day

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN",
         "device_scale_factor": 2}


def test_a_buyer_books_on_a_phone_and_the_exhibitor_accepts(phone_page: Page, browser: Browser, live_server: str,
                                                           live_app) -> None:
    with live_app.app_context():
        scene = make_scene()
        slug, exhibitor_id, day = scene.fair.slug, scene.exhibitor.id, typed_day(scene, 1)
        buyer_email, seller_email = scene.buyer.email, scene.seller.email

    page = phone_page
    sign_in(page, buyer_email)
    page.goto(f"/fairs/{slug}/meetings")
    expect(page.get_by_test_id("no-meetings")).to_be_visible()
    page.get_by_test_id(f"ask-{exhibitor_id}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hợp tác xã Xoài Mỹ Xương")
    assert horizontal_overflow(page) <= 0
    assert not serious_violations(page)
    page.get_by_label("Ngày").fill(day)
    page.get_by_label("Giờ (giờ Việt Nam)").fill("9h30")
    page.get_by_label("Về sản phẩm (không bắt buộc)").select_option(label="Xoài cát Chu")
    page.get_by_label("Lời nhắn cho đơn vị trưng bày (không bắt buộc)").fill("Cần 2 tấn mỗi tuần, loại 1")
    page.get_by_test_id("send-request").click()
    expect(page).to_have_url(re.compile(rf"/fairs/{slug}/meetings#meeting-\d+$"))
    meeting = page.locator("li.meeting")
    expect(meeting).to_contain_text("09:30")
    expect(meeting.get_by_test_id("meeting-status")).to_have_text("Đã xin gặp, chờ đơn vị trưng bày trả lời")
    expect(meeting).to_contain_text("Gian A-01")
    assert horizontal_overflow(page) <= 0

    context = browser.new_context(base_url=live_server, **PHONE)
    try:
        exhibitor = context.new_page()
        sign_in(exhibitor, seller_email)
        exhibitor.goto(f"/fairs/{slug}/meetings")
        item = exhibitor.locator("li.meeting")
        expect(item).to_contain_text("Siêu thị Xanh Sa Đéc")
        expect(item).to_contain_text("Cần 2 tấn mỗi tuần, loại 1")
        assert horizontal_overflow(exhibitor) <= 0
        assert not serious_violations(exhibitor)
        item.get_by_test_id("accept").click()
        expect(exhibitor.locator("li.meeting").get_by_test_id("meeting-status")).to_have_text("Đã nhận lời")
        expect(exhibitor.locator(".flash")).to_contain_text("Đã nhận lời buổi gặp.")
    finally:
        context.close()

    page.reload()
    expect(page.locator("li.meeting").get_by_test_id("meeting-status")).to_have_text("Đã nhận lời")


def test_staff_read_what_the_fair_led_to_on_a_phone(phone_page: Page, live_app) -> None:
    with live_app.app_context():
        scene = make_scene(starts_in=-3)
        staff = make_user("staff")
        slug, staff_email = scene.fair.slug, staff.email
    page = phone_page
    sign_in(page, staff_email)
    page.goto(f"/staff/fairs/{slug}/outcomes")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sau hội chợ")
    expect(page.get_by_test_id("outcomes")).to_contain_text("Hợp tác xã Xoài Mỹ Xương")
    assert horizontal_overflow(page) <= 0  # the wide table scrolls inside its own box
    assert not serious_violations(page)
    with page.expect_download() as download:
        page.get_by_test_id("csv").click()
    assert download.value.suggested_filename == f"fair-{slug}-outcomes.csv"

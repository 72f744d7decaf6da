"""The demand form on a 360-px phone (issue #16): the unit stands beside the quantity and follows
the unit chosen, and a form sent with several mistakes shows every one of them at once, with
everything typed still in its field (an impossible date included), readable without sideways
scrolling and with no serious axe violation."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _open_as_member(page: Page, live_app, path: str, role: str, kind: str, name: str) -> None:
    sign_in(page, make_member(live_app, role, kind, name).email)
    page.goto(path)


def test_the_demand_form_shows_every_mistake_at_once_and_keeps_what_was_typed(phone_page: Page, live_app) -> None:
    page = phone_page
    _open_as_member(page, live_app, "/demand/new", "buyer", "supermarket", "Siêu thị Một Lần thử")

    # The unit beside the quantity, read with it, following the unit chosen.
    suffix = page.locator("#quantity-unit")
    expect(suffix).to_be_visible()
    expect(suffix).to_have_text("kg")
    expect(page.locator("#quantity")).to_have_attribute("aria-describedby", re.compile(r"\bquantity-unit\b"))
    page.locator("#unit").select_option("tấn")
    expect(suffix).to_have_text("tấn")
    assert horizontal_overflow(page) <= 0, "the demand form scrolls sideways on a 360-px phone"

    # Several mistakes at once: no product, a quantity in words, two impossible dates, a commune
    # typed but not picked from the list, a price in words.
    page.locator("#quantity").fill("năm tấn")
    page.locator("#needed_from").fill("31/02/2026")
    page.locator("#needed_to").fill("2026-13-01")
    page.locator("[data-commune-picker]").get_by_role("combobox").fill("xã không có thật")
    page.locator("#price_min_vnd").fill("ba chục")
    page.locator("#export_market").fill("Trung Quoc")
    page.get_by_test_id("demand-submit").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    for message in ("Vui lòng điền ô này", "Tháng 2 năm 2026 không có ngày 31", "Không có tháng 13",
                    "Chọn xã", "giá"):
        expect(summary).to_contain_text(message)
    expect(page.locator("#needed_from-error")).to_contain_text("Tháng 2 năm 2026 không có ngày 31")
    expect(page.locator("#commune_query-error")).to_be_visible()
    expect(page.locator("#quantity-error")).to_be_visible()
    # Everything typed came back, in the unit chosen.
    expect(page.locator("#quantity")).to_have_value("năm tấn")
    expect(page.locator("#needed_from")).to_have_value("31/02/2026")
    expect(page.locator("#needed_to")).to_have_value("2026-13-01")
    expect(page.locator("#price_min_vnd")).to_have_value("ba chục")
    expect(page.locator("#export_market")).to_have_value("Trung Quoc")
    expect(page.locator("#unit")).to_have_value("tấn")
    expect(suffix).to_have_text("tấn")
    assert horizontal_overflow(page) <= 0, "the form with its messages scrolls sideways on a 360-px phone"
    assert serious_violations(page) == []


def test_the_listing_form_puts_the_unit_beside_the_minimum_order(phone_page: Page, live_app) -> None:
    page = phone_page
    _open_as_member(page, live_app, "/listings/new", "seller", "club", "Hội quán Đơn Vị thử")
    suffix = page.locator("#min_order-unit")
    expect(suffix).to_be_visible()
    page.locator("#unit").select_option("tấn")
    expect(suffix).to_have_text("tấn")  # 200 here means 200 tấn, and the form says so
    expect(page.locator("#quantity-unit")).to_have_text("tấn")
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []

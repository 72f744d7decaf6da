"""On a 360-px phone, a club's chair invites a member by phone number and reads the link and code
to pass on by Zalo; the member opens the link in a browser of their own, creates an account, signs
in and joins. Nothing on the members page is wider than the screen."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations

NEWCOMER_PASSWORD = "xoai-cat-chu-2026"


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_chair_invites_from_a_phone_and_the_member_joins(phone_page: Page, browser: Browser, live_server: str,
                                                           live_app) -> None:
    page = phone_page
    chair = make_member(live_app, "seller", "club", "Hội quán Xoài mời thử", board=True)
    sign_in(page, chair.email)
    page.goto(f"/orgs/{chair.org_id}/members")
    assert _overflow(page) <= 0
    page.get_by_label("Tên", exact=True).fill("Anh Ba Thử")
    page.get_by_label("Số điện thoại hoặc e-mail").fill("0938 765 432")
    page.get_by_label("Tham gia với vai trò").select_option("seller")
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("invited")).to_contain_text("Zalo")
    code = page.get_by_test_id("invite-code").input_value()
    assert re.fullmatch(r"\d{6}", code)
    assert code in page.get_by_test_id("share-text").input_value()
    link = urlsplit(page.get_by_test_id("invite-link").input_value()).path
    assert _overflow(page) <= 0  # the link, the code and the message fit on the phone too
    assert serious_violations(page) == []

    context = browser.new_context(base_url=live_server, **PHONE)
    try:
        member = context.new_page()
        member.goto(link)
        expect(member.get_by_test_id("join-role")).to_contain_text("Anh Ba Thử")
        assert serious_violations(member) == [] and _overflow(member) <= 0
        member.get_by_test_id("join-register").click()
        member.locator("input[name=name]").fill("Anh Ba Thử")
        member.locator("input[name=phone]").fill("0938 765 432")
        member.locator("input[name=password]").fill(NEWCOMER_PASSWORD)
        member.locator("input[name=password_again]").fill(NEWCOMER_PASSWORD)
        member.get_by_test_id("register-submit").click()
        expect(member).to_have_url(re.compile(r"/login"))
        member.locator("input[name=password]").fill(NEWCOMER_PASSWORD)
        member.get_by_test_id("login-submit").click()
        expect(member).to_have_url(re.compile(r"/join/invitation"))
        member.get_by_role("button", name="Đồng ý tham gia").click()
        expect(member).to_have_url(re.compile(rf"/orgs/{chair.org_id}$"))
        expect(member.locator("body")).to_contain_text("Bạn đã là thành viên")
    finally:
        context.close()
    page.goto(f"/orgs/{chair.org_id}/members")
    expect(page.get_by_test_id("member-list")).to_contain_text("Anh Ba Thử")
    assert _overflow(page) <= 0

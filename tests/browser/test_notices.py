"""A chair on a 360-px phone chooses Zalo for orders and confirms her number with the code the
(fake) SMS carried: the account page's notice sections fit the screen and read in Vietnamese."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import User
from marketplace.notifications.models import NoticePreference, OutgoingMessage
from marketplace.notifications.notifier import FakeNotifier
from tests.browser.members import make_member
from tests.browser.signing import sign_in


@pytest.fixture
def phones(live_app: Flask):
    before = live_app.extensions.get("notifiers", {})
    live_app.extensions["notifiers"] = {"zalo": FakeNotifier(), "sms": FakeNotifier()}
    yield live_app.extensions["notifiers"]
    live_app.extensions["notifiers"] = before


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_chair_chooses_zalo_and_confirms_her_number_on_a_phone(phone_page: Page, live_app: Flask, phones) -> None:
    chair = make_member(live_app, "seller", "club", "Hội quán Xoài Zalo")
    sign_in(phone_page, chair.email)
    phone_page.goto("/account")
    expect(phone_page.get_by_role("heading", name="Nhận thông báo qua đâu")).to_be_visible()
    assert _fits(phone_page)
    orders = phone_page.locator("fieldset", has_text="Đơn hàng").first
    orders.get_by_label("Zalo").check()
    phone_page.get_by_test_id("notice-channels").get_by_role("button").click()
    phone_page.wait_for_url(re.compile("/account"))

    phone_page.get_by_label("Số điện thoại").last.fill("0912 345 678")
    phone_page.get_by_test_id("send-phone-code").click()
    expect(phone_page.get_by_test_id("confirm-phone")).to_be_visible()
    assert _fits(phone_page)
    with live_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == chair.email))
        row = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == user_id)).one()
        code = re.search(r"\b(\d{6})\b", row.text).group(1)
    phone_page.get_by_label("Mã 6 chữ số").fill(code)
    phone_page.get_by_test_id("confirm-phone").click()
    expect(phone_page.get_by_test_id("phone-confirmed")).to_be_visible()
    assert _fits(phone_page)
    with live_app.app_context():
        user = db.session.get(User, user_id)
        assert user.phone == "0912345678" and user.phone_confirmed_at is not None
        pref = db.session.scalar(select(NoticePreference).where(NoticePreference.user_id == user_id,
                                                                NoticePreference.topic == "orders"))
        assert "zalo" in pref.channels

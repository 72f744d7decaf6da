"""Signing in through the real form, as a visitor does: shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form with email and password and wait until the page shows "sign out"."""
    page.goto("/login")
    page.get_by_label(re.compile("E-mail|Thư điện tử|điện thoại", re.I)).first.fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_attached()  # in the header's menu, closed until opened


def open_menu(page: Page) -> None:
    """Open the header's menu (a <details>): its links are hidden until then, on a phone and a desktop."""
    menu = page.locator("details[data-menu]")
    if menu.get_attribute("open") is None:
        page.get_by_test_id("menu-button").click()
    expect(page.locator(".menu-panel")).to_be_visible()

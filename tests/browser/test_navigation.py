"""The header on a 360-px phone: one line (about 56 px) signed in or out, so that the first product
card is on the first screen; one menu button that opens without script and from the keyboard; each
role's first action one tap from the home page (and menu + tap from any other), on a slow network."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_photos import slow_network
from tests.factories import make_listing

HEADER_MAX_PX = 64  # one line: 44-px tap targets and a little padding
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 640}}


@pytest.fixture(scope="module")
def people(live_app: Flask) -> dict:
    chair = make_member(live_app, "seller", "club", "Hội quán Điều hướng")
    buyer = make_member(live_app, "buyer", "supermarket", "Siêu thị Điều hướng")
    with live_app.app_context():
        from marketplace import db
        from marketplace.accounts.models import Organization

        make_listing(db.session.get(Organization, chair.org_id), "xoài", variety="cát Chu")
    return {"chair": chair, "buyer": buyer}


def header_height(page: Page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


def first_card_box(page: Page) -> dict:
    return page.locator("#listings-heading ~ .cards .listing-card").first.bounding_box()


@pytest.mark.parametrize("size", [SMALL_PHONE, DESKTOP], ids=["phone-360x640", "desktop"])
def test_signed_out_header_is_one_line_and_the_first_card_is_on_the_first_screen(
    size: dict, browser: Browser, live_server: str, people: dict
) -> None:
    context = browser.new_context(base_url=live_server, **size)
    try:
        page = context.new_page()
        page.goto("/")
        assert header_height(page) <= HEADER_MAX_PX
        if size is SMALL_PHONE:
            card = first_card_box(page)
            # Its top and its title are above the fold: the visitor sees a product without scrolling.
            assert card["y"] + 60 <= size["viewport"]["height"], card
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_chair_sells_in_one_tap_from_home_on_a_slow_phone(phone_page: Page, people: dict) -> None:
    page = phone_page
    sign_in(page, people["chair"].email)
    slow_network(page)
    page.goto("/")
    assert header_height(page) <= HEADER_MAX_PX
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    sell = page.get_by_test_id("home-sell")
    expect(sell).to_be_in_viewport()
    sell.tap()
    expect(page).to_have_url(re.compile(rf"/listings/new\?org={people['chair'].org_id}$"))
    expect(page.locator("form[data-listing-form]")).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_menu_holds_the_role_links_and_reaches_the_form_from_any_page(phone_page: Page, people: dict) -> None:
    page = phone_page
    sign_in(page, people["chair"].email)
    page.goto("/demand")
    expect(page.get_by_test_id("nav-sell")).to_be_hidden()  # folded into the menu button
    expect(page.get_by_test_id("bell")).to_be_visible()  # the bell stays in the bar
    open_menu(page)
    for testid in ("nav-sell", "nav-my-listings", "orders-link", "inbox-link", "account-link", "logout"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.get_by_test_id("nav-buy")).to_have_count(0)
    assert serious_violations(page) == []  # the open menu too
    page.get_by_test_id("nav-sell").tap()
    expect(page).to_have_url(re.compile(r"/listings/new\?org=\d+$"))
    # The address changes before the new page has loaded (seen once on a loaded machine: the old
    # page's open menu was measured): measure the new page.
    page.wait_for_load_state("load")
    assert header_height(page) <= HEADER_MAX_PX  # closed again on the new page


def test_buyer_posts_a_request_in_one_tap_from_home(phone_page: Page, people: dict) -> None:
    page = phone_page
    sign_in(page, people["buyer"].email)
    page.goto("/")
    assert header_height(page) <= HEADER_MAX_PX
    page.get_by_test_id("home-buy").tap()
    expect(page).to_have_url(re.compile(rf"/demand/new\?org={people['buyer'].org_id}$"))
    open_menu(page)
    expect(page.get_by_test_id("nav-my-requests")).to_be_visible()
    expect(page.get_by_test_id("nav-sell")).to_have_count(0)


def test_the_menu_works_from_the_keyboard(desktop_page: Page, people: dict) -> None:
    page = desktop_page
    sign_in(page, people["chair"].email)
    page.goto("/")
    assert header_height(page) <= HEADER_MAX_PX
    summary = page.get_by_test_id("menu-button")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav-sell")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("nav-sell")).to_be_focused()  # the first link follows the button
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("nav-sell")).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_test_id("nav-sell")).to_be_visible()
    page.get_by_test_id("nav-sell").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/listings/new\?org=\d+$"))

"""The price board on a 360-px phone over a slow mobile network: a chair finds the mango's prices
typing without accents, reads the change on the week, opens the product's page with its chart and
the table beside it, and sets an alert; nothing wider than the screen, no serious axe violation.
The listing form shows the reference beside the price, and refreshes it when the product changes."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.market import prices
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_catalogue import fits, slow_phone


def _prices(app) -> None:
    today = today_in_vietnam()
    with app.app_context():
        for days_ago, market, price in ((8, "farm_gate", "30-32k"), (1, "farm_gate", "36-38k"),
                                        (8, "wholesale", "40k"), (1, "wholesale", "42-45k"),
                                        (1, "supermarket", "55-60k")):
            prices.save_price(db.session, prices.PriceInput(
                product="xoài cát Chu", market=market, observed_on=(today - timedelta(days=days_ago)).isoformat(),
                price=price, place="Chợ đầu mối Mỹ Hiệp thử"), None, today=today)
        db.session.commit()


def _fine(page: Page) -> None:
    assert serious_violations(page) == [] and fits(page)


def test_a_chair_reads_the_price_board_and_sets_an_alert_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    page.set_default_timeout(30_000)
    _prices(live_app)
    chair = make_member(live_app, "seller", "club", "Hội quán Bảng giá thử")
    sign_in(page, chair.email)
    slow_phone(page)
    open_menu(page)
    page.get_by_test_id("nav-prices").click()
    page.locator("#prices-q").fill("xoai cat chu")
    page.locator("#prices-q").press("Enter")
    card = page.get_by_test_id("price-card").first
    expect(card).to_contain_text("36.000")
    expect(card.get_by_test_id("change").first).to_contain_text("↑")
    _fine(page)
    card.get_by_role("link").first.click()
    expect(page.get_by_test_id("price-chart").locator("svg title")).to_have_count(1)
    expect(page.get_by_test_id("chart-table")).to_contain_text("37.000")
    _fine(page)
    page.locator("#threshold_pct").select_option("20")
    page.get_by_test_id("watch-form").get_by_role("button").click()
    expect(page.get_by_test_id("watching")).to_contain_text("20")
    _fine(page)


def test_the_listing_form_shows_the_reference_beside_the_price(phone_page: Page, live_app) -> None:
    page = phone_page
    page.set_default_timeout(30_000)
    _prices(live_app)
    chair = make_member(live_app, "seller", "club", "Hội quán Giá tham khảo thử")
    sign_in(page, chair.email)
    page.goto("/listings/new")
    expect(page.get_by_test_id("price-reference")).to_be_empty()
    page.locator("#product").fill("xoai cat chu")
    page.locator("#product").press("Tab")  # the change event: site.js asks for the reference
    expect(page.get_by_test_id("price-reference")).to_contain_text("42.000")
    expect(page.get_by_test_id("price-reference")).not_to_contain_text("55.000")  # farm gate and wholesale only
    assert fits(page)

"""The open catalogue in a browser, on a 360-px phone over a slow mobile network with a slow CPU:
a chair lists produce written the way it is written on the crate; a name the catalogue lacks is
kept and marked; staff map it from their phone and the listing follows."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from tests.browser.members import make_member
from tests.browser.signing import sign_in


def typed_id(app, listing_id: int) -> int:
    with app.app_context():
        return db.session.get(Listing, listing_id).product_id


def slow_phone(page: Page) -> None:
    """400 ms latency, 500 kbit/s both ways, CPU four times slower: a cheap Android on 3G."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                   "downloadThroughput": 500 * 1024 / 8,
                                                   "uploadThroughput": 500 * 1024 / 8})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})


def chair_on_a_slow_phone(page: Page, app, club_name: str) -> None:
    """Sign a new club's chair in on `page`, then slow it down; waits get 30 s for the slow phone."""
    page.set_default_timeout(30_000)
    sign_in(page, make_member(app, "seller", "club", club_name).email)
    slow_phone(page)


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def list_produce(page: Page, product: str, unit: str) -> int:
    page.goto("/listings/new")
    assert fits(page)
    page.locator("#product").fill(product)
    page.locator("#quantity").fill("500")
    page.locator("#unit").select_option(unit)
    page.locator("#price_vnd").fill("35k")
    today = today_in_vietnam()
    page.locator("#available_from").fill(today.isoformat())
    page.locator("#available_to").fill((today + timedelta(days=20)).isoformat())
    page.get_by_test_id("publish").click()
    expect(page).to_have_url(re.compile(r"/listings/\d+$"), timeout=30_000)
    return int(re.search(r"/listings/(\d+)", page.url).group(1))


def test_a_chair_writes_the_variety_and_grade_into_the_product(phone_page: Page, live_app) -> None:
    page = phone_page
    chair_on_a_slow_phone(page, live_app, "Hội quán Danh mục thử")
    list_produce(page, "xoai cat chu loai 1", "kg")
    expect(page.locator("h1")).to_contain_text("Xoài cát Chu")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("loai 1")  # the grade, kept as typed
    expect(page.get_by_test_id("product-named")).to_contain_text("xoai cat chu loai 1")  # written as
    assert fits(page)


def test_staff_map_a_name_the_catalogue_lacked_and_the_listing_follows(phone_page: Page, live_app) -> None:
    page = phone_page
    chair_on_a_slow_phone(page, live_app, "Hội quán Soài thử")
    listing_id = list_produce(page, "Soài cát Chu Mỹ Xương", "túi")
    expect(page.get_by_test_id("product-named")).to_contain_text("chưa có trong danh mục")
    assert fits(page)

    page.context.clear_cookies()
    sign_in(page, make_member(live_app, "staff", "agency", "Trung tâm Danh mục thử").email)
    page.goto("/staff/catalogue")
    assert fits(page)
    entry = page.locator(f"#name-{typed_id(live_app, listing_id)}")
    entry.get_by_label("Sản phẩm trong danh mục").fill("xoai cat chu")
    entry.get_by_role("button", name="Gộp vào").click()
    expect(page.locator(".flash-success")).to_contain_text("Soài cát Chu Mỹ Xương")
    expect(page.get_by_test_id("typed-names")).not_to_contain_text("Soài cát Chu Mỹ Xương")

    page.goto(f"/listings/{listing_id}")
    expect(page.locator("h1")).to_contain_text("Xoài")
    expect(page.get_by_test_id("product-named")).not_to_contain_text("chưa có trong danh mục")
    assert fits(page)

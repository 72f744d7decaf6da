"""The issue's done-when, in a real browser: a buyer on a phone types "xoai cat chu vietgap" and the
VietGAP cát Chu mangoes come first; a change a club makes reaches search through the indexer."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.search import services as search
from tests.factories import make_certificate, make_listing, make_org

pytestmark = pytest.mark.browser
_serial = itertools.count(1)


@pytest.fixture
def indexer(live_app: Flask) -> Iterator[None]:
    """What `marketplace search sync --follow` does beside the web server: follow the outbox."""
    stop = threading.Event()

    def follow() -> None:
        with live_app.app_context():
            while not stop.is_set():
                search.sync(db.session, search.backend(), commit=db.session.commit)
                db.get_registry(live_app).remove()
                stop.wait(0.1)

    thread = threading.Thread(target=follow, name="indexer", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def make_mango_clubs(app: Flask) -> dict:
    """Two clubs with cát Chu mangoes (only one holds a valid VietGAP) and one with Hòa Lộc."""
    n = next(_serial)
    with app.app_context():
        certified = make_org("club", name=f"Hội quán Xoài Tân Thuận {n}", commune_code="30244")
        vietgap = make_certificate(certified, "vietgap")
        chosen = make_listing(certified, "xoài", variety="cát Chu", certificates=[vietgap], price_vnd="42000",
                              description=f"Lô thử {n}: xoài cát Chu loại 1")
        plain = make_org("club", name=f"Hội quán Xoài Mỹ Xương {n}", commune_code="30244")
        make_listing(plain, "xoài", variety="cát Chu", price_vnd="35000", description=f"Lô thử {n}: chưa có chứng nhận")
        other = make_org("club", name=f"Hội quán Hòa Lộc {n}", commune_code="30244")
        make_listing(other, "xoài", variety="cát Hòa Lộc", price_vnd="50000")
        return {"certified_name": certified.name, "plain_name": plain.name, "listing_id": chosen.id}


def wait_until_found(page: Page, url: str, text: str, present: bool = True, seconds: float = 10) -> None:
    """Reload until the results do (or no longer) show text: the indexer runs beside the server."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        found = page.get_by_test_id("search-results").get_by_text(text).count() > 0
        if found == present or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found == present, f"{text!r} {'never appeared' if present else 'never left'} in {url}"


def test_a_buyer_on_a_phone_finds_vietgap_cat_chu_first(phone_page: Page, live_app: Flask, indexer) -> None:
    page = phone_page
    clubs = make_mango_clubs(live_app)
    wait_until_found(page, "/search?q=xoai+cat+chu", clubs["certified_name"])

    page.goto("/")
    box = page.get_by_test_id("home-search").locator("input[name=q]")
    box.fill("xoai c")
    # As-you-type suggestions arrive in the box's <datalist>.
    expect(page.locator("#home-suggestions option[value='Xoài cát Chu']")).to_have_count(1)
    box.fill("xoai cat chu vietgap")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=xoai"))
    first = page.get_by_test_id("search-results").locator("li").first
    expect(first).to_contain_text("Xoài cát Chu")
    expect(first).to_contain_text(clubs["certified_name"])
    expect(first).to_contain_text("VietGAP")
    expect(page.get_by_test_id("search-results")).not_to_contain_text(clubs["plain_name"])
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    # "vietgap" in the box became the (valid-only) certificate filter, so the panel is open and
    # shows it ticked; the panel sorts by price and keeps the words.
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    expect(page.locator("input[name=certificate][value=vietgap]")).to_be_checked()
    page.locator("#f-sort").select_option("price")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"sort=price"))
    expect(page.locator("#search-q")).to_have_value("xoai cat chu vietgap")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_a_paused_listing_leaves_search_through_the_indexer(phone_page: Page, live_app: Flask, indexer) -> None:
    page = phone_page
    clubs = make_mango_clubs(live_app)
    url = "/search?q=xoai+cat+chu+vietgap"
    wait_until_found(page, url, clubs["certified_name"])

    with live_app.app_context():
        listing = db.session.get(Listing, clubs["listing_id"])
        listings.change_status(db.session, listing, "pause", today=listing.available_from)
        db.session.commit()

    wait_until_found(page, url, clubs["certified_name"], present=False)


def test_nothing_found_suggests_a_spelling(phone_page: Page, live_app: Flask, indexer) -> None:
    page = phone_page
    clubs = make_mango_clubs(live_app)
    wait_until_found(page, "/search?q=xoai", clubs["certified_name"])
    page.goto("/search?q=xaoi")
    expect(page.get_by_test_id("search-total")).to_contain_text("Không tìm thấy")
    page.get_by_test_id("did-you-mean").get_by_role("link").click()
    expect(page.locator("#search-q")).to_have_value("xoài")  # the word as the index writes it
    expect(page.get_by_test_id("search-results").locator("li").first).to_be_visible()

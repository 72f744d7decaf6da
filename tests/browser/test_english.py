"""An export buyer on a phone reads the public pages in English: axe finds nothing serious, the
page says it is English, product names and units are English and no date is month-first."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page

from tests.browser.test_accessibility import serious_violations
from tests.factories import make_demand, make_listing, make_org, make_user

MONTH_FIRST = re.compile(r"\b(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{2,4}\b")


def test_english_pages_are_accessible_and_english_on_a_phone(live_app: Flask, phone_page: Page) -> None:
    with live_app.app_context():
        club = make_org("club", name="Hội quán Sầu riêng thử tiếng Anh")
        exporter = make_org("exporter", name="Công ty thử tiếng Anh")
        buyer = make_user("buyer", exporter)
        listing = make_listing(club, "sầu riêng", variety="Ri6", quantity="12", unit="tấn", price_vnd="85000")
        demand = make_demand(exporter, "xoài", variety="cát Hòa Lộc", quantity="20", unit="tấn", user=buyer)
    found, texts = {}, {}
    for path in (
        "/?lang=en",
        "/search?q=durian",
        f"/listings/{listing.id}",
        f"/demand/{demand.id}",
        f"/orgs/{club.id}",
        "/products",
    ):
        response = phone_page.goto(path)
        assert response is not None and response.status == 200, path
        assert phone_page.locator("html").get_attribute("lang") == "en", path
        found[path] = serious_violations(phone_page)
        texts[path] = phone_page.locator("main").inner_text()
    assert found == {path: [] for path in found}
    assert "Ri6 durian" in texts[f"/listings/{listing.id}"] and "12 tonnes" in texts[f"/listings/{listing.id}"]
    assert "85,000 ₫ / kg" in texts[f"/listings/{listing.id}"]
    assert "20 tonnes Hoa Loc mango" in texts[f"/demand/{demand.id}"]
    for path, text in texts.items():
        assert not MONTH_FIRST.search(text), (path, MONTH_FIRST.search(text))
        assert "tấn" not in text.split(), path

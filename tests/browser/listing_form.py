"""The listing form filled in as a chair types it (no accents, "38k", dates within the next month)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace.dates import today_in_vietnam


def fill_listing(page: Page, product: str = "xoai", quantity: str = "2") -> None:
    page.locator("#product").fill(product)
    page.locator("#variety").fill("cat chu")
    page.locator("#quantity").fill(quantity)
    page.locator("#unit").select_option("tấn")
    page.locator("#price_vnd").fill("38k")
    today = today_in_vietnam()
    page.locator("#available_from").fill(today.isoformat())
    page.locator("#available_to").fill((today + timedelta(days=30)).isoformat())


def publish(page: Page, timeout: float | None = None) -> None:
    """Send the form and wait for the listing's own page."""
    page.get_by_test_id("publish").click()
    expect(page).to_have_url(re.compile(r"/listings/\d+$"), timeout=timeout)

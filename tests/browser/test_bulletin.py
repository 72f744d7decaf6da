"""On a 360-px phone over a slow network, a club's chair signs in, opens the market bulletin from
the home page, reads that supermarkets want 40 tấn of VietGAP cát Chu this month, copies the text
for the members' Zalo group, then follows the week's price move to the price board: the product's
chart (an SVG with its title) and the table beside it, and the board itself. No serious axe
violation, nothing wider than the screen, on every page."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.market.bulletin_rules import month_end
from marketplace.market.models import ReferencePrice
from marketplace.products.services import find_product
from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_photos import slow_network
from tests.factories import make_org

LINE = "Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng"


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_chair_reads_the_bulletin_and_copies_the_zalo_text_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    chair = make_member(live_app, "seller", "club", "Hội quán Xoài bản tin thử", board=True,
                        grows="xoài cát Chu")
    today = today_in_vietnam()
    with live_app.app_context():
        for n, (tonnes, low, high) in enumerate(((25, "35.000", "40k"), (15, "38000", "42.000"))):
            buyer = make_org("supermarket", name=f"Siêu thị bản tin thử {chair.org_id}-{n}")
            demand_service.save_demand(db.session, buyer, demand_service.DemandInput(
                product="xoai cat chu", quantity=str(tonnes), unit="tấn", needed_from=today,
                needed_to=month_end(today), price_min_vnd=low, price_max_vnd=high,
                required_certificates="vietgap"), None, today=today)
        mango = find_product(db.session, "xoài")
        # Hòa Lộc's prices: the price board's own browser test reads cát Chu's on the same site.
        hoa_loc = next(v for v in mango.varieties if v.name == "cát Hòa Lộc")
        for days, low, high in ((8, 60000, 64000), (1, 70000, 74000)):  # +16 % on the week
            db.session.add(ReferencePrice(product_id=mango.id, variety_id=hoa_loc.id, market="farm_gate",
                                          observed_on=today - timedelta(days=days), price_min_vnd=low,
                                          price_max_vnd=high, unit="kg", place="Mỹ Xương"))
        db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    slow_network(page)

    sign_in(page, chair.email)
    page.get_by_test_id("home-bulletins").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản tin thị trường")
    expect(page.get_by_test_id("ask-1")).to_contain_text("40 tấn")
    expect(page.get_by_test_id("ask-1")).to_contain_text("2 bên mua")
    text = page.get_by_test_id("zalo-text")
    expect(text).to_have_value(re.compile(LINE))
    assert serious_violations(page) == [] and _overflow(page) <= 0

    page.get_by_test_id("zalo-copy").tap()
    expect(page.get_by_test_id("copy-status")).to_have_text("Đã sao chép")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert LINE in copied and copied.rstrip().endswith(f"/orgs/{chair.org_id}/bulletin")
    assert _overflow(page) <= 0

    # The week's move leads to the product's prices: a chart with its title and the table beside it.
    move = page.get_by_test_id("move-link").filter(has_text="cát Hòa Lộc")
    move.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("cát Hòa Lộc")
    expect(page.get_by_test_id("price-chart").locator("svg title")).to_have_count(1)
    expect(page.get_by_test_id("chart-table")).to_contain_text("72.000")
    assert serious_violations(page) == [] and _overflow(page) <= 0
    page.go_back()
    page.get_by_test_id("board-link").click()
    expect(page.get_by_test_id("price-card").first).to_be_visible()
    assert serious_violations(page) == [] and _overflow(page) <= 0
    assert page.js_errors == []  # type: ignore[attr-defined]

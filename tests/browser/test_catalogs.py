"""Issue #17's catalog in a browser: staff curate a catalog on a desktop (sections, entries from a
search without accents, a note, publish); a buyer opens it on a 360-px phone, filters OCOP 4 stars
and taps Zalo, and the tap is recorded as a lead from the fair. axe finds nothing serious on either."""

from __future__ import annotations

import itertools
import os
import re
import time
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.fairs.models import Catalog, Fair
from marketplace.messaging.models import ContactEvent
from tests.browser.signing import sign_in
from tests.factories import make_certificate, make_listing, make_org, make_user

PHONE_WIDTH = 360
_serial = itertools.count(1)


def _serious(page: Page) -> list[str]:
    return [f"{v['impact']} {v['id']}" for v in Axe().run(page).response["violations"]
            if v.get("impact") in {"serious", "critical"}]


def _world(app: Flask) -> dict:
    stamp = f"{os.getpid() % 10000:04d}{next(_serial):02d}"
    phone = f"079{stamp}1"  # a mobile number (Zalo needs one) no other browser test uses
    today = today_in_vietnam()
    with app.app_context():
        club = make_org("club", name=f"Hội quán xoài Mỹ Xương catalô {stamp}", phone=phone)
        ocop = make_certificate(club, "ocop", stars=4)
        make_listing(club, "xoài", variety="cát Hòa Lộc", certificates=[ocop], description=f"Catalô {stamp}")
        other = make_org("club", name=f"Hội quán nhãn Phú Hựu catalô {stamp}")
        make_listing(other, "nhãn", variety="Ido", description=f"Catalô {stamp}")
        staff = make_user("staff", email=f"catalog.staff.{stamp}@example.test")
        buyer = make_user("buyer", email=f"catalog.buyer.{stamp}@example.test")
        fair = Fair(slug=f"hoi-cho-catalo-{stamp}", name=f"Hội chợ Trái cây thử {stamp}", status="published",
                    starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=12))
        db.session.add(fair)
        db.session.commit()
        return {"stamp": stamp, "phone": phone, "club": club.name, "other": other.name, "staff": staff.email,
                "buyer": buyer.email, "fair_id": fair.id, "fair": fair.name, "club_id": club.id}


def test_staff_curate_on_a_desktop_and_a_buyer_taps_zalo_on_a_phone(desktop_page: Page, phone_page: Page,
                                                                      live_app: Flask) -> None:
    world = _world(live_app)
    page = desktop_page
    sign_in(page, world["staff"])
    page.goto("/staff/catalogs")
    page.get_by_label("Tiêu đề", exact=True).fill(f"Catalô thử {world['stamp']}")
    page.get_by_label("Hội chợ").select_option(str(world["fair_id"]))
    page.get_by_test_id("create-catalog").click()
    expect(page).to_have_url(re.compile(r"/staff/catalogs/\d+"))
    for title in ("Xoài", "Nhãn"):
        page.get_by_label("Tên phần", exact=True).fill(title)
        page.get_by_test_id("add-section").click()
        expect(page.get_by_test_id("staff-section").filter(has_text=title)).to_be_visible()
    assert _serious(page) == []
    # Search without accents, add to a section.
    for query, product, section in ((f"xoai my xuong catalo {world['stamp']}", "Xoài cát Hòa Lộc", "Xoài"),
                                    (f"nhan phu huu catalo {world['stamp']}", "Nhãn Ido", "Nhãn")):
        page.get_by_role("searchbox").fill(query)
        page.get_by_role("search").get_by_role("button").click()
        candidate = page.get_by_test_id("candidates").get_by_test_id("candidate").filter(has_text=product).first
        candidate.get_by_label("Phần").select_option(label=section)
        candidate.get_by_test_id("add-entry").click()
        expect(page.get_by_test_id("staff-entry").filter(has_text=product)).to_be_visible()
    entry = page.get_by_test_id("staff-entry").filter(has_text="Xoài cát Hòa Lộc")
    entry.locator("summary").click()
    entry.get_by_label("Ghi chú", exact=True).fill("Xoài loại 1, có gian tại hội chợ")
    entry.get_by_role("button", name="Lưu mục").click()
    page.get_by_role("button", name="Đăng catalô").click()
    expect(page.get_by_test_id("catalog-status")).to_have_text("Đã công bố")
    with live_app.app_context():
        slug = db.session.scalar(select(Catalog.slug).where(Catalog.fair_id == world["fair_id"]))

    # A buyer on a 360-px phone.
    phone = phone_page
    opened: list[str] = []

    def zalo_stub(route: Route) -> None:  # never leave the machine
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Zalo</title>")

    phone.context.route("https://zalo.me/**", zalo_stub)
    sign_in(phone, world["buyer"])
    phone.goto(f"/catalogs/{slug}")
    expect(phone.get_by_test_id("catalog-entry")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert _serious(phone) == []
    phone.get_by_text("Bộ lọc", exact=True).click()
    phone.get_by_label("Hạng OCOP").select_option("4")
    phone.get_by_test_id("apply-filters").click()
    expect(phone).to_have_url(re.compile(r"ocop=4"))
    entries = phone.get_by_test_id("catalog-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Xoài cát Hòa Lộc")
    expect(entries.first).to_contain_text("Xoài loại 1, có gian tại hội chợ")
    zalo = entries.first.get_by_test_id("zalo-link")
    with phone.context.expect_page() as new_tab:
        zalo.tap()
    new_tab.value.close()
    assert opened == [f"https://zalo.me/{world['phone']}"]
    deadline = time.monotonic() + 5
    while True:
        with live_app.app_context():
            rows = [(e.channel, e.fair_id) for e in db.session.scalars(
                select(ContactEvent).where(ContactEvent.to_org_id == world["club_id"]))]
        if rows or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows == [("zalo", world["fair_id"])]
    assert not phone.js_errors and not page.js_errors

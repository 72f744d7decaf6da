"""axe-core on key pages, on a phone and a desktop: no serious or critical violation.

The full sweep over every page type and role is `make check-web` (check/axe_run.py); this keeps the
regular suite catching a regression on the pages most people see. axe-core is the copy bundled in
the pinned axe-playwright-python package: nothing is downloaded.
"""

from __future__ import annotations

import itertools
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page

from marketplace import db
from marketplace.credentials import evidence
from marketplace.credentials import services as credentials
from tests.browser.signing import sign_in
from tests.factories import make_demand, make_listing, make_org, make_user
from tests.images import image_bytes, noise
from tests.integration.imports.test_import import season_sheets
from tests.sheets import xlsx_bytes

FAILING_IMPACTS = {"serious", "critical"}
_serial = itertools.count(1)


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page).response
    return [f"{v['impact']} {v['id']}: " + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]


@pytest.fixture(scope="module")
def market(live_app: Flask) -> dict:
    """A club with a listing, a buyer with a request, and a member of staff: committed, unique."""
    stamp = f"{os.getpid() % 10000:04d}{next(_serial):02d}"
    with live_app.app_context():
        club = make_org("club", name=f"Hội quán Xoài thử axe {stamp}")
        seller = make_user("seller", club, email=f"axe.seller.{stamp}@example.test")
        listing = make_listing(club, "xoài", variety="cát Chu", description="Lô thử trợ năng")
        shop = make_org("supermarket", name=f"Siêu thị thử axe {stamp}")
        buyer = make_user("buyer", shop, email=f"axe.buyer.{stamp}@example.test")
        demand = make_demand(shop, "xoài", user=buyer)
        staff = make_user("staff", email=f"axe.staff.{stamp}@example.test")
        # A certificate waiting for staff, with its evidence and a photo of the paper.
        photo = evidence.check_scan(image_bytes(noise(600, 800), "JPEG"), "giay-chung-nhan.jpg", "image/jpeg",
                                    evidence.scan_reader())
        scan = evidence.store_scan(db.session, evidence.scan_store(), photo, organization=club, user=seller)
        certificate = credentials.save_certificate(db.session, club, credentials.CertificateInput(
            type="vietgap", number=f"VietGAP-TT-AXE-{stamp}", product_text="xoài cát Chu",
            issuer="Chi cục Trồng trọt và BVTV Đồng Tháp", area_ha=2.5, markets="CN;US;Nhật Bản", scan=scan), seller)
        db.session.commit()
        return {"seller": seller.email, "buyer": buyer.email, "staff": staff.email, "listing": listing.id,
                "demand": demand.id, "club": club.id, "certificate": certificate.id}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_pages_everyone_sees_have_no_serious_violation(viewport: str, request, market: dict) -> None:
    page: Page = request.getfixturevalue(f"{viewport}_page")
    found = {}
    for path, status in [("/", 200), ("/search?q=xo%C3%A0i", 200), (f"/listings/{market['listing']}", 200),
                         (f"/demand/{market['demand']}", 200), (f"/orgs/{market['club']}", 200), ("/login", 200),
                         ("/register", 200), ("/no-such-page", 404)]:
        response = page.goto(path)
        assert response is not None and response.status == status, path
        found[path] = serious_violations(page)
    assert found == {path: [] for path in found}


@pytest.mark.parametrize("role, paths", [
    ("seller", ["/", "/listings/new", "/inbox", "/orders", "/orgs/{club}/credentials",
                "/orgs/{club}/credentials/certificate/{certificate}"]),
    ("buyer", ["/", "/demand/new", "/demand/{demand}"]),
    ("staff", ["/", "/staff", "/staff/catalogue", "/staff/credentials",
               "/orgs/{club}/credentials/certificate/{certificate}"]),
])
def test_signed_in_pages_have_no_serious_violation_on_a_phone(role: str, paths: list[str], phone_page: Page,
                                                              market: dict) -> None:
    sign_in(phone_page, market[role])
    found = {}
    for path in paths:
        path = path.format(**market)
        response = phone_page.goto(path)
        assert response is not None and response.status == 200, path
        found[path] = serious_violations(phone_page)
    assert found == {path: [] for path in found}


def test_the_import_preview_has_no_serious_violation_and_fits_a_phone(phone_page: Page, market: dict) -> None:
    """Staff upload a workbook on a 360-px phone: its preview (tables of what will be stored, the
    adjustments, the confirmation with its verification box) passes axe, and only the tables'
    own regions scroll sideways, never the page."""
    sign_in(phone_page, market["staff"])
    response = phone_page.goto("/staff/import")
    assert response is not None and response.status == 200
    phone_page.set_input_files("input[type=file]", files=[{
        "name": "mua-xoai.xlsx", "buffer": xlsx_bytes(season_sheets()),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    phone_page.get_by_test_id("import-submit").click()
    phone_page.get_by_test_id("import-confirm").wait_for()
    assert phone_page.get_by_test_id("import-warning-table").count() >= 1
    assert serious_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_order_confirmation_and_an_order_to_pay_have_no_serious_violation(phone_page: Page, market: dict,
                                                                             live_app: Flask) -> None:
    """The pages reached by a form (the confirmation page with the total) and an order waiting for
    payment (VietQR panel with its copy buttons, "I have paid", the seller's amount field)."""
    from marketplace.accounts.models import Organization, User
    from marketplace.dates import today_in_vietnam
    from marketplace.orders import lifecycle as orders
    from marketplace.orders.payments import bank_accounts

    sign_in(phone_page, market["buyer"])
    phone_page.goto(f"/listings/{market['listing']}")
    phone_page.get_by_label("Số lượng", exact=True).fill("5")
    phone_page.get_by_test_id("order-submit").click()
    phone_page.get_by_test_id("place-order").wait_for()
    found = {"confirmation": serious_violations(phone_page)}
    phone_page.get_by_test_id("place-order").click()
    phone_page.wait_for_url("**/orders/*")
    order_id = int(phone_page.url.rsplit("/", 1)[1])
    with live_app.app_context():
        club = db.session.get(Organization, market["club"])
        bank_accounts.save_bank_account(db.session, club, bank_bin="970405", account_number="5500205012345",
                                        account_holder="Hoi quan axe")
        seller = db.session.query(User).filter_by(email=market["seller"]).one()
        order = orders.get_order(db.session, order_id)
        orders.change(db.session, order, "confirm", actor="seller", user=seller, today=today_in_vietnam())
        db.session.commit()
    phone_page.reload()
    found["order to pay (buyer)"] = serious_violations(phone_page)
    phone_page.context.clear_cookies()  # signed out: the club's seller signs in on the same phone
    sign_in(phone_page, market["seller"])
    phone_page.goto(f"/orders/{order_id}")
    found["order to pay (seller)"] = serious_violations(phone_page)
    assert found == {name: [] for name in found}

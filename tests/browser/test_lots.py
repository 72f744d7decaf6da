"""A cooperative's seller on a 360-px phone opens Lô hàng from the menu, records a lot (first with
a mistake, then right), records its harvest and a correction of it, and splits it: no serious axe
violation on the way, and nothing wider than the screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from marketplace.traceability import lots
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_listing, make_planting_code


def _fine(page: Page) -> bool:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return serious_violations(page) == [] and overflow <= 0


def test_a_seller_records_a_lot_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    seller = make_member(live_app, "seller", "cooperative", "HTX Xoài Lô thử")
    with live_app.app_context():
        make_planting_code(db.session.get(Organization, seller.org_id), "VN-DTOR-7701")

    sign_in(page, seller.email)
    open_menu(page)
    page.get_by_test_id("nav-lots").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lô hàng")
    assert _fine(page)
    page.get_by_test_id("new-lot").click()
    page.locator("#product").fill("xoai cat chu")
    page.locator("#quantity").fill("2,5")
    page.locator("#unit").fill("tan")
    page.locator("#code").fill("lo 12")
    page.get_by_test_id("lot-submit").click()
    expect(page.locator("#code-error")).to_contain_text("khoảng trắng")
    expect(page.locator("#code")).to_have_value("lo 12")
    assert _fine(page)
    page.locator("#code").fill("lo-12")
    page.locator("#growing_area_code").select_option("VN-DTOR-7701")
    page.get_by_test_id("lot-submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lô LO-12")
    assert _fine(page)

    page.get_by_test_id("add-event").click()
    page.locator("#place").fill("Vườn ông Tư")
    page.locator("#quantity").fill("2,5")
    page.get_by_test_id("event-submit").click()
    expect(page.get_by_test_id("lot-events")).to_contain_text("Vườn ông Tư")
    page.get_by_role("link", name="Đính chính").click()
    page.locator("#quantity").fill("2,4")
    page.locator("#note").fill("Cân lại ở nhà sơ chế")
    page.get_by_test_id("event-submit").click()
    expect(page.get_by_test_id("lot-events")).to_contain_text("Cân lại ở nhà sơ chế")
    assert _fine(page)

    page.get_by_role("link", name="Chia thành các chuyến hàng").click()
    assert _fine(page)
    page.locator("#shipments-0").fill("1,5")
    page.locator("#shipments-1").fill("1")
    page.get_by_test_id("split-submit").click()
    expect(page.get_by_test_id("lot-destinations")).to_be_visible()
    assert _fine(page)


def test_the_order_page_names_lots_and_the_buyer_confirms_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    seller = make_member(live_app, "seller", "club", "Hội quán Xoài đơn lô thử")
    buyer = make_member(live_app, "buyer", "supermarket", "Siêu thị đơn lô thử")
    with live_app.app_context():
        club, buyer_org = db.session.get(Organization, seller.org_id), db.session.get(Organization, buyer.org_id)
        listing = make_listing(club, "xoài", quantity="100", unit="kg")
        buyer_user = db.session.scalar(select(User).where(User.email == buyer.email))
        order = orders.place_order(db.session, listing.id, buyer_org, buyer_user, "10", today=today_in_vietnam())
        lot = lots.record_lot(db.session, club, lots.LotInput(listing_id=listing.id, quantity="50"), None,
                              today=today_in_vietnam())
        orders.move(db.session, order.id, "requested", "confirmed", None, today=today_in_vietnam())
        db.session.commit()
        order_id, code = order.id, lot.code

    sign_in(page, seller.email)
    page.goto(f"/orders/{order_id}")
    assert _fine(page)
    page.locator("#lots-0-code").select_option(code)
    page.locator("#lots-0-quantity").fill("10")
    page.get_by_test_id("name-lots").click()
    expect(page.get_by_test_id("order-lots")).to_contain_text(code)
    assert _fine(page)

    with live_app.app_context():  # lots are received once the order is delivered
        orders.move(db.session, order_id, "confirmed", "delivered", None, today=today_in_vietnam())
        db.session.commit()
    page.context.clear_cookies()
    sign_in(page, buyer.email)
    page.goto(f"/orders/{order_id}")
    expect(page.get_by_test_id("order-lots")).to_contain_text(code)
    assert _fine(page)
    page.get_by_label("Hiện tên đơn vị chúng tôi trên trang truy xuất").check()
    page.get_by_test_id("lots-received").click()
    expect(page.get_by_test_id("order-lots")).to_contain_text("Đã nhận")
    assert _fine(page)

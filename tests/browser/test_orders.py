"""A supermarket orders 2 tấn of mangoes on a desktop; the club chair confirms on a 360-px phone;
the buyer then sees the VietQR code and the bank details to pay."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.payments import bank_accounts
from tests.browser.members import Member, make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_demand import horizontal_overflow


def buyer_and_chair(app, buyer_name: str, club_name: str) -> tuple[Member, Member]:
    """A supermarket's buyer and a club's chair, each new."""
    return make_member(app, "buyer", "supermarket", buyer_name), make_member(app, "seller", "club", club_name)


def publish_mangoes(club: Organization, today, **fields) -> Listing:
    """8 tấn of xoài at 38.000 đ a kg, on sale for 30 days from today."""
    return listings.save_listing(db.session, club, listings.ListingInput(
        product="xoài", quantity="8", unit="tấn", price_vnd="38000",
        available_from=today, available_to=today + timedelta(days=30), **fields), None, today=today, publish=True)


def test_buyer_orders_chair_confirms_on_a_phone_buyer_sees_vietqr(desktop_page: Page, phone_page: Page, live_app):
    buyer_page, chair_page = desktop_page, phone_page
    buyer, chair = buyer_and_chair(live_app, "Siêu thị đặt hàng thử", "Hội quán Xoài đặt hàng thử")
    today = today_in_vietnam()
    with live_app.app_context():
        club = db.session.get(Organization, chair.org_id)
        listing = publish_mangoes(club, today, variety="cát Chu", min_order="1")
        bank_accounts.save_bank_account(db.session, club, bank_bin="970405", account_number="5500 2050 12345",
                                        account_holder="Hội quán Xoài Mỹ Xương")
        db.session.commit()
        listing_id = listing.id

    # The buyer orders from the listing page on a desktop; a slip first (below the minimum).
    sign_in(buyer_page, buyer.email)
    buyer_page.goto(f"/listings/{listing_id}")
    buyer_page.get_by_label("Số lượng", exact=True).fill("0,5")
    buyer_page.get_by_test_id("order-submit").click()
    expect(buyer_page.locator(".error-summary")).to_contain_text("tối thiểu là 1 tấn")
    expect(buyer_page.get_by_label("Số lượng", exact=True)).to_have_value("0,5")
    buyer_page.get_by_label("Số lượng", exact=True).fill("2")
    buyer_page.get_by_test_id("order-submit").click()
    # The total first, nothing ordered yet; then "Đặt hàng".
    expect(buyer_page.get_by_test_id("confirm-total")).to_have_text("76.000.000 ₫")
    buyer_page.get_by_role("button", name="Đặt hàng", exact=True).click()
    expect(buyer_page).to_have_url(re.compile(r"/orders/\d+$"))
    order_id = int(re.search(r"/orders/(\d+)$", buyer_page.url).group(1))
    expect(buyer_page.get_by_test_id("order-status")).to_have_text("Chờ bên bán xác nhận")
    expect(buyer_page.get_by_test_id("order-amount")).to_contain_text("76.000.000")
    expect(buyer_page.get_by_test_id("vietqr-code")).to_have_count(0)  # nothing to pay before confirmation

    # The chair finds it under "Đơn hàng" on a phone and confirms.
    sign_in(chair_page, chair.email)
    open_menu(chair_page)
    chair_page.get_by_test_id("orders-link").tap()
    chair_page.get_by_test_id(f"order-{order_id}").get_by_role("link").tap()
    expect(chair_page).to_have_url(re.compile(rf"/orders/{order_id}$"))
    assert horizontal_overflow(chair_page) <= 0, "the order page scrolls sideways on a 360-px phone"
    chair_page.get_by_test_id("confirm").tap()
    expect(chair_page.locator(".flash-success")).to_be_visible()
    expect(chair_page.get_by_test_id("order-status")).to_have_text("Đã xác nhận, chờ thanh toán")
    with live_app.app_context():
        assert db.session.get(Order, order_id).status == "confirmed"

    # The buyer sees the VietQR code and the bank details written out.
    buyer_page.reload()
    code = buyer_page.get_by_role("img", name=re.compile(rf"^Mã VietQR để thanh toán CHQ-0*{order_id}$"))
    expect(code).to_be_visible()
    assert code.bounding_box()["width"] >= 150
    details = buyer_page.get_by_test_id("bank-details")
    expect(details).to_contain_text("Agribank")
    expect(buyer_page.get_by_test_id("account-number")).to_have_value("5500205012345")
    expect(details).to_contain_text("HOI QUAN XOAI MY XUONG")
    expect(details).to_contain_text("76.000.000")
    expect(buyer_page.get_by_test_id("transfer-amount")).to_have_value("76000000")
    expect(buyer_page.get_by_test_id("transfer-message")).to_have_value(f"CHQ {order_id} DH")

    # The same page on the phone fits too.
    chair_page.goto(f"/orders/{order_id}")
    assert horizontal_overflow(chair_page) <= 0
    assert not buyer_page.js_errors and not chair_page.js_errors


def test_chair_declines_on_a_phone_with_a_reason_after_a_second_step(desktop_page: Page, phone_page: Page, live_app):
    """Declining is final, so the button sits behind a fold with an optional reason (no script
    needed); the buyer then reads the reason on the order."""
    buyer_page, chair_page = desktop_page, phone_page
    buyer, chair = buyer_and_chair(live_app, "Siêu thị bị từ chối thử", "Hội quán Xoài từ chối thử")
    today = today_in_vietnam()
    with live_app.app_context():
        listing = publish_mangoes(db.session.get(Organization, chair.org_id), today)
        buyer_org = db.session.get(Organization, buyer.org_id)
        buyer_user = db.session.scalars(select(User).where(User.email == buyer.email)).one()
        order = orders.place_order(db.session, listing.id, buyer_org, buyer_user, "2", today=today)
        db.session.commit()
        order_id = order.id

    sign_in(chair_page, chair.email)
    chair_page.goto(f"/orders/{order_id}")
    decline = chair_page.get_by_test_id("decline")
    expect(decline).to_be_hidden()  # folded away: one tap cannot decline
    chair_page.get_by_test_id("decline-open").tap()
    expect(decline).to_be_visible()
    reason = chair_page.locator("textarea[name=note]")
    reason.fill("Mưa lớn, xoài loại 1 chưa thu hoạch được trong tuần này")
    assert horizontal_overflow(chair_page) <= 0, "the decline step scrolls sideways on a 360-px phone"
    decline.tap()
    expect(chair_page.locator(".flash-success")).to_be_visible()
    with live_app.app_context():
        assert db.session.get(Order, order_id).status == "declined"

    sign_in(buyer_page, buyer.email)
    buyer_page.goto(f"/orders/{order_id}")
    expect(buyer_page.get_by_test_id("decline-reason")).to_have_text(
        "Mưa lớn, xoài loại 1 chưa thu hoạch được trong tuần này")
    assert not buyer_page.js_errors and not chair_page.js_errors


def test_buyer_on_a_phone_sees_the_total_orders_copies_the_account_number_and_says_paid(phone_page: Page, live_app):
    """A buyer orders 0,5 tấn on a 360-px phone: the total (19.000.000 ₫) shows before anything is
    ordered; once the club confirms, "Sao chép" puts the account number on the clipboard and says
    so; "Tôi đã chuyển khoản" tells the club and records no money."""
    page = phone_page
    buyer, chair = buyer_and_chair(live_app, "Siêu thị sao chép thử", "Hội quán Xoài sao chép thử")
    today = today_in_vietnam()
    with live_app.app_context():
        club = db.session.get(Organization, chair.org_id)
        listing = publish_mangoes(club, today, min_order="0,2")
        bank_accounts.save_bank_account(db.session, club, bank_bin="970405", account_number="5500 2050 67890",
                                        account_holder="Hội quán Xoài Sao Chép")
        db.session.commit()
        listing_id = listing.id
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    sign_in(page, buyer.email)
    page.goto(f"/listings/{listing_id}")
    page.get_by_label("Số lượng", exact=True).fill("0,5")
    page.get_by_test_id("order-submit").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra đơn hàng")
    total = page.get_by_test_id("confirm-total")
    expect(total).to_have_text("19.000.000 ₫")  # 500 kg × 38.000 ₫
    expect(page.get_by_test_id("confirm-quantity")).to_have_text("0,5 tấn")
    assert total.bounding_box()["y"] < 740, "the total is below the first screen"
    assert horizontal_overflow(page) <= 0, "the confirmation scrolls sideways on a 360-px phone"
    with live_app.app_context():
        assert db.session.scalar(select(Order.id).where(Order.listing_id == listing_id)) is None
    # "Sửa lại" goes back with the quantity kept; then on to the total again, and "Đặt hàng".
    page.get_by_role("button", name="Sửa lại", exact=True).tap()
    expect(page.get_by_label("Số lượng", exact=True)).to_have_value("0,5")
    page.get_by_test_id("order-submit").tap()
    page.get_by_role("button", name="Đặt hàng", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    order_id = int(re.search(r"/orders/(\d+)$", page.url).group(1))
    with live_app.app_context():
        order = db.session.get(Order, order_id)
        orders.change(db.session, order, "confirm", actor="seller",
                      user=db.session.scalars(select(User).where(User.email == chair.email)).one(), today=today)
        db.session.commit()

    page.reload()
    account = page.get_by_test_id("account-number")
    expect(account).to_have_value("5500205067890")
    copy = page.locator("button[data-copy=copy-account]")
    expect(copy).to_have_text("Sao chép")
    copy.tap()
    expect(page.get_by_test_id("copy-status")).to_have_text("Đã sao chép: 5500205067890")
    assert page.evaluate("navigator.clipboard.readText()") == "5500205067890"
    page.locator("button[data-copy=copy-amount]").tap()
    expect(page.get_by_test_id("copy-status")).to_have_text("Đã sao chép: 19000000")
    assert horizontal_overflow(page) <= 0, "the transfer panel scrolls sideways on a 360-px phone"

    page.get_by_label("Mã giao dịch hoặc ghi chú (không bắt buộc)").fill("FT26340 Vietcombank")
    page.get_by_test_id("claim-paid").tap()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("claim-open")).to_be_visible()
    expect(page.get_by_test_id("history-claim")).to_contain_text("FT26340 Vietcombank")
    with live_app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.status, order.amount_paid_vnd) == ("confirmed", 0)
    assert not page.js_errors

"""A supermarket buyer on a 360-px phone proposes a linked sales chain (a mistake first: the form
comes back with what was typed), a cooperative's director accepts it, and the chain page shows a
delivery with its lot and the codes-and-traceability badge. No serious axe violation on the way,
and nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization
from marketplace.chains.models import Chain, ChainOrder
from marketplace.credentials.models import PlantingCode
from marketplace.dates import today_in_vietnam
from marketplace.orders.models import Order, OrderEvent
from marketplace.traceability.models import Lot, OrderLot
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_listing, make_planting_code


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _fits(page: Page) -> None:
    assert serious_violations(page) == [] and _overflow(page) <= 0


def _deliver_one(live_app, chain_id: int, coop_id: int) -> None:
    """One delivered order against the chain's first planned delivery, naming a lot from a harvest
    with an active growing-area code (the lots pages are another part of the work)."""
    with live_app.app_context():
        chain = db.session.get(Chain, chain_id)
        coop = db.session.get(Organization, coop_id)
        listing = make_listing(coop, "xoài", variety="cát Chu", quantity="50000", unit="kg")
        code = db.session.get(PlantingCode, make_planting_code(coop).id)
        delivery = chain.deliveries[0]
        order = Order(buyer_org_id=chain.buyer_org_id, seller_org_id=coop.id, listing_id=listing.id,
                      title=listing.title, quantity=20000, unit="kg", unit_price_vnd=35000, price_unit="kg",
                      amount_vnd=700_000_000, status="delivered")
        db.session.add(order)
        db.session.flush()
        at = datetime.combine(delivery.due_on, time(2, 0), tzinfo=UTC)
        lot = Lot(code=f"MXB-{order.id}", organization_id=coop.id, listing_id=listing.id,
                  product_id=listing.product_id, growing_area_id=code.id,
                  harvested_on=today_in_vietnam() - timedelta(days=1), quantity=20000, unit="kg")
        db.session.add_all([OrderEvent(order_id=order.id, to_status="delivered", from_status="paid", at=at), lot])
        db.session.flush()
        db.session.add_all([OrderLot(order_id=order.id, lot_id=lot.id),
                            ChainOrder(chain_id=chain.id, order_id=order.id, delivery_id=delivery.id)])
        db.session.commit()


def test_a_buyer_proposes_a_chain_and_the_cooperative_accepts_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    buyer = make_member(live_app, "buyer", "supermarket", "Siêu thị Chuỗi thử")
    director = make_member(live_app, "seller", "cooperative", "HTX Xoài Chuỗi thử")
    with live_app.app_context():
        make_listing(db.session.get(Organization, director.org_id), "xoài", variety="cát Chu")
    today = today_in_vietnam()

    sign_in(page, buyer.email)
    open_menu(page)
    page.get_by_test_id("nav-chains").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chuỗi liên kết")
    page.get_by_test_id("new-chain").click()
    page.locator("#title").fill("Xoai cat Chu vu nay")
    page.locator("#product").fill("xoai cat chu")
    page.locator("#season_from").fill(today.strftime("%d/%m/%Y"))
    page.locator("#season_to").fill("31/02/2027")
    page.locator("#total_quantity").fill("60 tan")
    page.locator("#per_delivery_quantity").fill("20 tấn")
    page.locator("#price_vnd").fill("35.000")
    page.locator("#schedule_kind").select_option("dates")
    page.locator("#dates").fill("\n".join((today + timedelta(days=d)).strftime("%d/%m/%Y") for d in (7, 21, 35)))
    page.locator("#party_query").fill(director.org_name.replace("Xoài", "Xoai"))
    page.get_by_test_id("find-parties").click()
    page.get_by_label(director.org_name).check()
    page.get_by_test_id("propose").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#season_to")).to_have_value("31/02/2027")
    expect(page.locator("#total_quantity")).to_have_value("60 tan")
    _fits(page)
    page.locator("#season_to").fill((today + timedelta(days=60)).strftime("%d/%m/%Y"))
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("chain-status")).to_have_text("Chờ trả lời")
    _fits(page)
    chain_url = page.url

    page.context.clear_cookies()
    sign_in(page, director.email)
    page.goto(chain_url)
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("chain-status")).to_have_text("Đang thực hiện")
    _fits(page)

    with live_app.app_context():
        chain_id = db.session.scalar(select(Chain.id).where(Chain.buyer_org_id == buyer.org_id))
    _deliver_one(live_app, chain_id, director.org_id)
    page.reload()
    expect(page.get_by_test_id("traceable")).to_contain_text("1/1 (100 %)")
    expect(page.get_by_test_id("traced-badge")).to_have_text("Chuỗi có mã số vùng trồng và truy xuất nguồn gốc")
    expect(page.locator("a[href^='/t/MXB-']")).to_be_visible()
    _fits(page)
    page.goto("/chains")
    expect(page.get_by_test_id("chains")).to_contain_text("Xoai cat Chu vu nay")
    _fits(page)

    staff = make_member(live_app, "staff", "agency", "Trung tâm Xúc tiến thử")
    page.context.clear_cookies()
    sign_in(page, staff.email)
    page.goto("/staff/chains")
    expect(page.get_by_test_id("staff-chains")).to_contain_text("Xoai cat Chu vu nay")
    _fits(page)

"""A club chair on a 360-px phone opens /fairs from the menu, applies for a booth (one listing
ticked, one product typed), and sees the application waiting for a decision; then, after staff
approved it, the booth number and the fee to pay. No serious axe violation on the way, and
nothing wider than the screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.fairs import applications as booths
from marketplace.fairs.models import BoothApplication, Fair
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_listing, make_user
from tests.integration.fairs.helpers import make_fair


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_club_chair_applies_for_a_booth_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    chair = make_member(live_app, "seller", "club", "Hội quán Xoài Hội chợ thử")
    with live_app.app_context():
        fair = make_fair(name="Hội chợ Trái cây thử trên điện thoại")
        listing = make_listing(db.session.get(Organization, chair.org_id), "xoài", variety="cát Chu")
        staff = make_user("staff", email=f"fair.staff.{fair.id}@example.test")
        slug, listing_title, staff_id = fair.slug, listing.title, staff.id

    sign_in(page, chair.email)
    open_menu(page)
    page.get_by_test_id("nav-fairs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hội chợ và sự kiện kết nối")
    page.get_by_role("link", name="Hội chợ Trái cây thử trên điện thoại").click()
    assert serious_violations(page) == [] and _overflow(page) <= 0
    expect(page.get_by_test_id("booth-kinds")).to_contain_text("1.500.000")
    page.get_by_test_id("apply").first.click()

    # Everything missing at once, then filled in
    page.locator("#contact_name").fill("")
    page.get_by_test_id("apply-submit").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert serious_violations(page) == [] and _overflow(page) <= 0
    page.locator("#booth_kind_id").select_option(index=1)
    page.get_by_label(listing_title).check()
    page.locator("#products_text").fill("Mứt xoài sấy dẻo")
    page.locator("#contact_name").fill("Chú Tư")
    page.locator("#contact_phone").fill("0912 345 678")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Chờ duyệt")
    assert serious_violations(page) == [] and _overflow(page) <= 0

    with live_app.app_context():
        application = db.session.scalar(select(BoothApplication).join(Fair).where(Fair.slug == slug))
        assert application.products_text == "Mứt xoài sấy dẻo"
        booths.decide(db.session, application, "approve", db.session.get(User, staff_id))
        db.session.commit()
    page.reload()
    expect(page.get_by_test_id("application-status")).to_have_text("Đã duyệt: chờ đóng phí")
    expect(page.get_by_test_id("booth-number")).to_have_text("A-01")
    expect(page.locator("#pay")).to_contain_text("1.500.000")
    page.goto(f"/fairs/{slug}")
    expect(page.get_by_test_id("my-application")).to_contain_text("A-01")


def test_staff_fair_pages_have_no_serious_violation(desktop_page: Page, live_app) -> None:
    page = desktop_page
    with live_app.app_context():
        fair = make_fair(name="Hội chợ thử trợ năng")
        staff = make_user("staff", email=f"fair.axe.staff.{fair.id}@example.test")
        fair_id, email = fair.id, staff.email
    sign_in(page, email)
    for path in ("/staff/fairs", "/staff/fairs/new", f"/staff/fairs/{fair_id}/edit",
                 f"/staff/fairs/{fair_id}/applications", "/fairs"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert serious_violations(page) == [], path
    page.goto("/staff/fairs/new")
    page.get_by_test_id("fair-submit").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert serious_violations(page) == []

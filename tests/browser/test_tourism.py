"""On a 360-px phone, a family finds an orchard visit typing without accents, asks for next Sunday
for four people, and the club's chair accepts it from the phone; the calendar shows the visit. No
serious axe violation on the way, and nothing wider than the screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.forms import as_typed_date
from marketplace.tourism import offers
from tests.browser.members import make_member
from tests.browser.signing import open_menu, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_user
from tests.integration.tourism.helpers import next_sunday


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _fine(page: Page) -> None:
    assert serious_violations(page) == [] and _overflow(page) <= 0


def test_a_family_books_next_sunday_and_the_chair_accepts_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    chair = make_member(live_app, "seller", "club", "Hội quán Vườn xoài du lịch thử")
    with live_app.app_context():
        club = db.session.get(Organization, chair.org_id)
        chair_user = db.session.scalar(select(User).where(User.email == chair.email))
        offer = offers.save_offer(db.session, club, offers.OfferInput(
            kind="orchard_visit", title="Tham vườn xoài cát Chu thử", months="quanh năm", min_group="2",
            max_group="20", price_per_person_vnd="150.000", included="Nón lá, nước dừa",
            directions="Hỏi nhà văn hóa ấp"), chair_user)
        offers.change_status(db.session, offer, "publish")
        family = make_user(None, name="Chị Thu thử", email=f"family.{offer.id}@example.test")
        db.session.commit()
        family_email, sunday = family.email, next_sunday()

    sign_in(page, family_email)
    open_menu(page)
    page.get_by_test_id("nav-tourism").click()
    page.locator("#tour-q").fill("tham vuon xoai cat chu")
    page.locator("#tour-q").press("Enter")
    _fine(page)
    page.get_by_role("link", name="Tham vườn xoài cát Chu thử").click()
    expect(page.get_by_test_id("tour-price")).to_contain_text("150.000")
    _fine(page)
    page.get_by_test_id("book-visit").click()
    page.locator("#group_size").fill("")
    page.get_by_test_id("book-submit").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _fine(page)
    page.locator("#visit_on").fill(as_typed_date(sunday))
    page.locator("#group_size").fill("4")
    page.locator("#contact_phone").fill("0987 654 321")
    page.get_by_test_id("book-submit").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Chờ hội quán trả lời")
    _fine(page)

    page.context.clear_cookies()
    sign_in(page, chair.email)
    open_menu(page)
    page.get_by_test_id("nav-visits").click()
    _fine(page)
    page.get_by_test_id("club-bookings").get_by_role("link", name="Tham vườn xoài cát Chu thử").click()
    _fine(page)
    page.get_by_test_id("accept-booking").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Đã nhận")
    page.goto(f"/tourism/calendar?month={sunday:%Y-%m}")
    expect(page.get_by_test_id("calendar-days")).to_contain_text("Chị Thu thử")
    _fine(page)
    page.goto(f"/tourism/offers?org={chair.org_id}")
    _fine(page)
    page.get_by_test_id("new-offer").click()
    _fine(page)

"""Staff open the targets dashboard on a 360-px phone: each target with its bar and words, the
by-commune table scrolls inside its box, the records behind a number one tap away; no serious axe
violation, nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate
from marketplace.dates import today_in_vietnam
from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_staff_read_the_targets_on_a_phone(phone_page: Page, live_app) -> None:
    page = phone_page
    staff = make_member(live_app, "staff", "agency", "Sở Nông nghiệp thử")
    club = make_member(live_app, "seller", "club", "Hội quán Chỉ tiêu thử")
    coop = make_member(live_app, "seller", "cooperative", "HTX Chỉ tiêu thử")
    today = today_in_vietnam()
    with live_app.app_context():
        for org_id in (club.org_id, coop.org_id):
            db.session.get(Organization, org_id).commune_code = "30076"
        founded = db.session.get(Organization, coop.org_id)
        founded.founded_from_id, founded.founded_on = club.org_id, today - timedelta(days=5)
        db.session.add(Certificate(organization_id=club.org_id, type="ocop", number="BROWSER-OCOP-1", stars=4,
                                   status="active", product_text="mứt xoài", expires_on=today + timedelta(days=40)))
        db.session.commit()

    sign_in(page, staff.email)
    page.goto("/staff")
    page.get_by_test_id("staff-targets-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉ tiêu kế hoạch")
    expect(page.get_by_test_id("target-cooperatives_from_clubs")).to_contain_text("đạt")
    expect(page.get_by_test_id("targets-by-commune")).to_contain_text("Xã Mỹ Thọ")
    assert serious_violations(page) == [] and _overflow(page) <= 0
    page.get_by_test_id("target-ocop_products").get_by_test_id("records-link").click()
    expect(page.get_by_test_id("expiring")).to_contain_text("Hết hạn trong 6 tháng tới")
    assert serious_violations(page) == [] and _overflow(page) <= 0

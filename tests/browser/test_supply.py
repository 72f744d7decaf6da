"""A club chair lists produce from a phone; staff verify a code and its badge appears."""

from __future__ import annotations

import io
import itertools
import re

from PIL import Image
from playwright.sync_api import Page, expect

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.credentials import services as credentials
from tests.browser.listing_form import fill_listing
from tests.browser.members import make_member
from tests.browser.signing import sign_in

_code_serial = itertools.count(1)


def a_photo(tmp_path) -> str:
    path = tmp_path / "xoai.jpg"
    image = Image.new("RGB", (1600, 1200), (240, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_chair_lists_produce_with_a_photo_and_updates_the_quantity_in_two_taps(phone_page: Page, live_app,
                                                                                 tmp_path) -> None:
    page = phone_page
    email, org_id, _name = make_member(live_app, "seller", "club", "Hội quán Xoài thử")
    sign_in(page, email)

    page.goto("/listings/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the form fits the phone
    fill_listing(page, quantity="2,5")
    page.locator("#photos").set_input_files(a_photo(tmp_path))
    page.get_by_test_id("publish").click()

    expect(page).to_have_url(re.compile(r"/listings/\d+$"))
    expect(page.locator("h1")).to_contain_text("Xoài cát Chu")
    expect(page.locator(".price").first).to_contain_text("38.000")
    photo = page.locator(".gallery img").first
    expect(photo).to_be_visible()
    # Visible comes before loaded on a busy machine: wait for the picture itself to arrive.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    listing_id = int(re.search(r"/listings/(\d+)", page.url).group(1))

    page.goto(f"/orgs/{org_id}/listings")
    quantity = page.get_by_test_id(f"quick-quantity-{listing_id}")
    quantity.tap()  # tap one: the field
    quantity.fill("1,5")
    page.get_by_test_id(f"quick-save-{listing_id}").tap()  # tap two: save
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id(f"quick-quantity-{listing_id}")).to_have_value("1,5")  # Vietnamese decimal comma


def test_staff_verify_a_planting_code_and_its_badge_appears(desktop_page: Page, live_app) -> None:
    page = desktop_page
    org_id = make_member(live_app, "seller", "club", "Hội quán Sầu riêng thử").org_id
    with live_app.app_context():
        org = accounts.get_organization(db.session, org_id)
        code = credentials.save_planting_code(db.session, org, credentials.PlantingCodeInput(
            code=f"VN-DTOR-9{next(_code_serial):03d}", kind="growing_area", crop="sầu riêng", markets="CN"), None)
        db.session.commit()
        code_id, code_text = code.id, code.code
    staff_email = make_member(live_app, "staff", "agency", "Trung tâm thử").email

    page.goto(f"/orgs/{org_id}")
    expect(page.locator(".credential-list")).to_contain_text(code_text)
    expect(page.locator(".credential-list .badge.verified")).to_have_count(0)

    sign_in(page, staff_email)
    page.goto("/staff/credentials")
    page.get_by_test_id(f"verify-code-{code_id}").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"/orgs/{org_id}")
    badge = page.locator(".credential-list li", has_text=code_text).locator(".badge.verified")
    expect(badge).to_be_visible()

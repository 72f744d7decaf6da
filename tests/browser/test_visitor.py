"""A visitor on a 360-px phone: reads the home page in both languages, signs up, out and in."""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.signing import open_menu

pytestmark = pytest.mark.browser

PASSWORD = "ruong-lua-phu-huu-2026"  # noqa: S105 - a test account on a throwaway database
PHONE_WIDTH = 360

# Unique per run and per test: the live server's database is shared by the whole session.
_serial = itertools.count(1)


def new_visitor() -> dict[str, str]:
    n = next(_serial)
    stamp = f"{os.getpid() % 10000:04d}{n:02d}"[-6:]
    return {
        "name": f"Nguyễn Thị Lan {stamp}",
        "phone": f"0912{stamp}",
        "email": f"lan.{stamp}.{int(time.time())}@example.vn",
    }


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - PHONE_WIDTH


def fill_about_you(page: Page, visitor: dict[str, str], password_again: str = PASSWORD) -> None:
    page.locator("#name").fill(visitor["name"])
    page.locator("#phone").fill(visitor["phone"])
    page.locator("#email").fill(visitor["email"])
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(password_again)


def commune_field(page: Page):
    # The organisation-kind <select> is a combobox too; the picker is the one that types.
    return page.locator("[data-commune-picker]").get_by_role("combobox")


def type_phu_huu_in_the_commune_picker(page: Page,
                                       reach_the_field: Callable[[Locator], None]) -> tuple[Locator, Locator]:
    """Open the sign-up form, put the cursor in the commune picker with `reach_the_field`
    (Locator.click or Locator.focus) and type "phu huu" key by key; returns the field and its
    list of communes, once that list shows."""
    page.goto("/register")
    commune = commune_field(page)
    reach_the_field(commune)
    commune.press_sequentially("phu huu", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    return commune, listbox


def sign_out(page: Page) -> None:
    open_menu(page)
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/(\?.*)?$"))
    expect(page.get_by_test_id("login-link")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)


def test_home_page_is_vietnamese_fits_a_phone_and_switches_language(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Data that is stored in both languages shows in Vietnamese.
    expect(page.get_by_role("link", name="Trái cây", exact=True)).to_be_visible()
    # ...and so does the interface (needs the compiled catalogue: `make translations`).
    expect(page.get_by_test_id("login-link")).not_to_have_text("Sign in")
    expect(page.get_by_test_id("register-link")).not_to_have_text("Sign up")  # in the closed menu
    assert horizontal_overflow(page) <= 0, "the home page scrolls sideways on a 360-px phone"

    switch = page.get_by_test_id("lang-switch")
    expect(switch).to_have_text("English")
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    expect(page).to_have_url(re.compile(r"[?&]lang=en\b"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Fruit", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Trái cây", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("login-link")).to_have_text("Sign in")
    assert horizontal_overflow(page) <= 0, "the English home page scrolls sideways on a phone"

    # The choice sticks for the visit, on other pages too.
    open_menu(page)
    page.get_by_test_id("register-link").click()
    expect(page).to_have_url(re.compile(r"/register"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("lang-switch").click()
    expect(page).to_have_url(re.compile(r"/register\?(.*&)?lang=vi\b"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("lang-switch")).to_have_text("English")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Trái cây", exact=True)).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_sign_up_with_a_club_then_sign_out_and_in_with_the_phone(phone_page: Page) -> None:
    page = phone_page
    visitor = new_visitor()
    club = f"Tổ hợp tác xoài Phú Hựu {visitor['phone'][-6:]}"

    page.goto("/")
    open_menu(page)
    page.get_by_test_id("register-link").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    assert horizontal_overflow(page) <= 0, "the sign-up page scrolls sideways on a 360-px phone"

    fill_about_you(page, visitor)
    page.locator("#org_kind").select_option("club")
    page.locator("#org_name").fill(club)

    commune = commune_field(page)
    expect(commune).to_have_attribute("aria-expanded", "false")
    commune.press_sequentially("phu huu", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(commune).to_have_attribute("aria-expanded", "true")
    option = listbox.get_by_role("option", name=re.compile(r"^Xã Phú Hựu\b"))
    expect(option).to_have_count(1)
    option.tap()  # a finger, not a mouse: this is a phone
    expect(listbox).to_be_hidden()
    expect(commune).to_have_value(re.compile(r"^Xã Phú Hựu\b"))
    expect(page.locator("input[type=hidden][name=commune_code]")).to_have_value(re.compile(r"^\d{5}$"))

    page.get_by_test_id("register-submit").click()
    # Sign-up signs nobody in (it must not tell whether the address had an account, issue #14):
    # the sign-in form waits with what was typed, and says so.
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text(re.compile(r"Bây giờ hãy đăng nhập bằng"))).to_be_visible()
    expect(page.locator("#identifier")).to_have_value(visitor["email"])
    assert horizontal_overflow(page) <= 0, "the sign-in page after sign-up scrolls sideways on a phone"
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    open_menu(page)
    page.get_by_test_id("account-link").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_test_id("account-name")).to_have_text(visitor["name"])
    expect(page.get_by_test_id("my-org")).to_have_text(club)
    expect(page.get_by_text(visitor["phone"], exact=True)).to_be_visible()
    assert horizontal_overflow(page) <= 0, "the account page scrolls sideways on a 360-px phone"

    sign_out(page)

    page.get_by_test_id("login-link").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.locator("#identifier").fill(visitor["phone"])
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    open_menu(page)
    expect(page.get_by_test_id("logout")).to_be_visible()
    page.get_by_test_id("account-link").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_test_id("account-name")).to_have_text(visitor["name"])
    expect(page.get_by_test_id("my-org")).to_have_text(club)

    sign_out(page)
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_mismatched_passwords_show_the_error_by_the_field_and_keep_what_was_typed(phone_page: Page) -> None:
    page = phone_page
    visitor = new_visitor()
    page.goto("/register")
    fill_about_you(page, visitor, password_again="something-else-entirely")  # noqa: S106
    # The organisation part is filled in full, so the passwords are the only mistake (every problem
    # is reported at once: an organisation without its kind would be a second one).
    page.locator("#org_kind").select_option("cooperative")
    page.locator("#org_name").fill("Hợp tác xã Tân Thuận")
    page.get_by_test_id("register-submit").click()

    expect(page).to_have_url(re.compile(r"/register$"))
    again = page.locator("#password_again")
    expect(again).to_have_attribute("aria-invalid", "true")
    error = page.locator("#password_again-error")
    expect(error).to_be_visible()
    expect(again).to_have_attribute("aria-describedby", re.compile(r"\bpassword_again-error\b"))
    # The message sits inside the field's own block, just under the input. The three boxes are read
    # in one script, once the summary is up: read one by one, a page still laying out under load
    # moved between them (the error measured 270 px below a field read before the shift).
    expect(page.get_by_role("alert")).to_be_visible()
    field_box, input_box, error_box = page.evaluate("""() => ['#password_again', '#password_again-error']
        .reduce((boxes, sel) => boxes.concat([document.querySelector(sel).getBoundingClientRect()]),
                [document.querySelector('#password_again').closest('.field').getBoundingClientRect()])
        .map(r => ({x: r.x, y: r.y, width: r.width, height: r.height}))""")
    assert field_box and input_box and error_box
    assert input_box["y"] + input_box["height"] <= error_box["y"] <= field_box["y"] + field_box["height"]
    # The summary at the top is announced and links to the field.
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#password_again"]')).to_be_visible()

    # Only the field in error is marked invalid.
    expect(page.locator("[aria-invalid]")).to_have_count(1)
    expect(page.locator('[aria-describedby="None"]')).to_have_count(0)

    # Nothing typed is lost but the passwords (which a page must never send back).
    expect(page.locator("#name")).to_have_value(visitor["name"])
    expect(page.locator("#phone")).to_have_value(visitor["phone"])
    expect(page.locator("#email")).to_have_value(visitor["email"])
    expect(page.locator("#org_name")).to_have_value("Hợp tác xã Tân Thuận")
    expect(page.locator("#password")).to_have_value("")
    assert horizontal_overflow(page) <= 0, "the sign-up page with errors scrolls sideways on a phone"

    # Not signed up: the phone number is still free and nobody is signed in.
    expect(page.get_by_test_id("login-link")).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_commune_picker_works_with_the_keyboard(desktop_page: Page) -> None:
    page = desktop_page
    commune, listbox = type_phu_huu_in_the_commune_picker(page, Locator.click)
    first = listbox.get_by_role("option").first
    expect(first).to_have_text(re.compile(r"^Xã Phú Hựu\b"))
    expect(listbox.get_by_role("option")).not_to_have_count(0)

    commune.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    first_id = first.get_attribute("id")
    expect(commune).to_have_attribute("aria-activedescendant", first_id or "")
    commune.press("Enter")  # picks the option; must not send the form

    expect(listbox).to_be_hidden()
    expect(commune).to_have_attribute("aria-expanded", "false")
    expect(commune).to_have_value(re.compile(r"^Xã Phú Hựu\b"))
    expect(commune).to_be_focused()
    expect(page.locator("input[type=hidden][name=commune_code]")).to_have_value(re.compile(r"^\d{5}$"))
    expect(page).to_have_url(re.compile(r"/register$"))
    expect(page.get_by_role("alert")).to_have_count(0)

    # Typing again forgets the chosen code: a changed name no longer names that commune.
    commune.press("End")
    commune.press("Backspace")
    expect(page.locator("input[type=hidden][name=commune_code]")).to_have_value("")
    commune.press("Escape")
    expect(listbox).to_be_hidden()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_commune_picker_with_the_keyboard_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    commune, _listbox = type_phu_huu_in_the_commune_picker(page, Locator.focus)
    commune.press("ArrowDown")
    commune.press("Enter")
    expect(commune).to_have_value(re.compile(r"^Xã Phú Hựu\b"))
    expect(page.locator("input[type=hidden][name=commune_code]")).to_have_value(re.compile(r"^\d{5}$"))
    expect(page).to_have_url(re.compile(r"/register$"))


def test_snapshots_at_phone_width(phone_page: Page, results_dir) -> None:
    """Full-page pictures of the home and sign-up pages at 360 px, for a person to look at."""
    page = phone_page
    for path, name in (("/", "home"), ("/register", "register")):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(results_dir / f"phone-360-{name}.png"), full_page=True)
        assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways on a 360-px phone"

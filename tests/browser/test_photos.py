"""Listing photos on a cheap phone over a slow network (issue #16): resized in the browser and sent
ahead of the form with a progress bar, the buttons waiting meanwhile; kept across a form error; the
8 photos of 10 MB the form promises taken; an over-size photo answered by the form with a message.

The network and CPU are slowed through Chromium's DevTools protocol (Playwright's CDP session):
400 ms latency, 500 kbit/s and the CPU 4× slower, as the issue measured; the 8-photo test uses a
lighter setting, to stay quick.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from PIL import ExifTags, Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.listings.models import Listing, Photo
from tests.browser.conftest import PHONE
from tests.browser.listing_form import fill_listing, publish
from tests.browser.members import make_member
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD
from tests.images import camera_jpeg, image_bytes

UPLOAD_WAIT_MS = 90_000


def slow_network(page: Page, *, latency_ms: int = 400, kbit_s: int = 500, cpu: float = 4) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    bytes_per_s = kbit_s * 1000 / 8
    session.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms,
                                                       "downloadThroughput": bytes_per_s,
                                                       "uploadThroughput": bytes_per_s})
    session.send("Emulation.setCPUThrottlingRate", {"rate": cpu})


def _listing_form(page: Page, live_app, club: str, product: str = "xoai") -> None:
    """Signed in as the chair of a new club, on the listing form filled in but for photos."""
    sign_in(page, make_member(live_app, "seller", "club", club).email)
    page.goto("/listings/new")
    fill_listing(page, product)


def _photo_file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _listing_photos(app, page: Page) -> list[Photo]:
    listing_id = int(re.search(r"/listings/(\d+)$", page.url).group(1))
    with app.app_context():
        return list(db.session.scalars(select(Photo).where(Photo.listing_id == listing_id)))


def _staged(page: Page):
    return page.locator("[data-staged]")


def test_a_chair_on_a_slow_phone_publishes_with_a_5_mb_photo_that_arrives_resized(phone_page: Page, live_app,
                                                                                   tmp_path) -> None:
    page = phone_page
    email = make_member(live_app, "seller", "club", "Hội quán Ảnh chậm").email
    sign_in(page, email)
    # Playwright does not report a multipart body's size: note the photo's bytes as the page sends it.
    page.add_init_script("""(() => { const send = XMLHttpRequest.prototype.send; window.sentPhotos = [];
        XMLHttpRequest.prototype.send = function (body) {
            if (body instanceof FormData && body.get("photo")) window.sentPhotos.push(body.get("photo").size);
            return send.call(this, body); }; })();""")
    page.goto("/listings/new")
    fill_listing(page)
    big = camera_jpeg(grain=0.1, quality=92)
    assert len(big) > 4.5 * 1024 * 1024
    slow_network(page)

    started = time.monotonic()
    page.locator("#photos").set_input_files(_photo_file(tmp_path, "IMG_20261206.jpg", big))
    progress = page.locator("[data-upload-progress] progress")
    expect(progress).to_be_visible()
    expect(page.get_by_label(re.compile("Đang"))).to_be_visible()  # the bar has a label
    expect(page.get_by_test_id("publish")).to_be_disabled()
    expect(_staged(page)).to_have_count(1, timeout=UPLOAD_WAIT_MS)
    expect(page.get_by_test_id("publish")).to_be_enabled()
    expect(page.locator("[data-upload-status]")).to_contain_text("Đã gửi")
    sent = page.evaluate("window.sentPhotos")
    page.get_by_test_id("publish").click()
    expect(page).to_have_url(re.compile(r"/listings/\d+$"), timeout=UPLOAD_WAIT_MS)
    waited = time.monotonic() - started

    assert len(sent) == 1 and 0 < sent[0] < 1_000_000, f"the photo was sent as {sent} bytes, not resized"
    stored = _listing_photos(live_app, page)
    assert len(stored) == 1 and max(stored[0].width, stored[0].height) <= 1600
    assert waited < 30, f"{waited:.1f} s from picking the photo to the published listing"
    print(f"\n5 MB photo on a slow phone: {len(big) / 1e6:.1f} MB picked, {max(sent) / 1e3:.0f} kB sent, "
          f"published {waited:.1f} s after picking")


def test_a_photo_turned_by_its_exif_arrives_upright(phone_page: Page, live_app, tmp_path) -> None:
    """A phone held upright writes a landscape picture with EXIF orientation 6: the browser turns it
    while making it smaller (the copy it sends has no EXIF left to say so)."""
    page = phone_page
    _listing_form(page, live_app, "Hội quán Ảnh dọc")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    sideways = image_bytes(Image.open(io.BytesIO(camera_jpeg(3200, 1600, grain=0.1))), "JPEG", quality=90,
                           exif=exif.tobytes())
    page.locator("#photos").set_input_files(_photo_file(tmp_path, "doc.jpg", sideways))
    expect(_staged(page)).to_have_count(1, timeout=UPLOAD_WAIT_MS)
    publish(page)
    (photo,) = _listing_photos(live_app, page)
    assert (photo.width, photo.height) == (800, 1600)


def test_a_form_error_keeps_the_photo_already_sent(phone_page: Page, live_app, tmp_path) -> None:
    page = phone_page
    email = make_member(live_app, "seller", "club", "Hội quán Ảnh giữ").email
    sign_in(page, email)
    page.goto("/listings/new")
    fill_listing(page, product="")
    slow_network(page, latency_ms=200, kbit_s=2000, cpu=2)
    page.locator("#photos").set_input_files(_photo_file(tmp_path, "vuon.jpg", camera_jpeg(2000, 1500, grain=0.1)))
    expect(_staged(page)).to_have_count(1, timeout=UPLOAD_WAIT_MS)
    page.get_by_test_id("publish").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(_staged(page)).to_have_count(1)  # shown again, from the server: not sent again
    assert serious_violations(page) == []  # the kept photo, its Remove button, the progress bar
    expect(_staged(page).locator("img")).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('[data-staged] img').naturalWidth") > 0
    assert page.locator("#photos").evaluate("input => input.files.length") == 0
    page.locator("#product").fill("xoai")
    publish(page)
    assert len(_listing_photos(live_app, page)) == 1


def test_a_photo_can_be_taken_off_the_form_before_publishing(phone_page: Page, live_app, tmp_path) -> None:
    page = phone_page
    _listing_form(page, live_app, "Hội quán Ảnh bỏ")
    page.locator("#photos").set_input_files([
        _photo_file(tmp_path, "a.jpg", camera_jpeg(800, 600, grain=0.1)),
        _photo_file(tmp_path, "b.jpg", camera_jpeg(800, 600, grain=0.1, seed=5))])
    expect(_staged(page)).to_have_count(2, timeout=UPLOAD_WAIT_MS)
    _staged(page).first.get_by_role("button").click()
    expect(_staged(page)).to_have_count(1)
    publish(page)
    assert len(_listing_photos(live_app, page)) == 1


def test_eight_photos_of_nearly_10_mb_are_accepted(phone_page: Page, live_app, tmp_path) -> None:
    page = phone_page
    _listing_form(page, live_app, "Hội quán Tám ảnh")
    big = camera_jpeg(grain=0.45, quality=94)
    assert 9 * 1024 * 1024 < len(big) <= 10 * 1024 * 1024  # what the form promises: 10 MB each
    files = [_photo_file(tmp_path, f"IMG_{n}.jpg", big) for n in range(8)]
    slow_network(page, latency_ms=100, kbit_s=8000, cpu=1)
    page.locator("#photos").set_input_files(files)
    expect(page.get_by_test_id("publish")).to_be_disabled()
    expect(_staged(page)).to_have_count(8, timeout=UPLOAD_WAIT_MS)
    publish(page)
    stored = _listing_photos(live_app, page)
    assert len(stored) == 8 and all(max(p.width, p.height) <= 1600 for p in stored)


def test_an_over_size_photo_that_the_phone_cannot_shrink_is_said_at_once(phone_page: Page, live_app,
                                                                          tmp_path) -> None:
    page = phone_page
    sign_in(page, make_member(live_app, "seller", "club", "Hội quán Ảnh lớn").email)
    page.goto("/listings/new")
    heic = _photo_file(tmp_path, "IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic" + bytes(11 * 1024 * 1024))
    page.locator("#photos").set_input_files(heic)
    status = page.locator("[data-upload-status]")
    expect(status).to_contain_text("IMG_0001.HEIC")
    expect(status).to_contain_text("10 MB")
    expect(status).to_have_attribute("role", "alert")
    expect(page.get_by_test_id("publish")).to_be_enabled()  # free again after the failure
    expect(_staged(page)).to_have_count(0)


def test_without_script_an_over_size_upload_comes_back_as_the_form_with_a_message(browser: Browser, live_server,
                                                                                  live_app, tmp_path) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        sign_in_without_script(page, make_member(live_app, "seller", "club", "Hội quán Không script").email)
        page.goto("/listings/new")
        fill_listing(page)
        page.locator("#description").fill("Xoài cát Chu vườn nhà, trái to, vỏ vàng")
        page.locator("#photos").set_input_files([
            _photo_file(tmp_path, "qua-lon.jpg", b"\xff\xd8\xff\xe0" + bytes(12 * 1024 * 1024)),
            _photo_file(tmp_path, "nho.jpg", camera_jpeg(800, 600, grain=0.1))])
        page.get_by_test_id("publish").click()
        error = page.locator("#photos-error")
        expect(error).to_contain_text("qua-lon.jpg")
        expect(error).to_contain_text("10 MB")
        expect(page.locator("#product")).to_have_value("xoai")
        expect(page.locator("#description")).to_have_value("Xoài cát Chu vườn nhà, trái to, vỏ vàng")
        expect(_staged(page)).to_have_count(1)  # the good photo is kept
        page.get_by_test_id("publish").click()  # nothing to pick again
        expect(page).to_have_url(re.compile(r"/listings/\d+$"))
        assert len(_listing_photos(live_app, page)) == 1
        with live_app.app_context():
            assert db.session.scalar(select(Listing.description).where(
                Listing.id == int(page.url.rsplit("/", 1)[1]))).startswith("Xoài cát Chu")
    finally:
        context.close()


def sign_in_without_script(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("input[name=identifier]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_attached()

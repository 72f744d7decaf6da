"""A large import on a 360-px phone (issue #21): the status page updates its figures in place
(no reload) from the JSON status, is accessible, and turns into the preview once the worker is done."""

from __future__ import annotations

import os

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from marketplace import db, worker
from marketplace.db import utcnow
from marketplace.imports import background
from marketplace.imports.models import ImportJob
from marketplace.imports.run import Progress
from tests.browser.signing import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_user
from tests.integration.imports.test_import import good_sheets
from tests.sheets import xlsx_bytes


def test_the_status_of_a_large_import_updates_in_place_then_shows_the_preview(
        phone_page: Page, live_app: Flask, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(live_app.config, "IMPORT_IN_REQUEST_MAX_BYTES", 1)
    monkeypatch.setitem(live_app.config, "IMPORT_PROGRESS_DIR", str(tmp_path))
    with live_app.app_context():
        staff = make_user("staff", email=f"imports.staff.{os.getpid()}@example.test")
    sign_in(phone_page, staff.email)
    phone_page.goto("/staff/import")
    phone_page.locator("input[type=file]").set_input_files(
        {"name": "mua-lon.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(good_sheets())})
    phone_page.get_by_test_id("import-submit").click()
    expect(phone_page.get_by_role("heading", name="Đang chờ tiến trình nền xử lý…")).to_be_visible()
    assert serious_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    job_id = int(phone_page.url.rstrip("/").rsplit("/", 1)[1])
    expect(phone_page.get_by_test_id("import-job-counts")).to_be_hidden()  # no rows read yet
    bar, section = (phone_page.locator(selector).bounding_box() for selector in ("progress", ".import-job"))
    assert bar["width"] >= section["width"] - 40  # the bar spans the page, not a thumbnail of it

    phone_page.evaluate("window.stillThisPage = true")  # gone if the page reloads
    with live_app.app_context():
        token = db.session.get(ImportJob, job_id).token
        db.session.execute(update(ImportJob).where(ImportJob.id == job_id)
                           .values(state="running", started_at=utcnow()))
        db.session.commit()
    _write(live_app, token)
    expect(phone_page.get_by_test_id("import-job-counts")).to_be_visible()
    expect(phone_page.get_by_test_id("import-job-counts")).to_have_text(
        "Đã đọc: 50000 dòng, đã kiểm tra: 12000/50000. Bản xem trước không lưu gì.")
    expect(phone_page.get_by_role("heading", name="Đang kiểm tra các dòng…")).to_be_visible()
    assert phone_page.evaluate("window.stillThisPage === true")
    assert phone_page.evaluate("document.querySelector('progress').value") == 12000

    with live_app.app_context():
        db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(state="waiting"))
        db.session.commit()
        assert worker.jobs(live_app)["imports"].run() is True
    expect(phone_page.get_by_test_id("import-preview")).to_be_visible()  # the page reloaded itself
    expect(phone_page.get_by_test_id("import-confirm-button")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _write(app: Flask, token: str) -> None:
    with app.app_context():
        background.write_progress(token, "checking", Progress(read=50000, checked=12000, written=0))


def test_a_status_page_whose_session_ended_reloads_to_the_sign_in_page(
        phone_page: Page, live_app: Flask, tmp_path, monkeypatch) -> None:
    """The JSON status answers with the sign-in page (a redirect): the script reloads the page,
    rather than retrying for ever or showing the sign-in HTML as figures."""
    monkeypatch.setitem(live_app.config, "IMPORT_IN_REQUEST_MAX_BYTES", 1)
    monkeypatch.setitem(live_app.config, "IMPORT_PROGRESS_DIR", str(tmp_path))
    with live_app.app_context():
        staff = make_user("staff", email=f"imports.signed-out.{os.getpid()}@example.test")
    sign_in(phone_page, staff.email)
    phone_page.goto("/staff/import")
    phone_page.locator("input[type=file]").set_input_files(
        {"name": "het-phien.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(good_sheets())})
    phone_page.get_by_test_id("import-submit").click()
    expect(phone_page.get_by_test_id("import-job")).to_be_visible()
    job_path = phone_page.url.split("://", 1)[1].split("/", 1)[1]
    phone_page.context.clear_cookies()  # signed out (the session ended)
    phone_page.wait_for_url(lambda url: job_path not in url or "next=" in url, timeout=10_000)
    expect(phone_page.get_by_test_id("import-job")).to_have_count(0)

"""Error pages: Vietnamese by default, English with ?lang=en, JSON under /api/, 500 rolled back."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts.models import Organization
from marketplace.errors import NotFound
from tests.clients import app_session, login
from tests.database import make_test_app
from tests.factories import make_org, make_user


def error_page(response, status: int, lang: str) -> str:
    """The HTML of an error page, once checked that it answers status and is written in lang."""
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    return page


def test_404_in_vietnamese(client):
    page = error_page(client.get("/khong-co-trang-nay"), 404, "vi")
    assert "Không tìm thấy trang" in page
    assert "Không tìm thấy trang này." in page
    assert "Page not found" not in page


def test_404_in_english(client):
    page = error_page(client.get("/no-such-page?lang=en"), 404, "en")
    assert "Page not found" in page
    assert "We could not find that page." in page


def test_language_choice_is_remembered(client):
    client.get("/?lang=en")
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)
    client.get("/?lang=vi")
    assert "Không tìm thấy trang" in client.get("/no-such-page").get_data(as_text=True)


def test_unknown_language_falls_back_to_vietnamese(client):
    page = client.get("/no-such-page?lang=fr").get_data(as_text=True)
    assert '<html lang="vi">' in page


def test_missing_organisation_is_a_404_page(client):
    assert client.get("/orgs/999999").status_code == 404


@pytest.fixture
def seller(app):
    with app_session(app):
        return make_user("seller")


@pytest.mark.parametrize("path", ["/staff", "/admin/users"])
def test_403_in_vietnamese(client, seller, path):
    login(client, seller)
    page = error_page(client.get(path), 403, "vi")
    assert "Lỗi 403" in page
    assert "Bạn không có quyền làm việc này." in page


def test_403_in_english(client, seller):
    login(client, seller)
    page = error_page(client.get("/staff?lang=en"), 403, "en")
    assert "Error 403" in page
    assert "You do not have permission to do that." in page


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


# 500 ----------------------------------------------------------------------------------------

def boom():
    raise RuntimeError("password=hunter2hunter2 boom")


def domain_boom():
    raise NotFound("Không có tổ chức đó.")


def duplicate_ref():
    """Write, then fail in the database: the session is unusable until rolled back."""
    db.session.add(Organization(kind="club", name="Bản sao", ref="dup-ref-500"))
    db.session.flush()


@pytest.fixture
def failing_app(app) -> Flask:
    """A second app on the suite's database, with routes that fail, added before any request."""
    broken = make_test_app(app.config["DATABASE_URL"], TESTING=False)
    broken.add_url_rule("/boom", "boom", boom)
    broken.add_url_rule("/api/v1/boom", "api_boom", boom)
    broken.add_url_rule("/domain-boom", "domain_boom", domain_boom)
    broken.add_url_rule("/api/v1/domain-boom", "api_domain_boom", domain_boom)
    broken.add_url_rule("/duplicate", "duplicate", duplicate_ref)
    yield broken
    db.get_engine(broken).dispose()


def test_500_page_in_vietnamese(failing_app, caplog):
    caplog.set_level(logging.ERROR)
    page = error_page(failing_app.test_client().get("/boom"), 500, "vi")
    assert "Lỗi 500" in page
    assert "Hệ thống đang gặp lỗi. Vui lòng thử lại." in page
    assert "RuntimeError" not in page  # no traceback for visitors
    assert "unhandled error on GET /boom" in caplog.text


def test_500_page_in_english(failing_app):
    page = error_page(failing_app.test_client().get("/boom?lang=en"), 500, "en")
    assert "Error 500" in page
    assert "Something went wrong on our side. Please try again." in page


def test_500_under_api_is_json(failing_app):
    response = failing_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.is_json
    assert response.get_json() == {"error": "Hệ thống đang gặp lỗi. Vui lòng thử lại.", "fields": {}}


def test_domain_error_under_api_is_json_with_its_status(failing_app):
    response = failing_app.test_client().get("/api/v1/domain-boom")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Không có tổ chức đó.", "fields": {}}


def test_domain_error_page(failing_app):
    response = failing_app.test_client().get("/domain-boom")
    assert response.status_code == 404
    assert "Không có tổ chức đó." in response.get_data(as_text=True)


def test_500_rolls_back_so_the_error_page_can_still_use_the_database(app, failing_app):
    """A signed-in visitor's error page loads their account: only possible after a rollback."""
    # Share the test's connection, so the second app's writes are rolled back with the test
    # (and SQLite's write lock, held by that connection, does not block them).
    connection = db.get_registry(app).session_factory.kw["bind"]
    db.get_registry(failing_app).configure(bind=connection, join_transaction_mode="create_savepoint")
    with app_session(app):
        make_org("club", ref="dup-ref-500")
        user = make_user("seller")
    browser = failing_app.test_client()
    assert login(browser, user).status_code == 302
    response = browser.get("/duplicate")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Hệ thống đang gặp lỗi." in page
    assert 'data-testid="account-link"' in page  # the user was loaded after the failed flush
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Organization)
                              .where(Organization.name == "Bản sao")) == 0

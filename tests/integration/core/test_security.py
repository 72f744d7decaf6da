"""Request-level security: CSRF on every form post, response headers on every page."""

from __future__ import annotations

import pytest

from tests.clients import api_token, app_session, csrf_token, login, post
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot"])
def test_form_post_without_csrf_token_is_rejected(app, client, path):
    response = client.post(path, data={"identifier": "someone@example.vn", "password": PASSWORD})
    assert response.status_code == 400


def test_post_with_a_wrong_csrf_token_is_rejected(app, client):
    with app_session(app):
        user = make_user("seller")
    client.get("/")
    response = client.post("/login", data={"identifier": user.email, "password": PASSWORD,
                                           "csrf_token": "not-the-token"})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_csrf_token_of_another_browser_is_rejected(app, client):
    with app_session(app):
        user = make_user("seller")
    other_token = csrf_token(app.test_client())
    client.get("/")
    response = client.post("/login", data={"identifier": user.email, "password": PASSWORD,
                                           "csrf_token": other_token})
    assert response.status_code == 400


def test_signed_in_post_without_csrf_token_is_rejected(app, client):
    with app_session(app):
        user = make_user("seller")
    login(client, user)
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


def test_api_post_relying_on_the_session_cookie_needs_csrf(app, client):
    with app_session(app):
        user = make_user("seller")
    login(client, user)
    response = client.post("/api/v1/", json={})
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "fields"}


def test_api_post_with_a_bearer_token_skips_csrf(app, client):
    with app_session(app):
        user = make_user("seller")
    token = api_token(app, user)
    response = client.post("/api/v1/", json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405  # past the CSRF check: the route only answers GET


def test_form_with_the_token_passes(app, client):
    with app_session(app):
        user = make_user("seller")
    assert post(client, "/login", {"identifier": user.email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/orgs", "/no-such-page", "/api/v1/"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_carry_no_inline_script_or_style(client):
    page = client.get("/register").get_data(as_text=True)
    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page
    assert " onclick=" not in page


def test_signed_in_pages_are_not_cached(app, client):
    with app_session(app):
        user = make_user("seller")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, user)
    assert client.get("/account").headers["Cache-Control"] == "private, no-store"


def test_session_cookie_flags(app, client):
    with app_session(app):
        user = make_user("seller")
    response = login(client, user)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}

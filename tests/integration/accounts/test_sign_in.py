"""Sign-in by e-mail or phone, wrong passwords, rate limits, and where people land afterwards.

Users are made in app_session blocks and requests made outside them (see tests.clients.app_session).
"""

from __future__ import annotations

import pytest

from marketplace import db
from tests.clients import app_session, login, post
from tests.factories import PASSWORD, make_user


def sign_in(client, identifier: str, password: str = PASSWORD, **extra):
    return post(client, "/login", {"identifier": identifier, "password": password, **extra})


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.mark.parametrize("typed", ["0912001001", "+84 912 001 001", "84912001001", "0912.001.001",
                                   "+84912001001"])
def test_sign_in_by_phone_in_any_form(app, client, typed):
    with app_session(app):
        make_user("seller", phone="0912001001")
    response = sign_in(client, typed)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_in_by_email_ignores_case_and_spaces(app, client):
    with app_session(app):
        make_user("buyer", email="mua.hang@example.vn")
    assert sign_in(client, "  Mua.Hang@EXAMPLE.vn ").status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(("identifier", "password"), [
    ("known@example.vn", "wrong-password-123"),
    ("unknown@example.vn", PASSWORD),
    ("0999999999", PASSWORD),
    ("not an identifier", PASSWORD),
])
def test_wrong_credentials_get_one_message(app, client, identifier, password):
    with app_session(app):
        make_user("buyer", email="known@example.vn")
    response = sign_in(client, identifier, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Email/số điện thoại hoặc mật khẩu không đúng." in page
    assert f'value="{identifier}"' in page  # the identifier is kept
    assert password not in page  # the password is not
    assert not is_signed_in(client)


def test_wrong_password_message_in_english(app, client):
    with app_session(app):
        user = make_user("buyer")
    response = post(client, "/login?lang=en", {"identifier": user.email, "password": "wrong-password-123"})
    assert response.status_code == 422
    assert "The e-mail/phone number or the password is wrong." in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(app, client):
    with app_session(app) as session:
        user = make_user("seller")
        user.active = False
        session.commit()
    assert login(client, user).status_code == 422
    assert not is_signed_in(client)


def test_empty_form_is_an_error(app, client):
    response = post(client, "/login", {"identifier": "", "password": ""})
    assert response.status_code == 422
    assert "Vui lòng điền ô này." in response.get_data(as_text=True)


def test_ip_rate_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    with app_session(app):
        user = make_user("buyer")
    for _ in range(3):
        assert sign_in(client, user.email, "wrong-password-123").status_code == 422
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Thử quá nhiều lần" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_ip_rate_limit_counts_every_identifier(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for n in range(3):
        assert sign_in(client, f"guess{n}@example.vn").status_code == 422
    assert sign_in(client, "guess9@example.vn").status_code == 429


def test_identifier_rate_limit_across_addresses(app, client, monkeypatch):
    """Guesses spread over many addresses still stop for one account."""
    monkeypatch.setitem(app.config, "LOGIN_IDENTIFIER_RATE_LIMIT", "3 per minute")
    with app_session(app):
        user = make_user("buyer")
    for n in range(3):
        response = sign_in(client, user.email, "wrong-password-123",
                           environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})
        assert response.status_code == 422
    response = sign_in(client, user.email.upper(), PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    # Another account from the same new address is not blocked.
    with app_session(app):
        other = make_user("buyer")
    response = sign_in(client, other.email, PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 302


def test_identifier_rate_limit_however_the_phone_number_is_written(app, client, monkeypatch):
    """Issue #14: "0900 000 002", "+84900000002", "0900.000.002" walked past the per-account limit."""
    monkeypatch.setitem(app.config, "LOGIN_IDENTIFIER_RATE_LIMIT", "3 per minute")
    for n, written in enumerate(["0900 000 002", "+84900000002", "0900.000.002"]):
        response = sign_in(client, written, "wrong-password-123", environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})
        assert response.status_code == 422
    response = sign_in(client, "84 900 000 002", "wrong-password-123", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429


def test_rate_limit_does_not_apply_to_showing_the_form(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    for _ in range(3):
        assert client.get("/login").status_code == 200


@pytest.mark.parametrize(("next_url", "landing"), [
    ("/orgs", "/orgs"),
    ("/orgs?side=sellers", "/orgs?side=sellers"),
    ("//evil.com", "/"),
    ("/\\evil.com", "/"),
    ("https://evil.com/login", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_next_stays_on_site(app, client, next_url, landing):
    with app_session(app):
        user = make_user("seller")
    response = sign_in(client, user.email, next=next_url)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in (landing, f"http://localhost{landing}")


def test_next_from_the_query_string_is_carried_by_the_form(app, client):
    with app_session(app):
        user = make_user("seller")
    page = client.get("/login?next=/orgs").get_data(as_text=True)
    assert '<input id="next" name="next" type="hidden" value="/orgs">' in page
    response = post(client, "/login", {"identifier": user.email, "password": PASSWORD, "next": "/orgs"})
    assert response.headers["Location"].endswith("/orgs")


def test_protected_page_sends_to_sign_in_with_next(app, client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert "account" in response.headers["Location"]


def test_signed_in_visit_to_login_follows_safe_next_only(app, client):
    with app_session(app):
        user = make_user("seller")
    login(client, user)
    assert client.get("/login?next=/orgs").headers["Location"].endswith("/orgs")
    location = client.get("/login?next=//evil.com").headers["Location"]
    assert "evil.com" not in location


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_budget(tmp_path_factory):
    """Issue #14: behind the HTTPS proxy every request came from the proxy's address, so one
    person could lock sign-in for everyone. With TRUSTED_PROXIES=1 the forwarded client counts."""
    from tests.database import forget_database, fresh_database_url, make_test_app, prepare_database

    proxied = make_test_app(fresh_database_url(tmp_path_factory, "proxy"), TRUSTED_PROXIES=1,
                            LOGIN_RATE_LIMIT="2 per minute")
    prepare_database(proxied)
    client = proxied.test_client()

    def attempt(forwarded_for: str) -> int:
        return post(client, "/login", {"identifier": "noone@example.vn", "password": "wrong-password-123"},
                    headers={"X-Forwarded-For": forwarded_for}).status_code

    try:
        assert [attempt("198.51.100.1") for _ in range(3)] == [422, 422, 429]
        assert attempt("198.51.100.2") == 422  # another person behind the same proxy is not locked out
    finally:
        db.get_engine(proxied).dispose()
        forget_database("proxy")

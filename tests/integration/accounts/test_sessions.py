"""Sessions end together: sign-out and a password change end every other session and
remember-me cookie; a password reset works once, by a link sent by mail.

Each client is a separate browser. Data is made in app_session blocks, requests outside
(see tests.clients.app_session), so no request sees another's signed-in user.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from tests.clients import app_session, login, post
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-brand-new-passphrase"  # noqa: S105
REMEMBER_COOKIE = "remember_token"


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def user(app):
    with app_session(app):
        return make_user("seller")


@pytest.fixture
def two_browsers(app, user):
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        assert login(browser, user).status_code == 302
        assert is_signed_in(browser)
    return first, second


def test_sign_out_signs_out_here(two_browsers):
    first, _second = two_browsers
    response = post(first, "/logout")
    assert response.status_code == 302
    assert not is_signed_in(first)


def test_sign_out_ends_every_other_session(two_browsers):
    first, second = two_browsers
    post(first, "/logout")
    assert not is_signed_in(second)
    response = second.get("/account")
    assert "/login" in response.headers["Location"]


def test_sign_in_again_after_sign_out_works(two_browsers, user):
    first, second = two_browsers
    post(first, "/logout")
    assert login(second, user).status_code == 302
    assert is_signed_in(second)
    assert not is_signed_in(first)


def test_sign_out_needs_a_post(two_browsers):
    first, second = two_browsers
    assert first.get("/logout").status_code == 405
    assert is_signed_in(first) and is_signed_in(second)


def test_sign_out_needs_the_csrf_token(two_browsers):
    first, second = two_browsers
    assert first.post("/logout").status_code == 400
    assert is_signed_in(first) and is_signed_in(second)


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    return post(client, "/account/password", {"current_password": current, "password": new,
                                              "password_again": again or new})


def test_password_change_keeps_this_session_and_ends_the_others(app, two_browsers, user):
    first, second = two_browsers
    response = change_password(first)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    assert is_signed_in(first)
    assert not is_signed_in(second)
    with app_session(app) as session:
        assert session.get(User, user.id).session_generation == user.session_generation + 1


def test_password_change_takes_effect(app, two_browsers, user):
    first, _second = two_browsers
    change_password(first)
    fresh = app.test_client()
    assert login(fresh, user).status_code == 422
    assert login(fresh, user, NEW_PASSWORD).status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(app, two_browsers, user):
    first, second = two_browsers
    response = change_password(first, current="not-my-password")
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    assert is_signed_in(first) and is_signed_in(second)
    assert login(app.test_client(), user).status_code == 302


@pytest.mark.parametrize(("new", "again"), [("short", "short"), (NEW_PASSWORD, "something-else-1")])
def test_password_change_with_a_bad_new_password_changes_nothing(app, two_browsers, user, new, again):
    first, second = two_browsers
    assert change_password(first, new=new, again=again).status_code == 422
    assert is_signed_in(first) and is_signed_in(second)
    assert login(app.test_client(), user).status_code == 302


def remember_cookie(client) -> str:
    cookie = client.get_cookie(REMEMBER_COOKIE)
    assert cookie is not None, "no remember-me cookie was set"
    return cookie.value


def restarted_browser(app, remember: str):
    """A browser that kept only the remember-me cookie (the session cookie died with it)."""
    browser = app.test_client()
    browser.set_cookie(REMEMBER_COOKIE, remember)
    return browser


def test_remember_me_signs_in_a_restarted_browser(app, user):
    browser = app.test_client()
    post(browser, "/login", {"identifier": user.email, "password": PASSWORD, "remember": "y"})
    assert is_signed_in(restarted_browser(app, remember_cookie(browser)))


def test_without_remember_me_there_is_no_cookie(app, user):
    browser = app.test_client()
    login(browser, user)
    assert browser.get_cookie(REMEMBER_COOKIE) is None


def test_remember_me_cookie_stops_working_after_sign_out(app, user):
    browser = app.test_client()
    post(browser, "/login", {"identifier": user.email, "password": PASSWORD, "remember": "y"})
    stolen = remember_cookie(browser)
    post(browser, "/logout")
    assert not is_signed_in(restarted_browser(app, stolen))


def test_remember_me_cookie_stops_working_after_sign_out_elsewhere(app, user):
    phone = app.test_client()
    post(phone, "/login", {"identifier": user.email, "password": PASSWORD, "remember": "y"})
    lost_phone_cookie = remember_cookie(phone)
    desk = app.test_client()
    login(desk, user)
    post(desk, "/logout")
    assert not is_signed_in(restarted_browser(app, lost_phone_cookie))
    assert not is_signed_in(phone)


def test_forged_remember_cookie_is_ignored(app, user):
    assert not is_signed_in(restarted_browser(app, f"{user.id}:0|forged-digest"))


# Password reset -----------------------------------------------------------------------------

def ask_for_reset(client, identifier: str):
    return post(client, "/password/forgot", {"identifier": identifier})


def reset_path(outbox) -> str:
    assert len(outbox) == 1
    link = next(word for word in outbox[0].body.split() if "/password/reset/" in word)
    return urlsplit(link).path


def test_reset_mail_is_sent_to_the_account(app, client, outbox, user):
    response = ask_for_reset(client, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert [mail.to for mail in outbox] == [user.email]
    assert "http://localhost/password/reset/" in outbox[0].body


@pytest.mark.parametrize("identifier", ["nobody@example.vn", "0999000999", "nonsense"])
def test_reset_for_unknown_accounts_sends_nothing_and_says_the_same(client, outbox, identifier):
    response = ask_for_reset(client, identifier)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert outbox == []


def test_reset_for_a_phone_only_account_sends_nothing(app, client, outbox):
    with app_session(app):
        make_user("seller", phone="0912002002")
    assert ask_for_reset(client, "0912002002").status_code == 302
    assert outbox == []


def test_reset_link_sets_a_new_password_once(app, client, outbox, two_browsers, user):
    first, second = two_browsers
    ask_for_reset(client, user.email)
    path = reset_path(outbox)
    assert client.get(path).status_code == 200
    response = post(client, path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    # The new password works, the old one does not, and every session has ended.
    assert login(app.test_client(), user).status_code == 422
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 302
    assert not is_signed_in(first) and not is_signed_in(second)
    # The link is spent.
    again = client.get(path)
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/password/forgot")
    other = "yet-another-passphrase"
    reuse = post(client, path, {"password": other, "password_again": other})
    assert reuse.status_code == 302
    assert login(app.test_client(), user, other).status_code == 422


def test_reset_link_with_a_bad_token_fails(app, client, outbox, user):
    ask_for_reset(client, user.email)
    path = reset_path(outbox)
    for bad in (path[:-3] + "xyz", "/password/reset/not-a-token", path.replace("/reset/", "/reset/x")):
        response = client.get(bad)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/password/forgot")
    response = post(client, "/password/reset/not-a-token",
                    {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 422


def test_bad_link_explains_itself(client):
    response = client.get("/password/reset/not-a-token", follow_redirects=True)
    assert "Đường link đặt lại mật khẩu này đã hết hiệu lực." in response.get_data(as_text=True)


def test_reset_with_a_weak_password_keeps_the_link_usable(app, client, outbox, user):
    ask_for_reset(client, user.email)
    path = reset_path(outbox)
    response = post(client, path, {"password": "short", "password_again": "short"})
    assert response.status_code == 200
    assert "Dùng ít nhất 10 ký tự." in response.get_data(as_text=True)
    assert client.get(path).status_code == 200
    assert post(client, path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 302


def test_reset_link_expires(app, client, outbox, user, monkeypatch):
    ask_for_reset(client, user.email)
    path = reset_path(outbox)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(path).status_code == 302


def test_reset_link_dies_when_the_password_changes_another_way(app, client, outbox, user):
    ask_for_reset(client, user.email)
    path = reset_path(outbox)
    browser = app.test_client()
    login(browser, user)
    assert change_password(browser).status_code == 302
    assert client.get(path).status_code == 302


def test_reset_tokens_are_bound_to_the_secret_key(app, user):
    with app_session(app) as session:
        token = accounts.make_reset_token(session.get(User, user.id), "another-secret-key-0123456789")
        assert accounts.user_for_reset_token(session, token, app.config["SECRET_KEY"], 3600) is None
        good = accounts.make_reset_token(session.get(User, user.id), app.config["SECRET_KEY"])
        assert accounts.user_for_reset_token(session, good, app.config["SECRET_KEY"], 3600).id == user.id


def test_a_reset_link_is_built_on_the_sites_address_not_the_host_asked_for(app, outbox, user, monkeypatch):
    """A forged Host header must not put another site's address into a genuine mail. (Production
    sets no SERVER_NAME, so without it a link made from the request would take the forged host.)"""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    client = app.test_client()
    forged = "http://evil.example"
    page = client.get("/password/forgot", base_url=forged).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/password/forgot", data={"csrf_token": token, "identifier": user.email},
                           base_url=forged)
    assert response.status_code == 302
    body = "".join(mail.body for mail in outbox)
    assert "evil.example" not in body
    assert f"{app.config['PUBLIC_URL']}/password/reset/" in body

"""Sign-in sessions in Redis (SESSION_REDIS_URL): two apps on one database — two hosts — share a
session through its cookie, which holds only an id; signing out on one ends it on the other; the
id is renewed at sign-in (an id planted before is worth nothing after). Without the setting the
session stays Flask's signed cookie."""

from __future__ import annotations

import pytest

from marketplace.sessions import KEY_PREFIX
from tests.clients import app_session, login, post
from tests.database import make_test_app, own_database_app
from tests.factories import PASSWORD, make_club, make_user
from tests.redisserver import REDIS_URL, empty_redis, needs_redis

pytestmark = needs_redis


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    with own_database_app(tmp_path_factory, "redissessions", SESSION_REDIS_URL=REDIS_URL) as first:
        second = make_test_app(first.config["DATABASE_URL"], SESSION_REDIS_URL=REDIS_URL)
        yield first, second


@pytest.fixture
def redis():
    client = empty_redis()
    yield client
    client.flushdb()


def _user(app):
    with app_session(app) as db:
        club, _chair = make_club()
        user = make_user("seller", club)
        db.commit()
        return user


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_session_begun_on_one_host_is_read_and_ended_on_the_other(hosts, redis):
    first, second = hosts
    user = _user(first)
    on_first = first.test_client()
    assert login(on_first, user).status_code == 302 and _signed_in(on_first)
    sid = on_first.get_cookie("session").value
    assert len(sid) < 64 and "." not in sid  # an id, not a signed payload
    assert redis.exists(KEY_PREFIX + sid)

    on_second = second.test_client()
    on_second.set_cookie("session", sid, domain="localhost")
    assert _signed_in(on_second)

    assert post(on_second, "/logout").status_code == 302
    assert not _signed_in(on_first)


def test_the_session_id_is_renewed_at_sign_in(hosts, redis):
    first, _second = hosts
    user = _user(first)
    client = first.test_client()
    client.get("/login")  # an anonymous session (its CSRF token) before signing in
    before = client.get_cookie("session").value
    assert redis.exists(KEY_PREFIX + before)
    assert login(client, user).status_code == 302
    after = client.get_cookie("session").value
    assert after != before and not redis.exists(KEY_PREFIX + before)

    planted = first.test_client()
    planted.set_cookie("session", before, domain="localhost")
    assert not _signed_in(planted)


def test_without_the_setting_the_session_is_the_signed_cookie(app):
    assert app.config["SESSION_REDIS_URL"] == ""
    assert type(app.session_interface).__name__ == "SecureCookieSessionInterface"


def test_the_session_id_is_renewed_when_the_keep_me_signed_in_cookie_signs_in(hosts, redis):
    first, _second = hosts
    user = _user(first)
    browser = first.test_client()
    assert post(browser, "/login", {"identifier": user.email, "password": PASSWORD, "remember": "y"}).status_code == 302
    remember = browser.get_cookie("remember_token").value

    # Someone planted an anonymous session id in the browser, which then comes back signed in by
    # its remember cookie alone: the id must change, and the planted one stay signed out.
    attacker = first.test_client()
    attacker.get("/login")
    planted = attacker.get_cookie("session").value
    returning = first.test_client()
    returning.set_cookie("session", planted, domain="localhost")
    returning.set_cookie("remember_token", remember, domain="localhost")
    assert _signed_in(returning)
    assert returning.get_cookie("session").value != planted
    assert not _signed_in(attacker)


def test_a_visitors_session_is_kept_twelve_hours_in_redis(hosts, redis):
    first, _second = hosts
    visitor = first.test_client()
    visitor.get("/login")
    ttl = redis.ttl(KEY_PREFIX + visitor.get_cookie("session").value)
    assert 11 * 3600 < ttl <= 12 * 3600

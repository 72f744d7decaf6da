"""The one-click mail-settings link expires (issue #14: it never did). A link older than
MAIL_SETTINGS_LINK_MAX_AGE_DAYS (90 by default), altered, or of a format we no longer make gets a
page in Vietnamese that asks the person to sign in (410 when old, 404 when not ours), never a 500,
and changes nothing — by the page's form or by a mail program's one-click POST. Time is passed
in (a link made N days ago), never slept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from marketplace.config import ConfigError, load_config
from marketplace.db import utcnow
from marketplace.notifications import delivery
from tests.clients import app_session, post, text_of
from tests.integration.messaging.support import me

EXPIRED_TITLE = "Liên kết trong thư này không còn dùng được"
SIGN_IN = "Đăng nhập để đổi cách nhận thư"


def link_for(app, user, days_ago: float = 0) -> str:
    with app_session(app) as session:
        return delivery.settings_token(me(session, user), issued_at=utcnow() - timedelta(days=days_ago))


def choice_of(app, user) -> str:
    with app_session(app) as session:
        return me(session, user).mail_notifications


def assert_refused(app, user, token: str, status: int) -> str:
    """Every way of using the link is refused with `status` and the sign-in page; nothing changes."""
    client = app.test_client()  # Vietnamese, the default; not signed in
    before = choice_of(app, user)
    page = client.get(f"/mail-settings/{token}")
    assert page.status_code == status
    text = text_of(page)
    assert EXPIRED_TITLE in text and SIGN_IN in text and "Chưa có gì thay đổi." in text
    assert 'href="/login?next=/account"' in text or 'href="/login?next=%2Faccount"' in text
    assert post(client, f"/mail-settings/{token}", {"mail_notifications": "off"}).status_code == status
    assert client.post(f"/mail-settings/{token}/off", data={"List-Unsubscribe": "One-Click"}).status_code == status
    assert choice_of(app, user) == before
    return text


def test_a_fresh_link_works(app, people):
    token = link_for(app, people.chair)
    client = app.test_client()
    assert client.get(f"/mail-settings/{token}").status_code == 200
    assert post(client, f"/mail-settings/{token}", {"mail_notifications": "daily"}).status_code == 302
    assert choice_of(app, people.chair) == "daily"


def test_opening_the_unsubscribe_address_in_a_browser_shows_the_choices_and_changes_nothing(app, people):
    """Mail programs without RFC 8058 open List-Unsubscribe in a browser (a GET); link checkers
    and previews fetch it too. That shows the page; only the POST turns mail off."""
    token = link_for(app, people.chair)
    client = app.test_client()
    response = client.get(f"/mail-settings/{token}/off")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/mail-settings/{token}")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'data-testid="mail-off"' in page.get_data(as_text=True)
    assert choice_of(app, people.chair) == "instant"
    expired = link_for(app, people.chair, days_ago=100)
    assert client.get(f"/mail-settings/{expired}/off", follow_redirects=True).status_code == 410


def test_a_link_still_works_just_inside_its_age(app, people):
    token = link_for(app, people.chair, days_ago=90 - 1 / 24)
    response = app.test_client().post(f"/mail-settings/{token}/off", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert choice_of(app, people.chair) == "off"


def test_an_expired_link_asks_to_sign_in_and_changes_nothing(app, people):
    token = link_for(app, people.chair, days_ago=90 + 1 / 24)
    text = assert_refused(app, people.chair, token, 410)
    assert "trong 90 ngày" in text  # says why: how long links work
    assert people.chair.email not in text  # an old link does not show whose it was


def test_the_age_is_configured(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SETTINGS_LINK_MAX_AGE_DAYS", 7)
    assert app.test_client().get(f"/mail-settings/{link_for(app, people.chair, days_ago=6)}").status_code == 200
    text = assert_refused(app, people.chair, link_for(app, people.chair, days_ago=8), 410)
    assert "trong 7 ngày" in text


def tampered(token: str, part: int) -> str:
    """The token with the first character of one of its parts (payload, time, signature) changed.
    The first, because the last character of a base64 text may carry only padding bits: changing
    it can decode to the same bytes, and the "altered" link would then rightly be accepted."""
    pieces = token.split(".")
    piece = pieces[part]
    pieces[part] = ("A" if piece[0] != "A" else "B") + piece[1:]
    return ".".join(pieces)


@pytest.mark.parametrize("part", [0, 1, 2], ids=["payload", "time", "signature"])
def test_an_altered_link_is_not_ours(app, people, part):
    text = assert_refused(app, people.chair, tampered(link_for(app, people.chair), part), 404)
    assert "bị cắt bớt hoặc bị sửa" in text


def test_an_altered_old_link_is_not_ours_rather_than_old(app, people):
    """The signature is checked before the age: changing an old link's time does not make it
    'merely expired', and cannot make it young again."""
    old = link_for(app, people.chair, days_ago=200)
    assert_refused(app, people.chair, tampered(old, 1), 404)
    young_time = link_for(app, people.chair).split(".")[1]
    payload, _time, signature = old.split(".")
    assert_refused(app, people.chair, f"{payload}.{young_time}.{signature}", 404)


def test_a_link_signed_with_another_key_or_in_the_old_format_is_not_ours(app, people):
    payload = [people.chair.id, people.chair.email]
    other_key = URLSafeTimedSerializer("another-secret", salt="mail-settings").dumps(payload)
    assert_refused(app, people.chair, other_key, 404)
    # Links mailed before they could expire (no time in them) stop working.
    untimed = URLSafeSerializer(app.config["SECRET_KEY"], salt="mail-settings").dumps(payload)
    assert_refused(app, people.chair, untimed, 404)


@pytest.mark.parametrize("payload", [
    "hello", 42, [], [1], [True, "x@example.test"], ["1", "x@example.test"], [2**40, "x@example.test"],
    [-1, "x@example.test"], {"id": 1},
], ids=repr)
def test_a_signed_link_with_a_strange_payload_is_refused_not_a_crash(app, people, payload):
    """Only we can sign, but a mistake in what we sign must still not give a 500."""
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="mail-settings").dumps(payload)
    assert_refused(app, people.chair, token, 404)


@pytest.mark.parametrize("token", ["x", "a.b.c", "...", "x" * 3000, "%00", "WzEsIngiXQ.AAAAAA.AAAA"])
def test_junk_links_are_not_found(app, people, token):
    client = app.test_client()
    assert client.get(f"/mail-settings/{token}").status_code == 404
    assert client.post(f"/mail-settings/{token}/off").status_code == 404


def test_the_link_of_an_address_no_longer_the_accounts_is_refused(app, people):
    from tests.integration.messaging.support import set_user

    token = link_for(app, people.chair)
    set_user(app, people.chair, email="dia-chi-moi@example.test")
    assert_refused(app, people.chair, token, 404)


@pytest.mark.parametrize(("value", "days"), [(None, 90), ("30", 30), ("3650", 3650)])
def test_the_setting_is_read_from_the_environment(monkeypatch, value, days):
    if value is None:
        monkeypatch.delenv("MAIL_SETTINGS_LINK_MAX_AGE_DAYS", raising=False)
    else:
        monkeypatch.setenv("MAIL_SETTINGS_LINK_MAX_AGE_DAYS", value)
    assert load_config({"APP_ENV": "testing"})["MAIL_SETTINGS_LINK_MAX_AGE_DAYS"] == days


@pytest.mark.parametrize("value", ["0", "-5", "ninety", "1.5", "3651"])
def test_a_bad_setting_stops_start_up_with_its_name(monkeypatch, value):
    monkeypatch.setenv("MAIL_SETTINGS_LINK_MAX_AGE_DAYS", value)
    with pytest.raises(ConfigError, match="MAIL_SETTINGS_LINK_MAX_AGE_DAYS"):
        load_config({"APP_ENV": "testing"})

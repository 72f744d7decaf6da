"""Confirming the phone number Zalo and SMS notices go to, on the account page: a code sent
through the queue to the number as people write it, typed back; a wrong code, an expired one, too
many tries and too many sends are refused plainly; a number someone else has is refused; without a
configured notifier the page says so. And choosing channels per topic on the same page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.notifications import phone_delivery, views
from marketplace.notifications.models import NoticePreference, OutgoingMessage
from marketplace.notifications.notifier import FakeNotifier
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_club, make_user


@pytest.fixture
def phones(app, monkeypatch):
    fakes = {"zalo": FakeNotifier(), "sms": FakeNotifier()}
    monkeypatch.setitem(app.extensions, "notifiers", fakes)
    return fakes


@pytest.fixture
def chair(app):
    with app_session(app):
        return make_club(chair_name="Chủ nhiệm Sáu")[1]


def _user(app, user_id) -> User:
    with app_session(app) as session:
        return session.get(User, user_id)


def _code_sent(app, user_id) -> tuple[str, OutgoingMessage]:
    with app_session(app) as session:
        row = session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == user_id)
                              .order_by(OutgoingMessage.id.desc())).first()
        return re.search(r"\b(\d{6})\b", row.text).group(1), row


def test_a_number_typed_as_people_do_is_confirmed_with_the_code(app, chair, phones):
    browser = signed_in(app, chair, "en")
    sent = post(browser, "/account/phone", {"phone": "+84 912 345 678"})
    assert sent.status_code == 302
    code, row = _code_sent(app, chair.id)
    assert (row.channel, row.to, row.kind, row.template) == ("sms", "0912345678", "phone_code", "code")
    assert row.text.isascii() and len(row.text) <= 160
    page = text_of(browser.get("/account"))
    assert "091****678" in page and 'data-testid="confirm-phone"' in page
    done = post(browser, "/account/phone/confirm", {"code": f" {code[:3]} {code[3:]} "}, follow_redirects=True)
    assert "Your phone number is confirmed." in text_of(done)
    user = _user(app, chair.id)
    assert user.phone == "0912345678" and user.phone_confirmed_at is not None
    assert 'data-testid="phone-confirmed"' in text_of(browser.get("/account"))


def test_a_wrong_code_is_refused_and_the_number_not_changed(app, chair, phones):
    browser = signed_in(app, chair, "en")
    post(browser, "/account/phone", {"phone": "0912 345 678"})
    code, _row = _code_sent(app, chair.id)
    wrong = "000000" if code != "000000" else "111111"
    refused = post(browser, "/account/phone/confirm", {"code": wrong})
    assert refused.status_code == 422 and "That is not the code we sent." in text_of(refused)
    assert _user(app, chair.id).phone_confirmed_at is None
    # The right code still works after one wrong try.
    assert post(browser, "/account/phone/confirm", {"code": code}).status_code == 302
    assert _user(app, chair.id).phone == "0912345678"


def test_too_many_wrong_codes_need_a_new_one(app, chair, phones):
    browser = signed_in(app, chair, "en")
    post(browser, "/account/phone", {"phone": "0912345678"})
    code, _row = _code_sent(app, chair.id)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        last = post(browser, "/account/phone/confirm", {"code": wrong})
    assert "Too many wrong codes" in text_of(last)
    again = post(browser, "/account/phone/confirm", {"code": code})
    assert again.status_code == 422 and "Ask for a code first." in text_of(again)
    assert _user(app, chair.id).phone_confirmed_at is None


def test_an_expired_code_is_refused(app, chair, phones, monkeypatch):
    browser = signed_in(app, chair, "en")
    post(browser, "/account/phone", {"phone": "0912345678"})
    code, _row = _code_sent(app, chair.id)
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    refused = post(browser, "/account/phone/confirm", {"code": code})
    assert refused.status_code == 422 and "This code has expired" in text_of(refused)
    assert _user(app, chair.id).phone_confirmed_at is None


def test_sending_codes_is_rate_limited(app, chair, phones):
    browser = signed_in(app, chair, "en")
    answers = [post(browser, "/account/phone", {"phone": "0912345678"}).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    with app_session(app) as session:
        assert len(session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == chair.id)).all()) == 3


def test_trying_codes_is_rate_limited(app, chair, phones):
    browser = signed_in(app, chair, "en")
    post(browser, "/account/phone", {"phone": "0912345678"})
    answers = {post(browser, "/account/phone/confirm", {"code": "12"}).status_code for _ in range(11)}
    assert 429 in answers


def test_bad_and_taken_numbers_are_refused_with_what_was_typed_kept(app, chair, phones):
    with app_session(app):
        make_user("buyer", phone="0987654321")
    browser = signed_in(app, chair, "en")
    bad = post(browser, "/account/phone", {"phone": "12345"})
    assert bad.status_code == 422 and "Enter a Vietnamese phone number" in text_of(bad)
    assert 'value="12345"' in bad.get_data(as_text=True)
    taken = post(browser, "/account/phone", {"phone": "0987 654 321"})
    assert taken.status_code == 422 and "already exists" in text_of(taken)
    with app_session(app) as session:
        assert session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == chair.id)).all() == []


def test_without_a_notifier_the_page_says_so_and_nothing_is_queued(app, chair, monkeypatch):
    monkeypatch.setitem(app.extensions, "notifiers", {})
    browser = signed_in(app, chair, "en")
    page = text_of(browser.get("/account"))
    assert 'data-testid="phone-not-offered"' in page and 'value="zalo"' not in page
    refused = post(browser, "/account/phone", {"phone": "0912345678"})
    assert refused.status_code == 422 and "cannot send Zalo or SMS" in text_of(refused)
    with app_session(app) as session:
        assert session.scalars(select(OutgoingMessage)).all() == []


def test_choosing_channels_per_topic(app, chair, phones):
    browser = signed_in(app, chair, "en")
    page = text_of(browser.get("/account"))
    assert 'name="topic-orders" value="zalo"' in page and "Orders" in page
    saved = post(browser, "/account/notices", {"topic-orders": ["bell", "zalo"], "topic-messages": ["sms"]},
                 follow_redirects=True)
    assert saved.status_code == 200
    with app_session(app) as session:
        rows = {r.topic: r.channels for r in session.scalars(
            select(NoticePreference).where(NoticePreference.user_id == chair.id))}
    assert rows["orders"] == "bell;zalo" and rows["messages"] == "sms" and rows["offers"] == ""


def test_the_sections_read_in_vietnamese(app, chair, phones):
    page = text_of(signed_in(app, chair).get("/account"))
    assert "Nhận thông báo qua đâu" in page and "Số điện thoại nhận Zalo và SMS" in page
    assert "Đơn hàng" in page and "Trong ứng dụng" in page


def test_the_code_leaves_the_queue_once_sent(app, chair, phones):
    browser = signed_in(app, chair, "en")
    post(browser, "/account/phone", {"phone": "0912345678"})
    code, _row = _code_sent(app, chair.id)
    with app_session(app) as session:
        assert phone_delivery.deliver_due(session, commit=session.commit).sent == 1
        row = session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == chair.id)).one()
        assert row.sent_at is not None and code not in row.text and code not in row.params
    [sms] = phones["sms"].sent
    assert code in sms.text and sms.params == {"otp": code}
    assert post(browser, "/account/phone/confirm", {"code": code}).status_code == 302


def test_the_account_page_says_mail_ticks_do_nothing_while_mail_is_never(app, chair):
    browser = signed_in(app, chair)
    assert 'data-testid="mail-off"' not in text_of(browser.get("/account"))
    with app_session(app) as session:
        session.get(User, chair.id).mail_notifications = "off"
        session.commit()
    page = text_of(browser.get("/account"))
    assert 'data-testid="mail-off"' in page and "không bao giờ" in page

"""Zalo and SMS notices through the fake notifier: a chair who chose Zalo for orders gets the new
order through the worker; a provider that fails for a while is retried and then succeeds; one that
refuses for good is not retried; each user's choice is respected; nothing is queued when the site
has no keys; and what the worker checks again just before sending."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import worker
from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.demo import demo_email, load_demo
from marketplace.notifications import delivery, phone_delivery, preferences
from marketplace.notifications import services as notifications
from marketplace.notifications.models import NoticePreference, Notification, OutgoingMail, OutgoingMessage
from marketplace.notifications.notifier import FakeNotifier
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices as order_notices
from tests.factories import make_listing, make_market


@pytest.fixture
def phones(app, monkeypatch):
    """The site has Zalo and SMS (fakes that keep what they are given)."""
    fakes = {"zalo": FakeNotifier(), "sms": FakeNotifier()}
    monkeypatch.setitem(app.extensions, "notifiers", fakes)
    return fakes


@pytest.fixture
def market(session):
    market = make_market("Hội quán Xoài Mỹ Xương", "HTX Mỹ Xương")
    market.tonnes = make_listing(market.club, quantity="10", unit="tấn", price_vnd="45000", min_order="1",
                                 variety="cát Chu")
    market.seller.phone, market.seller.phone_confirmed_at = "0912345678", utcnow()
    session.commit()
    return market


def _choose(session, user, **topics) -> None:
    preferences.save(session, user, {topic: set(channels) for topic, channels in topics.items()})
    session.commit()


def _order(session, market) -> None:
    orders.place_order(session, market.tonnes.id, market.buyer_org, market.buyer, "2", today=today_in_vietnam())
    session.commit()
    order_notices.send_notices(session)
    session.commit()


def _deliver(session, now=None):
    return phone_delivery.deliver_due(session, now, commit=session.commit)


def _rows(session, user) -> list[OutgoingMessage]:
    return list(session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == user.id)
                                .order_by(OutgoingMessage.id)))


def test_a_chair_who_chose_zalo_for_orders_gets_the_new_order_on_zalo(session, market, phones):
    _choose(session, market.seller, orders={"bell", "zalo"})
    _order(session, market)
    report = _deliver(session)
    assert report.sent == 1
    [sent] = phones["zalo"].sent
    assert sent.to == "0912345678" and sent.template == "order"
    assert sent.params["status"] == "Đơn hàng mới" and sent.params["product"] == "Xoài cát Chu"
    assert sent.params["quantity"] == "2 tấn"
    assert all(len(value) <= 200 for value in sent.params.values())
    [row] = _rows(session, market.seller)
    assert row.sent_at is not None and row.provider_id == "fake-1" and row.kind == "order_new"
    assert row.text.startswith("Don hang moi #") and "2 tan xoai cat Chu tu HTX My Xuong" in row.text
    assert len(row.text) <= 160 and row.text.isascii()
    assert phones["sms"].sent == []  # not chosen
    # The bell still rings, as chosen.
    assert session.scalar(select(Notification).where(Notification.user_id == market.seller.id))
    assert _deliver(session).sent == 0  # never twice


def test_sms_carries_the_order_without_marks(session, market, phones):
    _choose(session, market.seller, orders={"sms"})
    _order(session, market)
    _deliver(session)
    [sms] = phones["sms"].sent
    assert sms.text.isascii() and len(sms.text) <= 160 and "/orders/" in sms.text
    # Neither the bell nor mail was chosen for orders.
    assert session.scalar(select(Notification).where(Notification.user_id == market.seller.id)) is None


def test_a_failing_provider_is_retried_with_growing_delays_then_succeeds(session, market, phones):
    _choose(session, market.seller, orders={"zalo"})
    _order(session, market)
    phones["zalo"].fail(2)
    start = utcnow()
    first = _deliver(session, start)
    assert (first.sent, first.failed) == (0, 1)
    [row] = _rows(session, market.seller)
    assert row.next_attempt_at.replace(tzinfo=start.tzinfo) == start + timedelta(minutes=1)
    assert "fake" in row.last_error and "0912345678" not in row.last_error
    assert _deliver(session, start + timedelta(seconds=30)).failed == 0  # not due yet
    second = _deliver(session, start + timedelta(minutes=2))
    assert second.failed == 1
    session.refresh(row)
    assert row.next_attempt_at.replace(tzinfo=start.tzinfo) == start + timedelta(minutes=2 + 5)
    third = _deliver(session, start + timedelta(minutes=8))
    assert third.sent == 1 and len(phones["zalo"].sent) == 1
    session.refresh(row)
    assert row.attempts == 3 and row.sent_at is not None


def test_a_refusal_for_good_is_not_retried(session, market, phones):
    _choose(session, market.seller, orders={"zalo"})
    _order(session, market)
    phones["zalo"].fail(1, permanent=True)
    assert _deliver(session).given_up == 1
    [row] = _rows(session, market.seller)
    assert row.failed_at is not None and row.attempts == 1
    assert _deliver(session, utcnow() + timedelta(days=1)).sent == 0 and phones["zalo"].tries == 1


def test_after_the_last_retry_it_is_given_up(session, market, phones):
    _choose(session, market.seller, orders={"zalo"})
    _order(session, market)
    phones["zalo"].fail(100)
    moment = utcnow()
    for _ in range(10):
        _deliver(session, moment)
        moment += timedelta(hours=5)
    [row] = _rows(session, market.seller)
    assert row.failed_at is not None and row.attempts == 6 and phones["zalo"].tries == 6


def test_bell_only_sends_nothing_to_the_phone(session, market, phones):
    _choose(session, market.seller, orders={"bell"})
    _order(session, market)
    assert _rows(session, market.seller) == []
    assert session.scalar(select(Notification).where(Notification.user_id == market.seller.id))


def test_by_default_nothing_goes_to_the_phone(session, market, phones):
    _order(session, market)
    assert _rows(session, market.seller) == []


def test_an_unconfirmed_number_gets_nothing(session, market, phones):
    _choose(session, market.seller, orders={"zalo", "sms"})
    market.seller.phone_confirmed_at = None
    session.commit()
    _order(session, market)
    assert _rows(session, market.seller) == []


def test_nothing_is_queued_without_keys(session, market, app, monkeypatch):
    monkeypatch.setitem(app.extensions, "notifiers", {})
    # A choice saved while the site had Zalo (or written by hand) is not acted on.
    session.add(NoticePreference(user_id=market.seller.id, topic="orders", channels="bell;zalo;sms"))
    session.commit()
    _order(session, market)
    assert _rows(session, market.seller) == []
    assert preferences.offered_channels() == ("bell", "mail")


def test_saving_drops_channels_the_site_cannot_send(session, market, app, monkeypatch):
    monkeypatch.setitem(app.extensions, "notifiers", {})
    _choose(session, market.seller, orders={"bell", "zalo", "fax"})
    assert preferences.channels_for(session, market.seller, "orders") == {"bell"}


def test_saving_twice_keeps_one_row_per_topic(session, market, phones):
    _choose(session, market.seller, orders={"zalo"}, offers={"sms", "mail"})
    _choose(session, market.seller, orders={"sms"})
    rows = session.scalars(select(NoticePreference).where(NoticePreference.user_id == market.seller.id)).all()
    assert sorted((r.topic, r.channels) for r in rows) == [("offers", "mail;sms"), ("orders", "sms")]


@pytest.mark.parametrize("change, reason", [
    ("choice", "channel no longer chosen"),
    ("phone", "phone number changed or not confirmed"),
    ("closed", "account closed"),
])
def test_the_worker_asks_again_before_sending(session, market, phones, change, reason):
    _choose(session, market.seller, orders={"zalo"})
    _order(session, market)
    if change == "choice":
        _choose(session, market.seller, orders={"bell"})
    elif change == "phone":
        market.seller.phone = "0987654321"  # a new number is not confirmed
        assert market.seller.phone_confirmed_at is None
    else:
        market.seller.active = False
    session.commit()
    report = _deliver(session)
    assert report.dropped == 1 and phones["zalo"].sent == []
    [row] = _rows(session, market.seller)
    assert row.failed_at is not None and row.last_error == f"dropped: {reason}"


def test_other_topics_use_the_notice_template_within_limits(session, market, phones):
    _choose(session, market.seller, messages={"zalo"})
    notifications.notify(session, [market.seller], notifications.Message(
        "message", {"org": "HTX Mỹ Xương", "subject": "Xoài " * 40, "excerpt": "Còn hàng không? " * 30},
        "/inbox/1"))
    session.commit()
    [row] = _rows(session, market.seller)
    params = json.loads(row.params)
    assert row.template == "notice" and params["topic"] == "Tin nhắn"
    assert len(params["content"]) <= 200 and len(params["customer_name"]) <= 30
    assert len(row.text) <= 160


def test_the_worker_job_sends_them(app, session, market, phones):
    assert "zalo and sms" in worker.jobs(app)
    _choose(session, market.seller, orders={"zalo"})
    _order(session, market)
    worker.jobs(app)["zalo and sms"].run()
    assert len(phones["zalo"].sent) == 1


def test_the_daily_digest_leaves_out_topics_not_wanted_by_mail(session, market, phones):
    market.seller.mail_notifications = "daily"
    session.commit()
    _choose(session, market.seller, orders={"bell"}, messages={"bell", "mail"})
    _order(session, market)
    notifications.notify(session, [market.seller], notifications.Message(
        "message", {"org": "HTX Mỹ Xương", "subject": "Xoài", "excerpt": "Còn hàng không?"}, "/inbox/1"))
    session.commit()
    assert delivery.send_digests(session, utcnow() + timedelta(minutes=5)) == 1
    [digest] = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == market.seller.id,
                                                          OutgoingMail.kind == "digest")).all()
    assert "/inbox/1" in digest.body and "/orders/" not in digest.body


def test_the_demo_chair_hears_of_orders_on_zalo(app, session, phones):
    load_demo(session, "demo-password-long-enough")
    session.commit()
    chair = session.scalar(select(User).where(User.email == demo_email("chunhiem.myxuong")))
    assert chair.phone_confirmed_at is not None
    assert preferences.channels_for(session, chair, "orders") == {"bell", "mail", "zalo"}


def test_messages_without_the_bell_send_one_mail_zalo_and_sms_per_thread_not_per_message(session, market, phones):
    """No unread bell notice to stand for the thread: the earlier mail or phone message does, while
    it waits to go or went out less than six hours ago."""
    market.seller.mail_notifications = "instant"
    session.commit()
    _choose(session, market.seller, messages={"zalo", "sms", "mail"})

    def chat(url: str, excerpt: str) -> None:
        notifications.notify(session, [market.seller], notifications.Message(
            "message", {"org": "HTX Mỹ Xương", "subject": "Xoài", "excerpt": excerpt}, url), coalesce=True)
        session.commit()

    def counts() -> tuple[int, int]:
        mails = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == market.seller.id,
                                                           OutgoingMail.kind == "notice")).all()
        return len(_rows(session, market.seller)), len(mails)

    chat("/inbox/1", "Còn hàng không?")
    chat("/inbox/1", "Giá bao nhiêu?")
    chat("/inbox/1", "Giao thứ mấy?")
    assert counts() == (2, 1)  # one Zalo, one SMS, one mail for the thread
    chat("/inbox/11", "Hỏi chuyện khác")  # another thread (its link starts the same way)
    assert counts() == (4, 2)

    for row in _rows(session, market.seller):  # went out an hour ago: still quiet
        row.sent_at = utcnow() - timedelta(hours=1)
    for mail in session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == market.seller.id)):
        mail.sent_at = utcnow() - timedelta(hours=1)
    session.commit()
    chat("/inbox/1", "Còn đó không?")
    assert counts() == (4, 2)

    for row in _rows(session, market.seller):  # seven hours on: the next message is told again
        row.sent_at = utcnow() - timedelta(hours=7)
    for mail in session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == market.seller.id)):
        mail.sent_at = utcnow() - timedelta(hours=7)
    session.commit()
    chat("/inbox/1", "Trả lời giúp nhé")
    assert counts() == (6, 3)


def test_a_daily_digest_reader_who_ticked_only_mail_hears_of_it_in_the_summary(session, market, phones):
    market.seller.mail_notifications = "daily"
    session.commit()
    _choose(session, market.seller, messages={"mail"})  # not the bell
    notifications.notify(session, [market.seller], notifications.Message(
        "message", {"org": "HTX Mỹ Xương", "subject": "Xoài", "excerpt": "Còn hàng không?"}, "/inbox/7"))
    session.commit()
    assert delivery.send_digests(session, utcnow() + timedelta(minutes=5)) == 1
    [digest] = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == market.seller.id,
                                                          OutgoingMail.kind == "digest")).all()
    assert "/inbox/7" in digest.body

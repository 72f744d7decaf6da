"""Mail about messages and offers: queued in the page's transaction for those who chose instant mail
and have an address, in their language, with a link to the thread, a one-click link to change the
choice and the List-Unsubscribe headers; sent only by the worker (delivery.deliver_due), retried
with growing delays when the mail server fails, given up after the last retry, never sent twice.
The daily digest with a fake clock, and the one-click mail settings page."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from itsdangerous import URLSafeSerializer
from sqlalchemy import event, select, update

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.notifications import delivery, rules
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.notifications.presentation import describe
from tests.clients import app_session, post, text_of
from tests.factories import make_demand, make_offer, make_user
from tests.integration.messaging.support import browser, me, notices, queued, say, set_user

FIRST = "Chào anh, còn 2 tấn xoài không?"


class FailingMailer:
    """A mail server that is down."""

    def __init__(self) -> None:
        self.tries = 0

    def send(self, mail) -> None:
        self.tries += 1
        raise OSError("connection refused")


@pytest.fixture
def failing_mailer(app, monkeypatch, outbox):
    """The mail server is down (the memory outbox is taken first, so `outbox` still reads it)."""
    mailer = FailingMailer()
    monkeypatch.setitem(app.extensions, "mailer", mailer)
    return mailer


@pytest.fixture
def english_chair(app, people):
    """The club's chair reads in English and wants mail as it comes; the other seller wants none."""
    set_user(app, people.chair, locale="en")
    set_user(app, people.seller2, mail_notifications="off")
    return people.chair


# -- a new message ------------------------------------------------------------------------------------

def test_a_new_message_queues_mail_for_those_who_want_it_and_sends_nothing_yet(app, people, english_chair, outbox):
    with app_session(app):
        phone_only = make_user("seller", people.club, phone="0912345678", name="Không có thư")
    client = browser(app, people.buyer)
    response = post(client, "/conversations/new", {"listing_id": people.listing.id, "body": FIRST})
    assert response.status_code == 302
    assert outbox == []  # the page never waits on the mail server
    with app_session(app) as session:
        [mail] = queued(session)
        conversation_id = int(response.headers["Location"].split("/inbox/")[1].split("#")[0])
        subject = session.get(type(people.listing), people.listing.id).title
        assert mail.user_id == people.chair.id and mail.to == people.chair.email
        assert mail.kind == "notice" and mail.sent_at is None and mail.attempts == 0
        assert mail.subject == f"New message from {people.buyer_org.name}: {subject}"
        assert f"{people.buyer_org.name} wrote about “{subject}”:" in mail.body
        assert FIRST in mail.body
        assert f"/inbox/{conversation_id}" in mail.body
        # The link carries the moment it was made, so read it from the mail (a token made here a
        # second later would differ) and check whom it speaks for.
        [token] = re.findall(r"/mail-settings/([^/\s]+)", mail.body)
        assert delivery.user_for_token(session, token).id == people.chair.id
        headers = json.loads(mail.headers)
        assert headers["List-Unsubscribe"].endswith(f"/mail-settings/{token}/off>")
        assert headers["List-Unsubscribe"].startswith("<http")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Everyone on the club's side is told in the app, mail or not.
        for user in (people.chair, people.seller2, phone_only):
            assert len(notices(session, user, "message")) == 1
        assert queued(session, phone_only) == [] and queued(session, people.seller2) == []
        report = delivery.deliver_due(session, utcnow() + timedelta(seconds=1), commit=session.commit)
        assert (report.sent, report.failed, report.given_up) == (1, 0, 0)
        assert queued(session)[0].sent_at is not None and queued(session)[0].attempts == 1
    [sent] = outbox
    assert sent.to == people.chair.email and sent.subject.startswith("New message from")
    assert dict(sent.headers)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/inbox/{conversation_id}" in sent.body


def test_mail_is_written_in_the_readers_language(app, people, thread):
    """The buyer reads in English; the club's chair in Vietnamese: each mail in its reader's language."""
    set_user(app, people.buyer, locale="en")
    set_user(app, people.buyer2, mail_notifications="off")
    client = browser(app, people.chair, lang="vi")
    assert post(client, f"/inbox/{thread.id}/messages", {"body": "Còn anh ạ"}).status_code == 302
    with app_session(app) as session:
        [mail] = queued(session, people.buyer)
        assert mail.subject == f"New message from {people.club.name}: {thread.subject}"
        with force_locale("vi"):
            vietnamese = gettext("New message from %(org)s: %(subject)s", org=people.buyer_org.name,
                                     subject=thread.subject)
        [to_chair] = queued(session, people.chair)  # the buyer's first message, in Vietnamese
        assert to_chair.subject == vietnamese


def test_one_mail_per_unread_thread(app, people, thread):
    say(app, people.buyer, thread.id, "Tin thứ hai")
    with app_session(app) as session:
        assert len(queued(session, people.chair)) == 1 and len(queued(session, people.seller2)) == 1
    browser(app, people.chair).get(f"/inbox/{thread.id}")
    say(app, people.buyer, thread.id, "Tin thứ ba")
    with app_session(app) as session:
        assert len(queued(session, people.chair)) == 2  # read in between: told again
        assert len(queued(session, people.seller2)) == 1


def test_nobody_is_mailed_about_their_own_sides_messages(app, people, thread):
    with app_session(app) as session:
        assert queued(session, people.buyer) == [] and queued(session, people.buyer2) == []
        assert {m.user_id for m in queued(session)} == {people.chair.id, people.seller2.id}


def test_a_new_offer_tells_the_buyers_members(app, people):
    set_user(app, people.buyer, locale="en")
    set_user(app, people.buyer2, mail_notifications="off")
    with app_session(app) as session:
        demand = make_demand(people.buyer_org, "xoài", user=me(session, people.buyer))
        offer = make_offer(demand, people.club, "2", user=me(session, people.chair))
        url = f"/demand/{demand.id}#offer-{offer.id}"
        for user in (people.buyer, people.buyer2):
            assert [(n.kind, n.url) for n in notices(session, user)] == [("offer", url)]
        for user in (people.chair, people.seller2, people.other_buyer):
            assert notices(session, user) == []
        [mail] = queued(session)
        assert mail.user_id == people.buyer.id
        params = json.loads(notices(session, people.buyer)[0].params)
        with force_locale("en"):
            text = describe("offer", params)
        assert text.startswith(f"{people.club.name} offers 2") and f"“{demand.title_en}”" in text  # named in English for an English reader
        assert mail.subject == text
        assert url in mail.body
    page = text_of(browser(app, people.buyer).get("/notifications"))
    assert f"{people.club.name} offers 2" in page


# -- sending, retrying, giving up ------------------------------------------------------------------------

def test_a_failing_mail_server_is_retried_with_growing_delays_then_given_up(app, people, thread, failing_mailer,
                                                                             outbox, caplog):
    caplog.set_level(logging.WARNING, logger="marketplace.notifications.delivery")
    with app_session(app) as session:
        mail_id = queued(session, people.chair)[0].id
        now = utcnow() + timedelta(seconds=1)
        failures = 0
        for attempt, delay in enumerate(rules.RETRY_DELAYS, start=1):
            report = delivery.deliver_due(session, now, commit=session.commit)  # never raises
            failures += 1
            assert report.failed == 2 and report.sent == 0  # the chair's and the other seller's mail
            mail = session.get(OutgoingMail, mail_id)
            assert mail.attempts == attempt and mail.failed_at is None and mail.sent_at is None
            assert mail.last_error == "OSError: connection refused"
            assert _aware(mail.next_attempt_at) == now + delay
            # Not due before its time.
            assert delivery.deliver_due(session, now + delay - timedelta(seconds=1), commit=session.commit).failed == 0
            now += delay
        report = delivery.deliver_due(session, now, commit=session.commit)
        assert (report.failed, report.given_up) == (0, 2)
        mail = session.get(OutgoingMail, mail_id)
        assert mail.attempts == len(rules.RETRY_DELAYS) + 1 and _aware(mail.failed_at) == now
        # Given up: never tried again.
        assert delivery.deliver_due(session, now + timedelta(days=7), commit=session.commit).given_up == 0
    assert failing_mailer.tries == 2 * (len(rules.RETRY_DELAYS) + 1)
    assert outbox == []
    assert any("retrying" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    given_up = [r for r in caplog.records if r.levelno == logging.ERROR and "given up" in r.getMessage()]
    assert len(given_up) == 2
    assert FIRST not in caplog.text  # the mail's text stays out of the log


def test_a_mail_that_failed_is_sent_when_the_server_is_back(app, people, thread, failing_mailer, monkeypatch,
                                                           outbox):
    with app_session(app) as session:
        now = utcnow() + timedelta(seconds=1)
        assert delivery.deliver_due(session, now, commit=session.commit).failed == 2
        monkeypatch.setitem(app.extensions, "mailer", outbox_mailer(outbox))
        assert delivery.deliver_due(session, now + timedelta(seconds=30), commit=session.commit).sent == 0  # not yet due
        report = delivery.deliver_due(session, now + rules.RETRY_DELAYS[0], commit=session.commit)
        assert report.sent == 2
        assert {m.attempts for m in queued(session)} == {2}
    assert sorted(m.to for m in outbox) == sorted([people.chair.email, people.seller2.email])


def outbox_mailer(outbox):
    class Collect:
        def send(self, mail) -> None:
            outbox.append(mail)
    return Collect()


def test_two_workers_cannot_both_send_one_mail(app, people, thread, outbox):
    with app_session(app) as session:
        now = utcnow() + timedelta(seconds=1)
        first = delivery.claim_due(session, now)
        assert len(first) == 2
        assert delivery.claim_due(session, now) == []  # the second worker finds them claimed
        session.commit()
        assert delivery.deliver_due(session, now + timedelta(minutes=1), commit=session.commit).sent == 0  # still claimed
        report = delivery.send_claimed(session, first, now)
        session.commit()
        assert report.sent == 2
        assert delivery.send_claimed(session, first, now).sent == 0  # sent already: skipped
        assert delivery.deliver_due(session, now + timedelta(hours=1), commit=session.commit).sent == 0
    assert len(outbox) == 2


def test_a_claim_left_by_a_dead_worker_expires(app, people, thread, outbox):
    with app_session(app) as session:
        now = utcnow() + timedelta(seconds=1)
        assert len(delivery.claim_due(session, now)) == 2
        session.commit()  # ... and the worker died before sending
        assert delivery.deliver_due(session, now + delivery.CLAIM_FOR - timedelta(seconds=1), commit=session.commit).sent == 0
        assert delivery.deliver_due(session, now + delivery.CLAIM_FOR + timedelta(seconds=1), commit=session.commit).sent == 2
    assert len(outbox) == 2


@pytest.mark.parametrize("meanwhile", ["failed", "given_up", "sent"])
def test_a_mail_another_worker_handled_meanwhile_is_not_claimed(app, people, thread, meanwhile):
    """Between a worker's look for due mail and its claim, another worker sends the mail, fails
    (and schedules a retry) or gives up on it: the late claim must not take it."""
    with app_session(app) as session:
        now = utcnow() + timedelta(seconds=1)
        ids = [m.id for m in queued(session)]
        changes = {"failed": {"next_attempt_at": now + rules.RETRY_DELAYS[0], "attempts": 1},
                   "given_up": {"failed_at": now, "attempts": len(rules.RETRY_DELAYS) + 1},
                   "sent": {"sent_at": now, "attempts": 1}}[meanwhile]
        done = []

        def other_worker(state):
            if state.is_update and not done:
                done.append(True)
                state.session.execute(update(OutgoingMail).where(OutgoingMail.id.in_(ids))
                                      .values(claimed_until=None, **changes))

        event.listen(session, "do_orm_execute", other_worker)
        try:
            assert delivery.claim_due(session, now) == []
        finally:
            event.remove(session, "do_orm_execute", other_worker)
        assert done


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- the daily digest ---------------------------------------------------------------------------------------

# 07:05 in Việt Nam on 30 November 2026 (UTC+7, no daylight saving).
YESTERDAY_DIGEST = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)


def notice_at(session, user, when: datetime, text: str, url: str = "/inbox/1") -> Notification:
    """A message notice for user, created at `when` (a daily reader gets no mail for it)."""
    params = {"org": "Siêu thị", "subject": "Xoài", "excerpt": text}
    assert notifications.notify(session, [me(session, user)], notifications.Message("message", params, url)) == 1
    notice = notices(session, user)[-1]
    notice.created_at = when
    session.commit()
    return notice


@pytest.fixture
def daily(app, people):
    """The chair reads in English, wants one mail a day, and got the last one at 07:05 on 30/11."""
    set_user(app, people.chair, locale="en", mail_notifications="daily", digest_sent_at=YESTERDAY_DIGEST)
    return people.chair


def test_the_daily_digest_comes_once_after_seven_in_vietnam(app, people, daily):
    with app_session(app) as session:
        first = notice_at(session, daily, datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "Hỏi giá", "/inbox/11")
        second = notice_at(session, daily, datetime(2026, 11, 30, 14, 0, tzinfo=UTC), "Hỏi hàng", "/inbox/12")
        assert queued(session) == []  # nothing mailed as it came
        # 06:59 on 1 December in Việt Nam: not yet.
        assert delivery.send_digests(session, datetime(2026, 11, 30, 23, 59, tzinfo=UTC)) == 0
        assert queued(session) == []
        # 07:05: exactly one digest, in English, listing both notices with their links.
        now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
        assert delivery.send_digests(session, now) == 1
        session.commit()
        [digest] = queued(session, daily)
        assert digest.kind == "digest"
        assert digest.subject == "Chợ Hội Quán: 2 new since yesterday"
        with force_locale("en"):
            for notice in (first, second):
                assert describe(notice.kind, notice.params) in digest.body
        assert digest.body.index("/inbox/11") < digest.body.index("/inbox/12")
        assert "/mail-settings/" in digest.body and json.loads(digest.headers)["List-Unsubscribe"]
        assert _aware(session.get(User, daily.id).digest_sent_at) == now
        # Again the same day: nothing more.
        assert delivery.send_digests(session, datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == 0
        assert delivery.send_digests(session, datetime(2026, 12, 1, 16, 59, tzinfo=UTC)) == 0  # 23:59 local
        # The next day: only what is new.
        third = notice_at(session, daily, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "Hỏi lần ba", "/inbox/13")
        assert delivery.send_digests(session, datetime(2026, 12, 1, 23, 0, tzinfo=UTC)) == 0  # 06:00 local
        assert delivery.send_digests(session, datetime(2026, 12, 2, 0, 0, tzinfo=UTC)) == 1  # 07:00 sharp
        session.commit()
        latest = queued(session, daily, "digest")[-1]
        assert latest.subject == "Chợ Hội Quán: 1 new since yesterday"
        assert "/inbox/13" in latest.body and "/inbox/11" not in latest.body and "/inbox/12" not in latest.body
        with force_locale("en"):
            assert describe(third.kind, third.params) in latest.body
        assert len(queued(session, daily)) == 2


def test_read_notices_are_left_out_and_no_notice_means_no_mail(app, people, daily):
    with app_session(app) as session:
        read = notice_at(session, daily, datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "Đã đọc", "/inbox/21")
        unread = notice_at(session, daily, datetime(2026, 11, 30, 4, 0, tzinfo=UTC), "Chưa đọc", "/inbox/22")
        notifications.mark_read(session, read)
        session.commit()
        assert delivery.send_digests(session, datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == 1
        [digest] = queued(session, daily)
        assert "/inbox/22" in digest.body and "/inbox/21" not in digest.body
        assert digest.subject == "Chợ Hội Quán: 1 new since yesterday"
        assert unread.read_at is None
        # The next day nothing new: no mail at all.
        assert delivery.send_digests(session, datetime(2026, 12, 2, 0, 5, tzinfo=UTC)) == 0
        session.commit()
        assert len(queued(session, daily)) == 1


def test_a_digest_goes_only_to_daily_readers_with_an_address(app, people, daily):
    set_user(app, people.seller2, mail_notifications="daily", email=None, phone="0911222333",
             digest_sent_at=YESTERDAY_DIGEST)
    with app_session(app) as session:
        when = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
        for user in (people.seller2, people.buyer, people.buyer2):  # no address; instant; instant
            notice_at(session, user, when, "Tin")
        notice_at(session, daily, when, "Tin")
        assert {m.user_id for m in queued(session)} == {people.buyer.id, people.buyer2.id}  # instant ones
        assert delivery.send_digests(session, datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == 1
        assert [m.user_id for m in queued(session, kind="digest")] == [daily.id]


def test_digests_are_sent_by_the_worker_like_any_mail(app, people, daily, outbox):
    with app_session(app) as session:
        notice_at(session, daily, datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "Tin")
        now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
        assert delivery.send_digests(session, now) == 1
        session.commit()
        assert outbox == []
        # Queued "now" by the real clock; the worker sends what is due by then.
        assert delivery.deliver_due(session, max(now, utcnow()) + timedelta(seconds=1), commit=session.commit).sent == 1
    assert [m.subject for m in outbox] == ["Chợ Hội Quán: 1 new since yesterday"]


# -- the one-click mail choice ----------------------------------------------------------------------------

def token_for(app, user) -> str:
    with app_session(app) as session:
        return delivery.settings_token(me(session, user))


def choice_of(app, user) -> str:
    with app_session(app) as session:
        return me(session, user).mail_notifications


def test_the_mail_settings_page_shows_and_changes_the_choice_without_signing_in(app, people):
    token = token_for(app, people.chair)
    client = browser(app)  # not signed in: the link in the mail is the proof
    page = client.get(f"/mail-settings/{token}")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Mail for {people.chair.email} comes as it happens." in text
    assert 'data-testid="mail-instant"' in text and 'aria-pressed="true"' in text
    response = post(client, f"/mail-settings/{token}", {"mail_notifications": "daily"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/mail-settings/{token}")
    assert choice_of(app, people.chair) == "daily"
    assert f"Mail for {people.chair.email} comes once a day." in text_of(client.get(f"/mail-settings/{token}"))
    # Without the page's CSRF token the form is refused.
    response = client.post(f"/mail-settings/{token}", data={"mail_notifications": "off"})
    assert response.status_code == 400
    assert choice_of(app, people.chair) == "daily"
    # An unknown choice is refused.
    assert post(client, f"/mail-settings/{token}", {"mail_notifications": "hourly"}).status_code == 422
    assert choice_of(app, people.chair) == "daily"


def test_one_click_unsubscribe_needs_no_csrf_token(app, people):
    token = token_for(app, people.chair)
    client = app.test_client()  # a mail program: no page, no cookie, no CSRF token
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.post(f"/mail-settings/{forged}/off").status_code == 404
    assert choice_of(app, people.chair) == "instant"
    response = client.post(f"/mail-settings/{token}/off", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert choice_of(app, people.chair) == "off"
    assert choice_of(app, people.seller2) == "instant"
    set_user(app, people.seller2, email="new-address@example.test")
    assert client.post(f"/mail-settings/{token_for(app, people.chair)}/off").status_code == 200


def test_a_forged_or_stale_token_is_not_found(app, people):
    token = token_for(app, people.chair)
    client = browser(app)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.get(f"/mail-settings/{forged}").status_code == 404
    assert post(client, f"/mail-settings/{forged}", {"mail_notifications": "off"}).status_code == 404
    other_key = URLSafeSerializer("another-secret", salt="mail-settings").dumps([people.chair.id, people.chair.email])
    assert client.get(f"/mail-settings/{other_key}").status_code == 404
    # The address changed: the old link no longer works, the new one does.
    set_user(app, people.chair, email="new-address@example.test")
    assert client.get(f"/mail-settings/{token}").status_code == 404
    assert post(client, f"/mail-settings/{token}", {"mail_notifications": "off"}).status_code == 404
    assert choice_of(app, people.chair) == "instant"
    assert client.get(f"/mail-settings/{token_for(app, people.chair)}").status_code == 200
    # Someone else's token does not change this user's choice.
    assert post(client, f"/mail-settings/{token_for(app, people.seller2)}", {"mail_notifications": "off"}) \
        .status_code == 302
    assert choice_of(app, people.chair) == "instant" and choice_of(app, people.seller2) == "off"


def test_every_queued_mail_carries_the_readers_own_link(app, people, thread):
    with app_session(app) as session:
        for mail in queued(session):
            # Read the link from the mail: a token made here a second later would carry another time.
            [token] = re.findall(r"/mail-settings/([^/\s]+)", mail.body)
            assert delivery.user_for_token(session, token).id == mail.user_id
        assert len({m.body.split("/mail-settings/")[1] for m in queued(session)}) == 2


def test_staff_do_not_get_mail_about_threads_they_read(app, people, thread):
    browser(app, people.staff).get(f"/inbox/{thread.id}")
    with app_session(app) as session:
        assert notices(session, people.staff) == [] and queued(session, people.staff) == []
        assert session.scalar(select(Notification).where(Notification.user_id == people.admin.id)) is None

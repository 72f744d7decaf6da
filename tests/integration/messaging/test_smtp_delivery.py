"""Mail for real (issue #14): a local SMTP server (aiosmtpd, tests/mailserver.py) receives what
SmtpMailer sends, and the tests read what arrived — the envelope, the headers as written on the
wire and decoded, the body — and what the worker recorded on the outgoing_mail row when the
server accepted, refused for now (451), refused for good (550) or was not there at all.
"""

from __future__ import annotations

import json
import re
import smtplib
import socket
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
import trustme
from flask_babel import force_locale
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.mail import Mail, SmtpMailer, is_permanent, make_mailer
from marketplace.notifications import delivery, rules
from marketplace.notifications.models import OutgoingMail
from marketplace.orders import lifecycle as orders
from tests.clients import app_session, post
from tests.integration.messaging.support import BUYER_ORG, me, queued, set_user, start_thread
from tests.mailserver import running_smtp_server

SENDER_ADDRESS = "no-reply@chohoiquan.local"


@pytest.fixture
def smtp_server():
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_mail(app, monkeypatch, smtp_server):
    """The app sends through the local SMTP server, built from a MAIL_URL as in production."""
    mailer = make_mailer(smtp_server.url, app.config["MAIL_FROM"])
    assert isinstance(mailer, SmtpMailer)
    monkeypatch.setitem(app.extensions, "mailer", mailer)
    return smtp_server


def raw_headers(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def raw_header(data: bytes, name: str) -> bytes:
    """A header as written on the wire, folded lines joined."""
    match = re.search(rb"^" + name.encode() + rb": (.*?)\r\n(?! )", raw_headers(data) + b"\r\n", re.M | re.S)
    assert match, name
    return match.group(1)


def local_path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def chair_only(app, people):
    """Only the club's chair wants mail (the other seller chose none)."""
    set_user(app, people.seller2, mail_notifications="off")
    return people.chair


# -- what arrives ---------------------------------------------------------------------------------------

def test_a_new_order_notice_arrives_as_the_worker_sends_it(app, people, chair_only, smtp_mail):
    """A buyer orders; one `marketplace worker --once` round writes the notice and sends it: the
    server gets a message whose every header is ASCII on the wire and decodes to the Vietnamese
    text stored on the row, with a Date, a Message-ID and the RFC 8058 headers."""
    with app_session(app) as session:
        order = orders.place_order(session, people.listing.id, session.get(type(people.buyer_org), people.buyer_org.id),
                                   me(session, people.buyer), "2", today=today_in_vietnam())
        session.commit()
        order_ref = order.ref
    before = datetime.now(UTC).replace(microsecond=0)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    after = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    assert "mail: 0 digests queued, 1 sent, 0 to retry, 0 given up" in result.output

    [received] = smtp_mail.handler.received
    with app_session(app) as session:
        [row] = queued(session, people.chair)
        assert row.sent_at is not None and row.attempts == 1 and row.failed_at is None and row.last_error == ""
        key = delivery.message_key(row)
        subject, body, stored_headers = row.subject, row.body, json.loads(row.headers)
    # The envelope.
    assert received.mail_from == SENDER_ADDRESS
    assert received.recipients == [people.chair.email]
    assert not any(option.startswith("SMTPUTF8") for option in received.mail_options)
    # On the wire: ASCII headers, the Vietnamese ones as RFC 2047 UTF-8 encoded words.
    headers = raw_headers(received.data)
    assert headers.isascii()
    assert raw_header(received.data, "Subject").startswith(b"=?utf-8?")
    assert raw_header(received.data, "From").startswith(b"=?utf-8?")
    # Decoded: exactly what was stored, in Vietnamese (the chair reads Vietnamese).
    message = received.message
    assert subject.startswith(f"Đơn hàng mới {order_ref}: {BUYER_ORG} đặt 2 kg ")
    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name == "Chợ Hội Quán"
    assert message["From"].addresses[0].addr_spec == SENDER_ADDRESS
    assert message["To"] == people.chair.email
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.utcoffset() == timedelta(0)
    assert before <= sent_at <= after
    assert message["Message-ID"] == f"<{key}@chohoiquan.local>"
    # The body: UTF-8 plain text (no HTML part), never raw 8-bit on the wire.
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] in {"base64", "quoted-printable"}
    assert received.data.isascii()
    assert message.get_content() == body
    assert "Hãy xác nhận hoặc từ chối." in message.get_content()
    assert f"/orders/{order.id}" in message.get_content()
    # One-click unsubscribe (RFC 8058): the link on one line, not encoded, and the POST header.
    unsubscribe = message["List-Unsubscribe"]
    assert raw_header(received.data, "List-Unsubscribe") == unsubscribe.encode()
    assert unsubscribe == stored_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{app.config['PUBLIC_URL']}/mail-settings/") and unsubscribe.endswith("/off>")
    assert len(unsubscribe) > 78  # long enough that Python would have folded it into encoded words
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_links_in_a_received_mail_work(app, people, chair_only, smtp_mail):
    """The settings link in the body opens the page; the List-Unsubscribe link, posted the way a
    mail program does (RFC 8058: no cookie, no CSRF token), turns the reader's mail off."""
    start_thread(app, people.buyer, listing_id=people.listing.id)
    with app_session(app) as session:
        assert delivery.deliver_due(session, commit=session.commit).sent == 1
    [message] = smtp_mail.handler.messages
    settings_url = re.search(r"https?://\S+/mail-settings/\S+", message.get_content()).group(0)
    client = app.test_client()
    assert client.get(local_path(settings_url)).status_code == 200
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    response = client.post(local_path(unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app_session(app) as session:
        assert me(session, people.chair).mail_notifications == "off"
        assert me(session, people.seller2).mail_notifications == "off"  # as it was
        assert me(session, people.buyer).mail_notifications == "instant"  # nobody else's


def test_each_mail_has_its_own_message_id_and_a_retry_keeps_it(app, people, thread, smtp_mail):
    """Two mails, two Message-IDs; the id comes from the queued row, so the try after a failure
    carries the same one (a server that did get the first can tell)."""
    with app_session(app) as session:
        rows = queued(session)
        keys = {row.to: delivery.message_key(row) for row in rows}
        assert len(set(keys.values())) == 2
        assert delivery.deliver_due(session, commit=session.commit).sent == 2
    ids = {m["To"]: m["Message-ID"] for m in smtp_mail.handler.messages}
    assert ids == {to: f"<{key}@chohoiquan.local>" for to, key in keys.items()}


def test_a_line_break_in_a_subject_cannot_add_headers(app, people, smtp_mail):
    """A subject is one line: text that reached it with a line break cannot smuggle a Bcc."""
    with app_session(app) as session, force_locale("vi"):
        delivery.queue_mail(session, me(session, people.chair), "Xin chào\r\nBcc: ke-gian@example.test", "Nội dung")
        session.commit()
        assert delivery.deliver_due(session, commit=session.commit).sent == 1
    [received] = smtp_mail.handler.received
    assert received.recipients == [people.chair.email]
    assert received.message["Subject"] == "Xin chào Bcc: ke-gian@example.test"
    assert received.message["Bcc"] is None


def test_a_password_reset_mail_arrives_in_vietnamese(app, people, smtp_mail):
    """The reset mail is sent from the page itself (send_mail), through the same SMTP mailer."""
    client = app.test_client()
    response = post(client, "/password/forgot", {"identifier": people.chair.email})
    assert response.status_code == 302
    [received] = smtp_mail.handler.received
    assert received.recipients == [people.chair.email]
    message = received.message
    assert message["Subject"] == "Đặt lại mật khẩu Chợ Hội Quán"
    assert raw_header(received.data, "Subject").startswith(b"=?utf-8?")
    assert message["Date"] and message["Message-ID"].endswith("@chohoiquan.local>")
    link = re.search(r"https?://\S+/password/reset/\S+", message.get_content()).group(0)
    assert client.get(local_path(link)).status_code == 200


@pytest.fixture
def in_transaction(app, monkeypatch, smtp_mail) -> list[bool]:
    """Whether a database transaction was open at each send, filled as the app sends through the
    local SMTP server (which still receives every mail)."""
    mailer = app.extensions["mailer"]
    seen = []
    real_send = mailer.send

    def send(mail):
        seen.append(db.session.in_transaction())
        real_send(mail)

    monkeypatch.setattr(mailer, "send", send)
    return seen


def test_the_reset_page_holds_no_transaction_while_it_talks_to_the_mail_server(app, people, in_transaction,
                                                                              smtp_mail):
    """On SQLite a POST holds the write lock for its whole transaction: a relay that answers slowly
    (or never, until the 20 s timeout) must not stop every other write meanwhile."""
    assert post(app.test_client(), "/password/forgot", {"identifier": people.chair.email}).status_code == 302
    assert in_transaction == [False]
    assert len(smtp_mail.handler.received) == 1


def test_the_worker_holds_no_transaction_while_it_talks_to_the_mail_server(app, people, thread, in_transaction,
                                                                           smtp_mail):
    """Likewise the worker: claimed and read in short transactions, sent with none open, recorded after."""
    with app_session(app) as session:
        assert delivery.deliver_due(session, commit=session.commit).sent == 2
    assert in_transaction == [False, False]
    assert len(smtp_mail.handler.received) == 2


# -- refusals and retries ---------------------------------------------------------------------------------

@pytest.fixture
def one_mail(app, people, chair_only):
    """One queued mail, to the chair, about a new question."""
    start_thread(app, people.buyer, listing_id=people.listing.id)
    with app_session(app) as session:
        [row] = queued(session)
        return row.id


def row_of(app, mail_id: int) -> OutgoingMail:
    with app_session(app) as session:
        return session.get(OutgoingMail, mail_id)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives times back without their zone; they are stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


@pytest.mark.parametrize("command", ["RCPT", "DATA"])
def test_try_again_later_is_retried_and_then_delivered(app, one_mail, smtp_mail, command):
    """451 at RCPT or at DATA: the worker records the attempt and the server's words, waits the
    first retry delay, and sends it then — once."""
    smtp_mail.handler.refuse(command, "451 4.3.0 Mailbox busy, try again later")
    now = utcnow()
    with app_session(app) as session:
        report = delivery.deliver_due(session, now, commit=session.commit)
    assert (report.sent, report.failed, report.given_up) == (0, 1, 0)
    row = row_of(app, one_mail)
    assert row.attempts == 1 and row.sent_at is None and row.failed_at is None and row.claimed_until is None
    assert "451" in row.last_error and "try again later" in row.last_error
    assert aware(row.next_attempt_at) == now + rules.RETRY_DELAYS[0]
    assert smtp_mail.handler.received == []
    # Not before the delay.
    with app_session(app) as session:
        assert delivery.deliver_due(session, now + rules.RETRY_DELAYS[0] - timedelta(seconds=1), commit=session.commit).sent == 0
    assert smtp_mail.handler.received == []
    # At the delay the server accepts.
    later = now + rules.RETRY_DELAYS[0]
    with app_session(app) as session:
        assert delivery.deliver_due(session, later, commit=session.commit).sent == 1
        assert delivery.deliver_due(session, later + timedelta(hours=5), commit=session.commit).sent == 0  # never twice
    row = row_of(app, one_mail)
    assert row.attempts == 2 and aware(row.sent_at) == later and row.failed_at is None
    assert len(smtp_mail.handler.received) == 1


@pytest.mark.parametrize("command", ["RCPT", "DATA"])
def test_a_permanent_refusal_is_given_up_at_once(app, people, thread, smtp_mail, command, caplog):
    """550 (no such mailbox, or the message refused) stays 550: given up after the first try, no
    retry scheduled, and the other mail in the queue still goes."""
    smtp_mail.handler.refuse(command, "550 5.1.1 No such user here")
    now = utcnow()
    with app_session(app) as session:
        first, second = queued(session)
        report = delivery.deliver_due(session, now, commit=session.commit)
    assert (report.sent, report.failed, report.given_up) == (1, 0, 1)
    refused = row_of(app, first.id)
    assert refused.attempts == 1 and aware(refused.failed_at) == now and refused.sent_at is None
    assert "550" in refused.last_error
    assert aware(refused.next_attempt_at) <= now  # nothing scheduled
    assert row_of(app, second.id).sent_at is not None
    assert [r.recipients for r in smtp_mail.handler.received] == [[second.to]]
    with app_session(app) as session:
        assert delivery.deliver_due(session, now + timedelta(days=1), commit=session.commit).sent == 0
    assert len(smtp_mail.handler.received) == 1
    assert f"mail {first.id} to user {first.user_id} given up after 1 attempts" in caplog.text
    assert first.to not in caplog.text  # the server's words quote the address: they stay on the row


@pytest.mark.parametrize("reply", ["554 5.7.1 Relay access denied", "530 5.7.0 Authentication required"])
def test_a_refusal_of_our_set_up_is_retried_not_given_up(app, one_mail, smtp_mail, reply):
    """A security or policy refusal (5.7.x, 530) is the relay refusing *us* — every mail, until the
    set-up is fixed: retried on the usual schedule, never dropped after one try."""
    smtp_mail.handler.refuse("RCPT", reply)
    now = utcnow()
    with app_session(app) as session:
        report = delivery.deliver_due(session, now, commit=session.commit)
    assert (report.sent, report.failed, report.given_up) == (0, 1, 0)
    row = row_of(app, one_mail)
    assert row.failed_at is None and aware(row.next_attempt_at) == now + rules.RETRY_DELAYS[0]
    with app_session(app) as session:
        assert delivery.deliver_due(session, now + rules.RETRY_DELAYS[0], commit=session.commit).sent == 1


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_server_at_all_is_retried_with_growing_delays_then_given_up(app, monkeypatch, one_mail):
    monkeypatch.setitem(app.extensions, "mailer", make_mailer(f"smtp://127.0.0.1:{free_port()}",
                                                              app.config["MAIL_FROM"]))
    now = utcnow()
    for attempt, delay in enumerate(rules.RETRY_DELAYS, start=1):
        with app_session(app) as session:
            report = delivery.deliver_due(session, now, commit=session.commit)
        assert (report.sent, report.failed, report.given_up) == (0, 1, 0)
        row = row_of(app, one_mail)
        assert row.attempts == attempt and row.failed_at is None and row.sent_at is None
        assert row.last_error.startswith("ConnectionRefusedError")
        assert aware(row.next_attempt_at) == now + delay
        now += delay
    with app_session(app) as session:
        report = delivery.deliver_due(session, now, commit=session.commit)
    assert (report.sent, report.failed, report.given_up) == (0, 0, 1)
    row = row_of(app, one_mail)
    assert row.attempts == len(rules.RETRY_DELAYS) + 1 and aware(row.failed_at) == now


def test_the_worker_round_reports_a_refusal_and_goes_on(app, one_mail, smtp_mail):
    """Through the command: the round ends well, says what happened, and the row waits."""
    smtp_mail.handler.refuse("DATA", "451 4.7.1 Greylisted, come back later")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail: 0 digests queued, 0 sent, 1 to retry, 0 given up" in result.output
    row = row_of(app, one_mail)
    assert row.attempts == 1 and "Greylisted" in row.last_error and row.sent_at is None


def test_a_digest_queued_by_the_worker_leaves_in_the_same_round(app, people, chair_only, smtp_mail):
    """The worker's mail step queues the daily digests and then sends what is due: the digests it
    has just queued included (they are due a moment after the round began)."""
    set_user(app, people.chair, mail_notifications="daily", digest_sent_at=utcnow() - timedelta(days=2))
    start_thread(app, people.buyer, listing_id=people.listing.id)  # a notice, no instant mail
    with app_session(app) as session:
        assert queued(session) == []
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 digests queued, 1 sent, 0 to retry, 0 given up" in result.output
    [message] = smtp_mail.handler.messages
    assert message["Subject"] == "Chợ Hội Quán: 1 tin mới từ hôm qua"
    assert message["To"] == people.chair.email


# -- TLS and sign-in to the relay ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(authority):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_tls(authority):
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


SIGNED_IN = {"hoiquan": "p@ss/word:1"}
QUOTED = "hoiquan:p%40ss%2Fword%3A1"  # as written in MAIL_URL


def a_mail(to: str = "chu-nhiem@example.test") -> Mail:
    return Mail(to=to, subject="Thử thư: Hội quán Xoài", body="Nội dung có dấu.\n")


def test_starttls_and_sign_in(server_tls, client_tls):
    with running_smtp_server(tls_context=server_tls, accounts=SIGNED_IN) as server:
        mailer = SmtpMailer(f"smtp://{QUOTED}@127.0.0.1:{server.port}?starttls=1", "Chợ Hội Quán <a@b.example>",
                            tls_context=client_tls)
        mailer.send(a_mail())
        assert server.handler.logins and server.handler.logins[0][1] == "hoiquan"
        [message] = server.handler.messages
        assert message["Subject"] == "Thử thư: Hội quán Xoài" and message.get_content() == "Nội dung có dấu.\n"
        assert message["Message-ID"].endswith("@b.example>")


# aiosmtpd warns because it cannot see that a connection begun in TLS is encrypted (it is).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_smtps_and_sign_in(server_tls, client_tls):
    with running_smtp_server(tls_context=server_tls, implicit_tls=True, accounts=SIGNED_IN) as server:
        SmtpMailer(f"smtps://{QUOTED}@127.0.0.1:{server.port}", "x@b.example", tls_context=client_tls).send(a_mail())
        assert len(server.handler.received) == 1 and server.handler.logins


def test_the_servers_certificate_is_checked(server_tls):
    """smtplib's own default accepts any certificate; ours checks it (here: an authority the
    system does not know), so a man in the middle cannot read the relay's password."""
    with running_smtp_server(tls_context=server_tls, accounts=SIGNED_IN) as server:
        mailer = make_mailer(f"smtp://{QUOTED}@127.0.0.1:{server.port}?starttls=1", "x@b.example")
        with pytest.raises(ssl.SSLCertVerificationError):
            mailer.send(a_mail())
        assert server.handler.logins == [] and server.handler.received == []


@pytest.mark.parametrize(("url", "refused"), [
    ("smtp://u:secret@mail.example.vn:587", True),
    ("smtp://u:secret@203.0.113.5:25?starttls=0", True),
    ("smtp://u:secret@mail.example.vn:587?starttls=1", False),
    ("smtps://u:secret@mail.example.vn", False),
    ("smtp://u:secret@127.0.0.1:1025", False),  # a relay on this host (never leaves the machine)
    ("smtp://localhost:25", False),  # no password, nothing to protect
])
def test_a_password_is_never_sent_unencrypted_over_the_network(url, refused):
    if refused:
        with pytest.raises(ValueError, match="unencrypted"):
            make_mailer(url, "x@b.example")
    else:
        assert isinstance(make_mailer(url, "x@b.example"), SmtpMailer)


def test_a_wrong_password_is_an_error_worth_retrying(server_tls, client_tls):
    with running_smtp_server(tls_context=server_tls, accounts=SIGNED_IN) as server:
        mailer = SmtpMailer(f"smtp://hoiquan:wrong@127.0.0.1:{server.port}?starttls=1", "x@b.example",
                            tls_context=client_tls)
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            mailer.send(a_mail())
        assert not is_permanent(refused.value)  # the set-up is wrong, not the mail
        assert server.handler.received == []


def test_every_queued_mail_sent_to_the_server_is_recorded_sent(app, people, thread, smtp_mail):
    """What the server got and what the rows say agree (nothing sent twice, nothing lost)."""
    with app_session(app) as session:
        delivery.deliver_due(session, commit=session.commit)
        rows = session.scalars(select(OutgoingMail).where(OutgoingMail.sent_at.is_not(None))).all()
        assert sorted(r.to for r in rows) == sorted(m["To"] for m in smtp_mail.handler.messages)
        assert {json.loads(r.headers)["List-Unsubscribe"] for r in rows} == \
            {m["List-Unsubscribe"] for m in smtp_mail.handler.messages}
        assert all(session.get(User, r.user_id).email == r.to for r in rows)

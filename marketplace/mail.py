"""Outgoing mail behind a small interface: SMTP for real, the log or memory otherwise.

MAIL_URL picks the implementation: `smtp://user:pass@host:587?starttls=1` (or `smtps://`),
`log://` (the default, for development: one line per message in the log, the whole text in a
file of MAIL_LOG_DIR, so that a developer's console is not buried under demo mail) and `memory://`
(kept in a list, for tests).

What SMTP carries is a plain-text UTF-8 message that any relay accepts: every header in ASCII
(Vietnamese subjects and sender names as RFC 2047 encoded words), the body in base64 or
quoted-printable (never undeclared 8-bit data), a Date and a Message-ID. TLS (STARTTLS or
smtps) verifies the server's certificate against the system's authorities.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()  # extra headers, e.g. List-Unsubscribe
    # Stable per queued mail: a retry carries the same Message-ID, so a server that did get the
    # first try can tell the second is the same message. None: a new one each time.
    key: str | None = None


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class LogMailer:
    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder else None

    def send(self, mail: Mail) -> None:
        path = self._write(mail)
        if path is None:  # no folder, or it cannot be written: the whole text goes to the log
            log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
        else:
            log.info("mail to %s: %s (%s)", mail.to, " ".join(mail.subject.split()), path)

    def _write(self, mail: Mail) -> Path | None:
        if self.folder is None:
            return None
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}.txt"
        text = f"To: {mail.to}\nSubject: {mail.subject}\n"
        text += "".join(f"{header}: {value}\n" for header, value in mail.headers) + "\n" + mail.body + "\n"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_text(text, encoding="utf-8")
        except OSError:
            return None
        return self.folder / name


class MemoryMailer:
    def __init__(self) -> None:
        self.outbox: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.outbox.append(mail)


# Headers that hold one long token (a link, an id) are written on one line: Python folds a header
# longer than 78 characters, and one without spaces it can only fold by turning it into RFC 2047
# encoded words, which mail programs do not decode in List-Unsubscribe (the one-click link broke).
# RFC 5322 allows lines of 998 characters.
_ONE_LINE_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", "message-id"})


class _MailPolicy(EmailPolicy):
    def fold(self, name, value):
        if name.lower() in _ONE_LINE_HEADERS and str(value).isascii() and len(str(value)) < 900:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in _ONE_LINE_HEADERS and str(value).isascii() and len(str(value)) < 900:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


# 7-bit: the body goes as base64 or quoted-printable, which every relay passes unchanged
# (smtplib does not declare 8BITMIME, so raw UTF-8 bytes would break the protocol).
MAIL_POLICY = _MailPolicy(cte_type="7bit")


def is_permanent(error: BaseException) -> bool:
    """True when sending this mail again cannot succeed: the server refused the recipient or the
    message for good (a 5xx reply to RCPT or DATA, such as 550 "no such mailbox"), or the message
    cannot be written at all. A refused sender, a failed login, a 4xx reply ("try again later") and
    a security or policy refusal (enhanced status 5.7.x or 530, such as "relay access denied": our
    set-up, which refuses every mail until it is fixed) are worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        return bool(replies) and all(_refused_for_good(code, text) for code, text in replies)
    if isinstance(error, smtplib.SMTPDataError):
        return _refused_for_good(error.smtp_code, error.smtp_error)
    return isinstance(error, UnsendableMail)


def _refused_for_good(code: int, text: bytes | str) -> bool:
    if not 500 <= code < 600 or code == 530:
        return False
    words = (text.decode("ascii", "replace") if isinstance(text, bytes) else str(text)).split()
    return not (words and words[0].startswith("5.7."))


class UnsendableMail(ValueError):
    """The message itself cannot be written (an address that is not one)."""


class SmtpMailer:
    def __init__(self, url: str, sender: str, *, tls_context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(url)
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in {"1", "true", "yes"}
        if self.password and not (self.ssl or self.starttls) and not _is_loopback(self.host):
            raise ValueError("MAIL_URL would send the mail server's password unencrypted: "
                             "add ?starttls=1 or use smtps://")
        self.sender = sender
        # smtplib's own default checks no certificate: anyone on the path could read the password.
        self.tls_context = tls_context or ssl.create_default_context()
        self.domain = _domain_of(sender)

    def message(self, mail: Mail) -> EmailMessage:
        """The message as it goes on the wire (without the envelope)."""
        message = EmailMessage(policy=MAIL_POLICY)
        try:
            message["From"], message["To"] = self.sender, mail.to
            # A subject is one line: a line break in it would end the header (and is refused).
            message["Subject"] = " ".join(mail.subject.split())
            message["Date"] = format_datetime(datetime.now(UTC))
            message["Message-ID"] = (f"<{mail.key}@{self.domain}>" if mail.key
                                     else make_msgid("chq", domain=self.domain))
            for name, value in mail.headers:
                message[name] = value
        except (ValueError, IndexError) as error:
            raise UnsendableMail(str(error)) from error
        message.set_content(mail.body)
        return message

    def send(self, mail: Mail) -> None:
        message = self.message(mail)
        if self.ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=20, context=self.tls_context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=20)
        with smtp:
            if self.starttls:
                smtp.starttls(context=self.tls_context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _domain_of(sender: str) -> str:
    """The domain of the sender's address ("Chợ Hội Quán <no-reply@example.vn>" → example.vn), for
    Message-IDs; "localhost" when there is none."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def make_mailer(url: str, sender: str, log_folder: str | None = None) -> Mailer:
    scheme = urlsplit(url).scheme
    if scheme == "log":
        return LogMailer(log_folder)
    if scheme == "memory":
        return MemoryMailer()
    if scheme in {"smtp", "smtps"}:
        return SmtpMailer(url, sender)
    raise ValueError(f"MAIL_URL scheme {scheme!r} is not one of log, memory, smtp, smtps")


def init_app(app: Flask) -> None:
    app.extensions["mailer"] = make_mailer(app.config["MAIL_URL"], app.config["MAIL_FROM"],
                                           app.config.get("MAIL_LOG_DIR"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send now; a failure is logged, never shown to the person as a crash."""
    try:
        current_app.extensions["mailer"].send(Mail(to=to, subject=subject, body=body))
    except (OSError, smtplib.SMTPException, UnsendableMail):
        log.exception("sending mail to %s failed", to)


def queue_account_mail(db, user, subject: str, body: str, *, kind: str, not_within=None) -> None:
    """Queue a mail about the user's account itself (a security notice) through the mail queue,
    sent whatever their mail choice. The queue is kept by the notifications package, which sits
    above the packages that send such mail (accounts) and hands its function over at start-up
    (`set_account_mail_queue`). `not_within` (a timedelta): queue nothing when a mail of this kind
    was queued for the user that recently."""
    current_app.extensions["account_mail_queue"](db, user, subject, body, kind=kind, not_within=not_within)


def set_account_mail_queue(app: Flask, queue) -> None:
    app.extensions["account_mail_queue"] = queue

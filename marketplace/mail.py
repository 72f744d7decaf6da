"""Outgoing mail behind a small interface: SMTP for real, the log or memory otherwise.

MAIL_URL picks the implementation: `smtp://user:pass@host:587?starttls=1` (or `smtps://`),
`log://` (the default: the message is written to the log, for development) and `memory://`
(kept in a list, for tests).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
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


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class LogMailer:
    def send(self, mail: Mail) -> None:
        log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body)


class MemoryMailer:
    def __init__(self) -> None:
        self.outbox: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.outbox.append(mail)


class SmtpMailer:
    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in {"1", "true", "yes"}
        self.sender = sender

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        for name, value in mail.headers:
            message[name] = value
        message.set_content(mail.body)
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=20) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def make_mailer(url: str, sender: str) -> Mailer:
    scheme = urlsplit(url).scheme
    if scheme == "log":
        return LogMailer()
    if scheme == "memory":
        return MemoryMailer()
    if scheme in {"smtp", "smtps"}:
        return SmtpMailer(url, sender)
    raise ValueError(f"MAIL_URL scheme {scheme!r} is not one of log, memory, smtp, smtps")


def init_app(app: Flask) -> None:
    app.extensions["mailer"] = make_mailer(app.config["MAIL_URL"], app.config["MAIL_FROM"])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send now; a failure is logged, never shown to the person as a crash."""
    try:
        current_app.extensions["mailer"].send(Mail(to=to, subject=subject, body=body))
    except (OSError, smtplib.SMTPException):
        log.exception("sending mail to %s failed", to)

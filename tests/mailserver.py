"""A real SMTP server on loopback for tests (aiosmtpd): it keeps every message it accepts, exactly
as it arrived, and can be told to refuse the next ones the way real servers do (451 "try again
later", 550 "no such mailbox"), at RCPT or at DATA.

    with running_smtp_server() as server:
        server.handler.refuse("DATA", "451 4.3.0 Try again later")
        ...  # send to server.url
        [message] = server.handler.messages
"""

from __future__ import annotations

import ssl
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    """One accepted message: the envelope, the raw bytes and the parsed message."""

    mail_from: str
    recipients: list[str]
    data: bytes
    mail_options: list[str]

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refusals: dict[str, deque[str]] = field(default_factory=lambda: {"RCPT": deque(), "DATA": deque()})
    logins: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, command: str, *replies: str) -> None:
        """Answer the next RCPT or DATA commands with these replies (then accept again)."""
        self.refusals[command].extend(replies)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if self.refusals["RCPT"]:
            return self.refusals["RCPT"].popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refusals["DATA"]:
            return self.refusals["DATA"].popleft()
        self.received.append(Received(mail_from=envelope.mail_from, recipients=list(envelope.rcpt_tos),
                                      data=envelope.original_content, mail_options=list(envelope.mail_options)))
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """aiosmtpd's Controller on a port the system chooses (port 0), so parallel runs never collide:
    the real port is read from the listening socket before the controller's own first connection."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class RunningServer:
    handler: RecordingHandler
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


def password_checker(accounts: dict[str, str], handler: RecordingHandler):
    """An aiosmtpd authenticator accepting these user names and passwords."""

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if accounts.get(user) == password:
                handler.logins.append((mechanism, user))
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return authenticate


@contextmanager
def running_smtp_server(*, tls_context: ssl.SSLContext | None = None, implicit_tls: bool = False,
                        accounts: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """An SMTP server on 127.0.0.1 for the length of the block.

    tls_context offers STARTTLS (or, with implicit_tls, speaks TLS from the first byte, as on port
    465); accounts requires AUTH (aiosmtpd only offers it over TLS)."""
    handler = RecordingHandler()
    options: dict = {}
    if tls_context is not None and not implicit_tls:
        options.update(tls_context=tls_context, require_starttls=True)
    if accounts is not None:
        options.update(authenticator=password_checker(accounts, handler), auth_required=True)
        if implicit_tls:
            # aiosmtpd counts only STARTTLS as TLS; a connection that began in TLS is one too.
            options.update(auth_require_tls=False)
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0,
                                    ssl_context=tls_context if implicit_tls else None, **options)
    controller.start()
    try:
        yield RunningServer(handler=handler, host="127.0.0.1", port=controller.port)
    finally:
        controller.stop()

"""Notices on the phone behind one small interface, as mail is behind marketplace.mail's Mailer:
Zalo's notification service for businesses (ZNS) and an SMS gateway for real, a fake twin for tests.

`send(message)` returns the provider's id for the message, or raises `RetryableSendError` (try
again later: the provider is down, out of quota, its token expired) or `PermanentSendError`
(sending it again cannot succeed: the number has no Zalo account, the template is refused). The
worker (notifications.phone_delivery) retries the first kind with growing delays and gives up on
the second at once.

Which notifiers exist is decided by the configuration (marketplace.config): a channel whose keys
are not set has no notifier, and then nothing is queued for it and the account page does not offer
it. NOTIFIER=fake gives both channels a FakeNotifier (development and tests: nothing leaves).
Errors never carry the phone number or the access token: they end up in logs and in
outgoing_messages.last_error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import requests
from flask import Flask

from marketplace.notifications import rules

log = logging.getLogger(__name__)
TIMEOUT = (5, 20)  # seconds to connect, to read: a worker round must not hang on a silent provider


@dataclass(frozen=True)
class PhoneMessage:
    channel: str  # zalo | sms
    to: str  # national form, 0912345678
    template: str  # a key of rules.ZNS_TEMPLATES (Zalo)
    params: dict  # the template's data (Zalo)
    text: str  # the whole SMS, without marks, within the limit
    tracking_id: str  # ours, the same for every try of one queued message


class SendError(Exception):
    """Sending failed; the text never holds the phone number or a key."""


class RetryableSendError(SendError):
    pass


class PermanentSendError(SendError):
    pass


class Notifier(Protocol):
    def send(self, message: PhoneMessage) -> str: ...


# -- Zalo (ZNS) --------------------------------------------------------------------------------

ZNS_URL = "https://business.openapi.zalo.me/message/template"
# Zalo's documented ZNS error codes (zalo.cloud, "Cách xử lý mã lỗi") that no retry can fix: the
# number, the recipient's account or the template and its data. Every other code (-100 unknown,
# -117 out of quota, -124 access token expired, -133 outside the hours ZNS may be sent …) is
# worth trying again later, after the operator tops up or renews the token if need be.
ZNS_PERMANENT = {
    -108: "phone number invalid",
    -109: "template id invalid",
    -111: "template data empty",
    -112: "template data invalid",
    -114: "user inactive or refused ZNS",
    -115: "button invalid",
    -118: "no Zalo account for this number",
    -119: "account cannot receive messages",
    -139: "user refused this kind of message",
}


def classify_zns(code: int, message: str = "") -> SendError:
    """The error an answer with Zalo's `error` code (not 0) means."""
    reason = ZNS_PERMANENT.get(code)
    if reason:
        return PermanentSendError(f"zalo {code}: {reason}")
    return RetryableSendError(f"zalo {code}: {message[:120]}".rstrip(": "))


def classify_http(provider: str, status: int) -> SendError:
    """An HTTP failure: the provider's trouble (5xx), too many requests (429) and a refused key
    (401/403: the operator fixes it, then the queue goes) are retried; any other 4xx is ours."""
    if status >= 500 or status in (401, 403, 408, 429):
        return RetryableSendError(f"{provider} http {status}")
    return PermanentSendError(f"{provider} http {status}")


class ZaloZnsNotifier:
    def __init__(self, access_token: str, templates: dict[str, str], url: str = ZNS_URL) -> None:
        self.access_token = access_token
        self.templates = templates  # our template key → the id Zalo gave it
        self.url = url

    def send(self, message: PhoneMessage) -> str:
        template_id = self.templates.get(message.template) or self.templates.get("notice")
        if not template_id:
            raise PermanentSendError(f"zalo: no template id configured for {message.template!r}")
        body = {"phone": rules.international_phone(message.to), "template_id": template_id,
                "template_data": message.params, "tracking_id": message.tracking_id}
        try:
            response = requests.post(self.url, json=body, timeout=TIMEOUT,
                                     headers={"access_token": self.access_token})
        except requests.RequestException as error:
            raise RetryableSendError(f"zalo: {type(error).__name__}") from None
        if response.status_code != 200:
            raise classify_http("zalo", response.status_code)
        try:
            answer = response.json()
            code = int(answer.get("error", -100))
        except (ValueError, AttributeError, TypeError):
            raise RetryableSendError("zalo: unreadable answer") from None
        if code != 0:
            raise classify_zns(code, str(answer.get("message", "")))
        return str((answer.get("data") or {}).get("msg_id", ""))[:80]


# -- SMS ---------------------------------------------------------------------------------------

class SmsNotifier:
    """A generic HTTP SMS gateway with a registered brandname: POST JSON {to, brandname, text}
    with `Authorization: Bearer <key>`; a 2xx answer may name the message's id ({"id": …})."""

    def __init__(self, url: str, api_key: str, brandname: str) -> None:
        self.url, self.api_key, self.brandname = url, api_key, brandname

    def send(self, message: PhoneMessage) -> str:
        body = {"to": rules.international_phone(message.to), "brandname": self.brandname, "text": message.text,
                "request_id": message.tracking_id}
        try:
            response = requests.post(self.url, json=body, timeout=TIMEOUT,
                                     headers={"Authorization": f"Bearer {self.api_key}"})
        except requests.RequestException as error:
            raise RetryableSendError(f"sms: {type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise classify_http("sms", response.status_code)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return str(answer.get("id", "") if isinstance(answer, dict) else "")[:80]


# -- the fake twin -----------------------------------------------------------------------------

@dataclass
class FakeNotifier:
    """Keeps what it was given; `fail(n)` makes the next n sends fail (retryable unless told)."""

    sent: list[PhoneMessage] = field(default_factory=list)
    failures: int = 0
    permanent: bool = False
    tries: int = 0

    def fail(self, times: int, *, permanent: bool = False) -> None:
        self.failures, self.permanent = times, permanent

    def send(self, message: PhoneMessage) -> str:
        self.tries += 1
        if self.failures > 0:
            self.failures -= 1
            raise (PermanentSendError if self.permanent else RetryableSendError)("fake: told to fail")
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


# -- chosen by the configuration ---------------------------------------------------------------

def parse_templates(text: str) -> dict[str, str]:
    """ZALO_ZNS_TEMPLATES, "order=231234, notice=231235, code=231236", as {key: id}."""
    pairs = (part.split("=", 1) for part in text.replace(";", ",").split(",") if "=" in part)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() in rules.ZNS_TEMPLATES and value.strip()}


def make_notifiers(config: dict) -> dict[str, Notifier]:
    """The channel → notifier of every channel whose keys are configured (none by default)."""
    if config.get("NOTIFIER") == "fake":
        return {"zalo": FakeNotifier(), "sms": FakeNotifier()}
    notifiers: dict[str, Notifier] = {}
    templates = parse_templates(config.get("ZALO_ZNS_TEMPLATES", ""))
    if config.get("ZALO_ZNS_ACCESS_TOKEN") and templates:
        notifiers["zalo"] = ZaloZnsNotifier(config["ZALO_ZNS_ACCESS_TOKEN"], templates,
                                            config.get("ZALO_ZNS_URL") or ZNS_URL)
    if config.get("SMS_URL") and config.get("SMS_API_KEY") and config.get("SMS_BRANDNAME"):
        notifiers["sms"] = SmsNotifier(config["SMS_URL"], config["SMS_API_KEY"], config["SMS_BRANDNAME"])
    return notifiers


def init_app(app: Flask) -> None:
    app.extensions["notifiers"] = make_notifiers(app.config)

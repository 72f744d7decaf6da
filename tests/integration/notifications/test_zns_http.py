"""ZaloZnsNotifier and SmsNotifier against a fake provider on 127.0.0.1 (a tiny http.server in a
thread): the request as Zalo documents it (access_token header, phone in 84… form, template_id,
template_data, tracking_id), and how its answers map to sent, retry later, or refused for good.
Errors never carry the phone number or the token."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.notifications.notifier import (
    PermanentSendError,
    PhoneMessage,
    RetryableSendError,
    SmsNotifier,
    ZaloZnsNotifier,
)

MESSAGE = PhoneMessage("zalo", "0912345678", "order", {"order_code": "DH-1", "status": "Đơn hàng mới"},
                       "Don hang moi", "chq1t2026")


class FakeProvider:
    """Answers each POST with the next of `answers` ((status, json body)) and keeps the requests."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, object]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                provider.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": json.loads(self.rfile.read(length) or b"{}")})
                status, body = provider.answers.pop(0) if provider.answers else (200, {"error": 0})
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    fake = FakeProvider()
    yield fake
    fake.close()


def _zalo(provider) -> ZaloZnsNotifier:
    return ZaloZnsNotifier("secret-token-xyz", {"order": "231234", "notice": "231235"},
                           provider.url + "/message/template")


def test_the_request_is_the_one_zalo_documents(provider):
    provider.answers.append((200, {"error": 0, "message": "Success", "data": {"msg_id": "a1b2c3"}}))
    assert _zalo(provider).send(MESSAGE) == "a1b2c3"
    [request] = provider.requests
    assert request["path"] == "/message/template"
    assert request["headers"]["access_token"] == "secret-token-xyz"
    assert request["body"] == {"phone": "84912345678", "template_id": "231234",
                               "template_data": {"order_code": "DH-1", "status": "Đơn hàng mới"},
                               "tracking_id": "chq1t2026"}


@pytest.mark.parametrize("answer, error", [
    ((200, {"error": -118, "message": "Zalo account not existed"}), PermanentSendError),
    ((200, {"error": -108, "message": "Phone number invalid"}), PermanentSendError),
    ((200, {"error": -124, "message": "Access token invalid"}), RetryableSendError),
    ((200, {"error": -117, "message": "Out of quota"}), RetryableSendError),
    ((200, "not json"), RetryableSendError),
    ((502, {}), RetryableSendError),
    ((400, {}), PermanentSendError),
])
def test_zalos_answers_are_classified(provider, answer, error):
    provider.answers.append(answer)
    with pytest.raises(error) as raised:
        _zalo(provider).send(MESSAGE)
    assert "0912345678" not in str(raised.value) and "912345678" not in str(raised.value)
    assert "secret-token" not in str(raised.value)


def test_a_silent_or_absent_provider_is_retried():
    with pytest.raises(RetryableSendError):
        ZaloZnsNotifier("t", {"notice": "1"}, "http://127.0.0.1:9/message/template").send(MESSAGE)


def test_a_template_without_an_id_falls_back_to_the_notice_template(provider):
    ZaloZnsNotifier("t", {"notice": "231235"}, provider.url).send(MESSAGE)
    assert provider.requests[0]["body"]["template_id"] == "231235"


def test_sms_gateway_request_and_errors(provider):
    sms = SmsNotifier(provider.url + "/send", "gateway-key", "CHOHOIQUAN")
    provider.answers.append((200, {"id": "sms-77"}))
    assert sms.send(MESSAGE) == "sms-77"
    [request] = provider.requests
    assert request["headers"]["Authorization"] == "Bearer gateway-key"
    assert request["body"] == {"to": "84912345678", "brandname": "CHOHOIQUAN", "text": "Don hang moi",
                               "request_id": "chq1t2026"}
    provider.answers.append((503, {}))
    with pytest.raises(RetryableSendError):
        sms.send(MESSAGE)
    provider.answers.append((422, {}))
    with pytest.raises(PermanentSendError):
        sms.send(MESSAGE)

"""The fake Stripe server keeps to what the tests rely on: loopback only, memory only, Stripe's
error shapes and rules for the Checkout endpoints it adds."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
import requests

from tests.fakestripe import signature_header
from tests.fakestripe.webhooks import signature

SESSION = {"mode": "payment", "success_url": "http://shop.test/ok", "line_items[0][quantity]": "1",
           "line_items[0][price_data][currency]": "vnd", "line_items[0][price_data][unit_amount]": "250000",
           "line_items[0][price_data][product_data][name]": "Bưởi da xanh"}


def _post(fake, path, data, key=None, **headers):
    return requests.post(fake.base_url + path, data=data, timeout=5,
                         headers={"Authorization": f"Bearer {key or fake.api_key}", **headers})


def test_listens_on_loopback_and_keeps_nothing_on_disk(fake_stripe):
    assert urlsplit(fake_stripe.base_url).hostname == "127.0.0.1"
    before = os.path.exists("/tmp/localstripe.pickle")
    assert _post(fake_stripe, "/v1/checkout/sessions", SESSION).status_code == 200
    assert _post(fake_stripe, "/v1/customers", {"email": "a@example.test"}).status_code == 200  # localstripe's own
    assert os.path.exists("/tmp/localstripe.pickle") is before is False


@pytest.mark.parametrize("header", [None, "Bearer sk_test_someone_else", "Bearer pk_test_public"])
def test_only_the_accounts_secret_key_is_let_in(fake_stripe, header):
    response = requests.get(fake_stripe.base_url + "/v1/customers", timeout=5,
                            headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"]


def test_checkout_errors_have_stripes_shape(fake_stripe):
    missing = _post(fake_stripe, "/v1/checkout/sessions", {k: v for k, v in SESSION.items() if k != "mode"})
    assert missing.status_code == 400
    assert missing.json()["error"].items() >= {"type": "invalid_request_error", "code": "parameter_missing",
                                               "param": "mode"}.items()
    unknown = _post(fake_stripe, "/v1/checkout/sessions", {**SESSION, "colour": "green"})
    assert unknown.json()["error"]["code"] == "parameter_unknown"
    cents = _post(fake_stripe, "/v1/checkout/sessions", {**SESSION, "line_items[0][price_data][unit_amount]": "2.5"})
    assert cents.status_code == 400  # VND has no minor unit: whole đồng only
    gone = requests.get(fake_stripe.base_url + "/v1/checkout/sessions/cs_test_nope", timeout=5,
                        headers={"Authorization": f"Bearer {fake_stripe.api_key}"})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "resource_missing"


def test_idempotency_keys_replay_or_refuse(fake_stripe):
    first = _post(fake_stripe, "/v1/checkout/sessions", SESSION, **{"Idempotency-Key": "fake-key-1"})
    replay = _post(fake_stripe, "/v1/checkout/sessions", SESSION, **{"Idempotency-Key": "fake-key-1"})
    assert replay.json()["id"] == first.json()["id"] and replay.headers["Idempotent-Replayed"] == "true"
    changed = _post(fake_stripe, "/v1/checkout/sessions", {**SESSION, "line_items[0][quantity]": "2"},
                    **{"Idempotency-Key": "fake-key-1"})
    assert changed.status_code == 400 and changed.json()["error"]["type"] == "idempotency_error"
    other_endpoint = _post(fake_stripe, f"/v1/checkout/sessions/{first.json()['id']}/expire", {},
                           **{"Idempotency-Key": "fake-key-1"})
    assert other_endpoint.json()["error"]["type"] == "idempotency_error"


def test_a_session_goes_from_open_to_complete_or_expired(fake_stripe):
    paid = _post(fake_stripe, "/v1/checkout/sessions", SESSION).json()
    event = json.loads(fake_stripe.complete(paid["id"]))
    assert event["object"] == "event" and event["type"] == "checkout.session.completed"
    assert event["data"]["object"].items() >= {"id": paid["id"], "status": "complete", "payment_status": "paid",
                                              "amount_total": 250000, "currency": "vnd", "url": None}.items()
    assert event["data"]["object"]["payment_intent"].startswith("pi_")
    assert _post(fake_stripe, f"/v1/checkout/sessions/{paid['id']}/expire", {}).status_code == 400
    left = _post(fake_stripe, "/v1/checkout/sessions", SESSION).json()
    expired = _post(fake_stripe, f"/v1/checkout/sessions/{left['id']}/expire", {}).json()
    assert expired["status"] == "expired" and expired["url"] is None


def test_signatures_follow_stripes_scheme():
    import stripe

    body = '{"id": "evt_1", "object": "event"}'
    header = signature_header(body, "whsec_abc", timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=" + signature(body, "whsec_abc", 1_700_000_000))
    assert stripe.WebhookSignature.verify_header(body, header, "whsec_abc", tolerance=None)

"""Properly signed events whose numbers are absurd: the webhook answers 200 and stores what it
can, instead of a 500 that Stripe would deliver again and again (found by the #14 checks)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.orders.models import Payment
from marketplace.orders.payments import stripe_services
from marketplace.orders.payments.models import StripeEvent
from tests.integration.payments.helpers import confirmed_order, deliver, in_db, open_session, reload, variant


@pytest.mark.parametrize("created", [10**20, -(10**20), 2**63, 253402300800, True, "1700000000", 1.5e300])
def test_an_absurd_created_time_is_stored_as_unknown(stripe_app, fake_stripe, shop, created):
    order = confirmed_order(stripe_app, shop)
    payload = variant(fake_stripe.complete(open_session(stripe_app, order)), created=created)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "recorded"
    [event] = in_db(stripe_app, select(StripeEvent).where(StripeEvent.event_id == json.loads(payload)["id"]))
    assert event.created_at is None
    assert reload(stripe_app, order.id).status == "paid"


def test_an_absurd_amount_is_not_applied_and_not_a_server_error(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = variant(fake_stripe.complete(open_session(stripe_app, order)), amount_total=10**30)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_session"
    [event] = in_db(stripe_app, select(StripeEvent).where(StripeEvent.event_id == json.loads(payload)["id"]))
    assert event.amount_vnd is None
    assert in_db(stripe_app, select(Payment).where(Payment.order_id == order.id)) == []
    assert reload(stripe_app, order.id).status == "confirmed"


def test_an_order_number_in_other_digits_is_not_read(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = variant(fake_stripe.complete(open_session(stripe_app, order)), client_reference_id="²",
                      metadata={"order_id": "٣"})
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_session"
    assert reload(stripe_app, order.id).status == "confirmed"


def test_event_time_reads_unix_seconds_within_the_calendar():
    assert stripe_services.event_time(0).year == 1970
    assert stripe_services.event_time(1_700_000_000).year == 2023
    assert stripe_services.event_time(253402300799) is not None
    assert stripe_services.event_time(253402300800) is None
    assert stripe_services.event_time(-1) is None
    assert stripe_services.event_time(None) is None

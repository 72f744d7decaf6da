"""The webhook: the only way an order becomes paid by card.

Events come from the fake Stripe server (completing a session the way a customer would) and are
signed with Stripe's scheme by tests/fakestripe/webhooks.py, an implementation independent of
the `stripe` library that verifies them.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import recording
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from tests.clients import app_session
from tests.fakestripe import signature_header
from tests.integration.payments.helpers import (
    WEBHOOK,
    confirmed_order,
    deliver,
    in_db,
    open_session,
    reload,
    variant,
)


def _payments(app, order_id: int | None = None) -> list[Payment]:
    statement = select(Payment).where(Payment.provider == "stripe")
    if order_id is not None:
        statement = statement.where(Payment.order_id == order_id)
    return in_db(app, statement.order_by(Payment.id))


def _events(app) -> list[StripeEvent]:
    return in_db(app, select(StripeEvent).order_by(StripeEvent.id))


def test_a_paid_session_pays_the_order_once(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    payload = fake_stripe.complete(session_id)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "recorded"
    paid = reload(stripe_app, order.id)
    assert paid.status == "paid" and paid.amount_paid_vnd == 380_000
    [payment] = _payments(stripe_app, order.id)
    assert (payment.reference, payment.amount_vnd) == (session_id, 380_000)
    [event] = _events(stripe_app)
    assert (event.event_id, event.type, event.outcome) == (json.loads(payload)["id"], "checkout.session.completed",
                                                           "recorded")
    assert (event.order_id, event.session_id, event.amount_vnd) == (order.id, session_id, 380_000)
    [checkout] = in_db(stripe_app, select(CardCheckout))
    assert checkout.status == "complete"


def test_the_same_event_twice_pays_once(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    client = stripe_app.test_client()
    assert deliver(client, payload, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    again = deliver(client, payload, fake_stripe.webhook_secret)  # Stripe retries with a new signature
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert len(_payments(stripe_app, order.id)) == 1 and len(_events(stripe_app)) == 1
    assert reload(stripe_app, order.id).amount_paid_vnd == 380_000


def test_two_events_about_one_session_pay_once(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    other = variant(payload, type="checkout.session.async_payment_succeeded")
    client = stripe_app.test_client()
    assert deliver(client, other, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    assert deliver(client, payload, fake_stripe.webhook_secret).get_json()["outcome"] == "already_recorded"
    assert len(_payments(stripe_app, order.id)) == 1


def test_a_delayed_payment_pays_when_it_succeeds(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    completed = fake_stripe.complete(session_id, asynchronous=True)
    client = stripe_app.test_client()
    assert deliver(client, completed, fake_stripe.webhook_secret).get_json()["outcome"] == "unpaid"
    assert reload(stripe_app, order.id).status == "confirmed"
    succeeded = fake_stripe.settle_async(session_id)
    assert deliver(client, succeeded, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    assert reload(stripe_app, order.id).status == "paid"


def _signed_elsewhere(payload, secret):
    return {"Stripe-Signature": signature_header(payload, "whsec_someone_else"), "Content-Type": "application/json"}


def _tampered(payload, secret):
    # The genuine event's signature, sent with a body whose amount was changed on the way.
    return {"Stripe-Signature": signature_header(payload, secret)}


def _stale(payload, secret):
    return {"Stripe-Signature": signature_header(payload, secret, int(time.time()) - 301)}


def _unsigned(payload, secret):
    return {"Content-Type": "application/json"}


def _garbled_header(payload, secret):
    return {"Stripe-Signature": "this is not a signature"}


def _v0_only(payload, secret):
    header = signature_header(payload, secret)
    return {"Stripe-Signature": ",".join(p for p in header.split(",") if not p.startswith("v1="))}


REJECTED = {"signed with another secret": _signed_elsewhere, "forged body": _tampered, "stale": _stale,
            "unsigned": _unsigned, "garbled header": _garbled_header, "no v1 signature": _v0_only}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_bad_signatures_are_refused_and_change_nothing(stripe_app, fake_stripe, shop, case):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    body = payload.replace('"amount_total": 380000', '"amount_total": 1') if case == "forged body" else payload
    response = stripe_app.test_client().post(WEBHOOK, data=body,
                                             headers=REJECTED[case](payload, fake_stripe.webhook_secret))
    assert response.status_code == 400
    assert _events(stripe_app) == [] and _payments(stripe_app) == []
    assert reload(stripe_app, order.id).status == "confirmed"


@pytest.mark.parametrize("body", [b"{not json", b'"a string"', b"[]", b"\xff\xfe\x00garbage", b'{"object": "event"}'],
                         ids=["not json", "a string", "a list", "not utf-8", "no id or type"])
def test_signed_nonsense_is_refused(stripe_app, fake_stripe, body):
    response = stripe_app.test_client().post(WEBHOOK, data=body,
                                             headers={"Stripe-Signature": signature_header(body, fake_stripe.webhook_secret)})
    assert response.status_code == 400
    assert _events(stripe_app) == []


def test_a_fresh_signature_inside_the_tolerance_is_accepted(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret, int(time.time()) - 250)
    assert response.status_code == 200 and reload(stripe_app, order.id).status == "paid"


def test_without_a_webhook_secret_events_wait(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    secret = fake_stripe.webhook_secret
    stripe_app.config["STRIPE_WEBHOOK_SECRET"] = ""
    response = deliver(stripe_app.test_client(), payload, secret)
    assert response.status_code == 503  # our failure: Stripe keeps the event and tries again
    assert _events(stripe_app) == [] and reload(stripe_app, order.id).status == "confirmed"


def test_an_amount_other_than_what_is_due_does_not_pay(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)  # 380.000 ₫ while the whole amount was due
    with app_session(stripe_app) as session:
        recording.choose_payment_option(session, session.get(Order, order.id), "deposit")  # now 114.000 ₫ is due
        session.commit()
    response = deliver(stripe_app.test_client(), fake_stripe.complete(session_id), fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "amount_mismatch"
    assert reload(stripe_app, order.id).status == "confirmed" and _payments(stripe_app) == []
    [event] = _events(stripe_app)
    assert (event.outcome, event.order_id, event.amount_vnd) == ("amount_mismatch", order.id, 380_000)


def test_a_deposit_then_the_balance(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop, option="deposit")
    client = stripe_app.test_client()
    deposit = fake_stripe.complete(open_session(stripe_app, order))
    assert deliver(client, deposit, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    after_deposit = reload(stripe_app, order.id)
    assert (after_deposit.status, after_deposit.amount_paid_vnd) == ("paid", 114_000)
    balance = fake_stripe.complete(open_session(stripe_app, order))
    assert json.loads(balance)["data"]["object"]["amount_total"] == 266_000
    assert deliver(client, balance, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    assert reload(stripe_app, order.id).amount_paid_vnd == 380_000
    assert [p.amount_vnd for p in _payments(stripe_app, order.id)] == [114_000, 266_000]


def test_expiry_after_completion_is_harmless(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    completed = fake_stripe.complete(session_id)
    late_expiry = variant(completed, type="checkout.session.expired", status="expired", payment_status="unpaid",
                          created=json.loads(completed)["created"] - 60)
    client = stripe_app.test_client()
    assert deliver(client, completed, fake_stripe.webhook_secret).status_code == 200
    assert deliver(client, late_expiry, fake_stripe.webhook_secret).get_json()["outcome"] == "expired"
    assert reload(stripe_app, order.id).status == "paid"
    [checkout] = in_db(stripe_app, select(CardCheckout))
    assert checkout.status == "complete"


def test_payment_for_a_cancelled_order_is_stored_not_applied(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    with app_session(stripe_app) as session:
        orders.change(session, session.get(Order, order.id), "cancel", actor="buyer", user=session.merge(shop.buyer),
                      today=today_in_vietnam())
        session.commit()
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "not_payable"
    assert reload(stripe_app, order.id).status == "cancelled" and _payments(stripe_app) == []
    assert [e.outcome for e in _events(stripe_app)] == ["not_payable"]


def test_other_events_are_stored_and_ignored(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    fake_stripe.complete(open_session(stripe_app, order))
    others = fake_stripe.events("payment_intent.succeeded")  # localstripe's own event for the card charge
    assert others
    client = stripe_app.test_client()
    for payload in others:
        assert deliver(client, payload, fake_stripe.webhook_secret).get_json()["outcome"] == "ignored"
    assert reload(stripe_app, order.id).status == "confirmed"
    assert [e.type for e in _events(stripe_app)] == ["payment_intent.succeeded"] * len(others)


def test_an_event_naming_another_order_than_its_session(stripe_app, fake_stripe, shop):
    # Our session, but the event says another order: the order comes from our record of the
    # session only, and a mismatch is not paid at all.
    order = confirmed_order(stripe_app, shop)
    payload = variant(fake_stripe.complete(open_session(stripe_app, order)), client_reference_id="999999",
                      metadata={"order_id": "999999"})
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "unknown_session" and _payments(stripe_app) == []
    assert reload(stripe_app, order.id).status == "confirmed"


def test_a_thousand_events_shuffled_with_duplicates(stripe_app, fake_stripe, shop):
    """~100 orders. 70 are paid (each completion delivered several times, with a late expiry of
    the same session thrown in), 15 let their session expire, 15 are cancelled before the
    completion arrives; localstripe's own payment events and events of other kinds fill up to
    1,000 deliveries, all shuffled."""
    rng = random.Random(8)
    paid, expired, cancelled = [], [], []
    deliveries: list[str] = []
    for n in range(100):
        order = confirmed_order(stripe_app, shop, quantity=str(1 + n % 9))
        session_id = open_session(stripe_app, order)
        if n < 70:
            completed = fake_stripe.complete(session_id)
            deliveries += [completed] * rng.randint(3, 9)
            deliveries.append(variant(completed, type="checkout.session.expired", status="expired"))
            paid.append(order)
        elif n < 85:
            deliveries += [fake_stripe.expire(session_id)] * rng.randint(1, 4)
            expired.append(order)
        else:
            deliveries += [fake_stripe.complete(session_id)] * rng.randint(2, 5)
            cancelled.append(order)
    with app_session(stripe_app) as session:
        for order in cancelled:
            orders.change(session, session.get(Order, order.id), "cancel", actor="buyer",
                          user=session.merge(shop.buyer), today=today_in_vietnam())
        session.commit()
    noise = fake_stripe.events("payment_intent.succeeded")
    while len(deliveries) < 1000:
        payload = rng.choice(noise)
        deliveries.append(payload if rng.random() < 0.5 else variant(payload, type="charge.updated"))
    deliveries = deliveries[:1000]
    rng.shuffle(deliveries)
    assert len(deliveries) == 1000

    client = stripe_app.test_client()
    outcomes = Counter()
    for payload in deliveries:
        response = deliver(client, payload, fake_stripe.webhook_secret)
        assert response.status_code == 200, response.get_data(as_text=True)
        outcomes[response.get_json()["outcome"]] += 1

    assert outcomes["recorded"] == len(paid)
    distinct = {json.loads(p)["id"] for p in deliveries}
    assert len(_events(stripe_app)) == len(distinct)  # every event id stored exactly once
    assert outcomes["duplicate"] == 1000 - len(distinct)
    payments = _payments(stripe_app)
    assert Counter(p.order_id for p in payments) == Counter({o.id: 1 for o in paid})  # one payment per paid order
    for order in paid:
        after = reload(stripe_app, order.id)
        assert after.status == "paid" and after.amount_paid_vnd == after.amount_vnd
    assert {reload(stripe_app, o.id).status for o in expired} == {"confirmed"}
    assert {reload(stripe_app, o.id).status for o in cancelled} == {"cancelled"}
    with app_session(stripe_app) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == len(paid)

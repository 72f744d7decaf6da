"""Card payments off the beaten path: Stripe answering something else than what was asked, delayed
payments that fail, event types we do not act on, money in another currency, the worker without
Stripe configured, two worker rounds that overlap, and Stripe configured by halves.

Each test says what the buyer, staff or Stripe sees, and what is stored."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from marketplace import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Payment
from marketplace.orders.payments import stripe_services
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.orders.payments.stripe import StripeCheckout, checkout_for
from tests.clients import app_session, signed_in
from tests.database import make_test_app
from tests.factories import make_user
from tests.integration.payments.helpers import (
    cancel_as_buyer,
    confirmed_order,
    deliver,
    in_db,
    open_session,
    pay_by_card,
    reload,
    session_creations,
    variant,
)


def _flashes(client, location: str) -> str:
    page = client.get(location).get_data(as_text=True)
    return " ".join(part.split("</p>", 1)[0] for part in page.split('class="flash flash-error">')[1:])


# -- Stripe answering another session than the one asked for ------------------------------------------

def _answer(amount_total, currency, url):
    return {"id": "cs_test_not_what_we_asked", "object": "checkout.session", "amount_total": amount_total,
            "currency": currency, "url": url, "status": "open", "payment_status": "unpaid",
            "expires_at": int(time.time()) + 3600}


@pytest.mark.parametrize("answer", [
    _answer(1_000, "vnd", "https://checkout.stripe.test/c/pay/cs_test_not_what_we_asked"),
    _answer(380_000, "usd", "https://checkout.stripe.test/c/pay/cs_test_not_what_we_asked"),
    _answer(380_000, "vnd", None),
], ids=["another amount", "another currency", "no page to pay on"])
def test_a_session_stripe_opened_for_anything_but_the_amount_due_is_never_shown(stripe_app, fake_stripe, shop,
                                                                                answer, caplog):
    order = confirmed_order(stripe_app, shop)  # 380.000 ₫ due
    client = signed_in(stripe_app, shop.buyer, "en")
    fake_stripe.answer_next(answer)
    with caplog.at_level(logging.ERROR, logger="marketplace"):
        response = pay_by_card(client, order.id)
    # The buyer stays on the order page with a message, never sent to pay another amount.
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}#pay")
    assert "Card payment is not available right now" in _flashes(client, response.headers["Location"])
    assert in_db(stripe_app, select(CardCheckout)) == []
    assert f"Stripe answered order {order.id}" in caplog.text
    assert reload(stripe_app, order.id).status == "confirmed"


def test_stripe_refusing_the_amount_as_too_large_sends_the_buyer_to_bank_transfer(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    client = signed_in(stripe_app, shop.buyer, "en")
    # Stripe's own limit (in the account's settlement currency) can be lower than eight digits of đồng.
    fake_stripe.fail_next(400, "Amount must be no more than $999,999.99", type_="invalid_request_error",
                          code="amount_too_large")
    response = pay_by_card(client, order.id)
    assert response.status_code == 302
    flashed = _flashes(client, response.headers["Location"])
    assert "too large for a card payment" in flashed and "bank transfer" in flashed
    assert in_db(stripe_app, select(CardCheckout)) == []


@pytest.mark.parametrize("amount", [0, -380_000])
def test_a_session_for_nothing_is_never_asked_of_stripe(stripe_app, fake_stripe, amount):
    checkout = StripeCheckout(fake_stripe.api_key, api_base=fake_stripe.base_url, site="http://shop.test")
    with pytest.raises(ValueError, match="above zero"):
        checkout.create_session(order_id=7, order_ref="CHQ-000007", title="Xoài", amount_vnd=amount, attempt=1,
                                success_url="http://shop.test/ok", cancel_url="http://shop.test/no")
    assert session_creations(fake_stripe) == []


def _staff_watching_an_open_session(app, shop, staff_name: str):
    """A staff member (told of money to settle by hand), a confirmed order and its open Checkout Session."""
    with app_session(app):
        staff = make_user("staff", name=staff_name)
    order = confirmed_order(app, shop)
    return staff, order, open_session(app, order)


# -- events: a delayed payment that fails, a type we do not act on, another currency -----------------

def test_a_delayed_payment_that_fails_leaves_the_order_waiting_and_the_buyer_may_pay_again(stripe_app, fake_stripe,
                                                                                         shop):
    staff, order, session_id = _staff_watching_an_open_session(stripe_app, shop, "Cán bộ thanh toán chậm")
    webhook = stripe_app.test_client()
    completed = fake_stripe.complete(session_id, asynchronous=True)
    assert deliver(webhook, completed, fake_stripe.webhook_secret).get_json()["outcome"] == "unpaid"
    failed = fake_stripe.settle_async(session_id, succeeded=False)
    assert json.loads(failed)["type"] == "checkout.session.async_payment_failed"
    response = deliver(webhook, failed, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "payment_failed"

    after = reload(stripe_app, order.id)
    assert (after.status, after.amount_paid_vnd) == ("confirmed", 0)
    assert in_db(stripe_app, select(Payment)) == []
    events = in_db(stripe_app, select(StripeEvent).order_by(StripeEvent.id))
    assert [(e.outcome, e.refund_status) for e in events] == [("unpaid", None), ("payment_failed", None)]
    # No money was taken: nothing for staff to settle, nothing to refund.
    assert in_db(stripe_app, select(Notification).where(Notification.user_id == staff.id)) == []
    # The buyer can try again: a new session, not the finished one.
    again = pay_by_card(signed_in(stripe_app, shop.buyer), order.id)
    assert again.status_code == 303 and session_id not in again.headers["Location"]
    assert fake_stripe.session(again.headers["Location"].rsplit("/", 1)[1])["amount_total"] == 380_000


def test_an_event_type_about_our_session_we_do_not_act_on_changes_nothing(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    paid = fake_stripe.complete(session_id)
    # A type Stripe may add one day (the endpoint receives what it is subscribed to).
    other = variant(paid, type="checkout.session.updated")
    webhook = stripe_app.test_client()
    response = deliver(webhook, other, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "ignored"
    assert reload(stripe_app, order.id).status == "confirmed"
    [checkout] = in_db(stripe_app, select(CardCheckout).where(CardCheckout.session_id == session_id))
    assert checkout.status == "open"
    # The real event still pays the order: the ignored one took nothing from it.
    assert deliver(webhook, paid, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    assert reload(stripe_app, order.id).status == "paid"


def test_our_session_paid_in_another_currency_is_not_recorded_and_goes_back_to_the_card(stripe_app, fake_stripe,
                                                                                       shop):
    staff, order, session_id = _staff_watching_an_open_session(stripe_app, shop, "Cán bộ ngoại tệ")
    in_dollars = variant(fake_stripe.complete(session_id), currency="usd")  # the same number, not đồng
    response = deliver(stripe_app.test_client(), in_dollars, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "wrong_currency"
    after = reload(stripe_app, order.id)
    assert (after.status, after.amount_paid_vnd) == ("confirmed", 0)
    assert in_db(stripe_app, select(Payment)) == []
    [event] = in_db(stripe_app, select(StripeEvent))
    assert (event.order_id, event.refund_status) == (order.id, "pending")

    assert stripe_app.test_cli_runner().invoke(args=["orders", "expire"]).exit_code == 0  # the worker
    intent = fake_stripe.session(session_id)["payment_intent"]
    [refund] = fake_stripe.refunds(intent)
    assert refund["amount"] == 380_000
    kinds = in_db(stripe_app, select(Notification.kind).where(Notification.user_id == shop.buyer.id))
    assert "order_refunded" in kinds
    page = signed_in(stripe_app, staff, "en").get("/staff/payments/unapplied").get_data(as_text=True)
    assert "Paid in another currency than đồng." in page and "Refunded to the card" in page


# -- the worker: without Stripe, and two rounds at once -----------------------------------------------

def test_without_stripe_configured_a_session_to_expire_waits_then_lapses(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    cancel_as_buyer(stripe_app, shop, order.id)  # marked to expire at Stripe
    with app_session(stripe_app) as session:
        report = stripe_services.expire_retired_checkouts(session, datetime.now(UTC), None, commit=session.commit)
        session.commit()
    assert (report.expired, report.lapsed, report.failed) == (0, 0, 0)
    [checkout] = in_db(stripe_app, select(CardCheckout).where(CardCheckout.session_id == session_id))
    assert checkout.status == "expiring"  # still to do, once Stripe is configured again
    assert not [r for r in fake_stripe.requests if r["path"].endswith("/expire")]
    # Past its expiry time Stripe has closed it anyway: settled without asking.
    with app_session(stripe_app) as session:
        report = stripe_services.expire_retired_checkouts(session, datetime.now(UTC) + timedelta(days=2), None,
                                                           commit=session.commit)
        session.commit()
    assert report.lapsed == 1
    [checkout] = in_db(stripe_app, select(CardCheckout).where(CardCheckout.session_id == session_id))
    assert checkout.status == "expired"


class _AnotherRoundMeanwhile:
    """Stripe as one worker round sees it while a second round runs whole: the second reads the
    same pending refund, refunds it and records it before the first one's answer comes back."""

    def __init__(self, session, checkout: StripeCheckout) -> None:
        self.session, self.checkout = session, checkout
        self.other_report: stripe_services.RefundReport | None = None

    def refund_payment(self, payment_intent: str, *, event_id: str):
        self.other_report = stripe_services.refund_unapplied(self.session, datetime.now(UTC), self.checkout,
                                                             commit=self.session.commit)
        self.session.commit()
        return self.checkout.refund_payment(payment_intent, event_id=event_id)


def test_two_refund_rounds_that_overlap_refund_once_and_tell_once(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    cancel_as_buyer(stripe_app, shop, order.id)
    payload = fake_stripe.complete(session_id)  # paid in a tab left open: not applied, to refund
    assert deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret).get_json()["outcome"] == \
        "not_payable"
    with app_session(stripe_app) as session:
        meanwhile = _AnotherRoundMeanwhile(session, checkout_for(stripe_app))
        report = stripe_services.refund_unapplied(session, datetime.now(UTC), meanwhile,  # type: ignore[arg-type]
                                                  commit=session.commit)
        session.commit()
    assert meanwhile.other_report is not None and meanwhile.other_report.refunded == 1
    assert (report.refunded, report.failed, report.given_up) == (0, 0, 0)  # found it done: not counted again
    intent = fake_stripe.session(session_id)["payment_intent"]
    assert len(fake_stripe.refunds(intent)) == 1  # the same idempotency key: Stripe refunded once
    [event] = in_db(stripe_app, select(StripeEvent))
    assert (event.refund_status, event.refund_attempts) == ("refunded", 1)
    told = in_db(stripe_app, select(Notification).where(Notification.user_id == shop.buyer.id,
                                                        Notification.kind == "order_refunded"))
    assert len(told) == 1


# -- configuration ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("settings", "missing"), [
    ({"STRIPE_SECRET_KEY": "sk_test_half", "STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET"),
    ({"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": "whsec_half"}, "STRIPE_SECRET_KEY"),
])
def test_stripe_configured_by_halves_is_said_at_start_and_card_payment_not_offered(tmp_path, caplog, settings,
                                                                                  missing):
    with caplog.at_level(logging.WARNING, logger="marketplace"):
        half = make_test_app(f"sqlite:///{tmp_path / 'half.db'}", **settings)
    try:
        warned = [r.getMessage() for r in caplog.records if "card payment is not offered" in r.getMessage()]
        assert warned == [f"{missing} is not set: card payment is not offered until both Stripe settings are"]
        from marketplace.orders.payments.stripe import available

        assert available(half) is False
    finally:
        db.get_engine(half).dispose()


def test_stripe_configured_fully_or_not_at_all_says_nothing(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="marketplace"):
        apps = [make_test_app(f"sqlite:///{tmp_path / 'none.db'}", STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET=""),
                make_test_app(f"sqlite:///{tmp_path / 'full.db'}", STRIPE_SECRET_KEY="sk_test_full",
                              STRIPE_WEBHOOK_SECRET="whsec_full")]
    try:
        assert not [r for r in caplog.records if "Stripe settings" in r.getMessage()]
    finally:
        for one in apps:
            db.get_engine(one).dispose()

"""Card payments after review: only a session this site opened can pay an order; the open
sessions of an order that stopped waiting for money are expired at Stripe by the worker after
commit; money taken but not applied is listed for staff, who are told in the bell."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from marketplace.notifications.models import Notification
from marketplace.notifications.presentation import describe
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import recording, stripe_services
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.orders.payments.stripe import checkout_for
from tests.clients import app_session, login
from tests.factories import make_user
from tests.integration.payments.helpers import (
    cancel_as_buyer,
    confirmed_order,
    deliver,
    foreign_session,
    in_db,
    open_session,
    reload,
    variant,
)


def _staff(app):
    with app_session(app):
        return make_user("staff", name="Cán bộ thử thẻ")


def _notices(app, user_id: int) -> list[Notification]:
    return in_db(app, select(Notification).where(Notification.user_id == user_id, Notification.kind == "order_unapplied"))


def _checkout_status(app, session_id: str) -> str:
    [row] = in_db(app, select(CardCheckout).where(CardCheckout.session_id == session_id))
    return row.status


def _expire_round(app):
    """What the worker's orders step does after its commit."""
    with app_session(app) as session:
        report = stripe_services.expire_retired_checkouts(session, datetime.now(UTC), checkout_for(app),
                                                           commit=session.commit)
        session.commit()
        return report


# -- finding 1: a session we did not open never pays our order -------------------------------------

def test_a_session_this_site_did_not_open_does_not_pay_our_order(stripe_app, fake_stripe, shop, caplog):
    staff = _staff(stripe_app)
    order = confirmed_order(stripe_app, shop)
    foreign = foreign_session(stripe_app, fake_stripe, order, 380_000, email="nguoi.mua@example.test")
    payload = fake_stripe.complete(foreign)
    assert json.loads(payload)["data"]["object"]["metadata"]["order_id"] == str(order.id)  # it names our order
    with caplog.at_level(logging.INFO, logger="marketplace"):
        response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_session"
    after = reload(stripe_app, order.id)
    assert (after.status, after.amount_paid_vnd) == ("confirmed", 0)
    assert in_db(stripe_app, select(Payment)) == []
    [event] = in_db(stripe_app, select(StripeEvent))
    assert (event.outcome, event.order_id, event.session_id, event.amount_vnd) == \
        ("unknown_session", None, foreign, 380_000)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert foreign in logged
    assert "nguoi.mua@example.test" not in logged  # no personal data in the log
    [notice] = _notices(stripe_app, staff.id)
    assert notice.url == "/staff/payments/unapplied"


def test_our_session_with_another_amount_than_we_opened_does_not_pay(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    forged = variant(fake_stripe.complete(session_id), amount_total=1_000)
    response = deliver(stripe_app.test_client(), forged, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "unknown_session"
    assert reload(stripe_app, order.id).status == "confirmed"


# -- finding 2a: sessions of an order that stopped waiting for money are expired ---------------------


def _transfer(app, shop, order_id):
    with app_session(app) as session:
        order = session.get(Order, order_id)
        assert recording.mark_received(session, order, "380.000", session.merge(shop.seller), token="bank-1")
        session.commit()


def _deposit(app, shop, order_id):
    with app_session(app) as session:
        recording.choose_payment_option(session, session.get(Order, order_id), "deposit")
        session.commit()


@pytest.mark.parametrize("change", [cancel_as_buyer, _transfer, _deposit], ids=["cancelled", "paid by transfer",
                                                                        "deposit chosen"])
def test_an_order_that_stops_waiting_for_that_amount_has_its_session_expired(stripe_app, fake_stripe, shop, change):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    change(stripe_app, shop, order.id)
    # Marked in the change's transaction; Stripe is not called from inside it.
    assert _checkout_status(stripe_app, session_id) == "expiring"
    assert fake_stripe.session(session_id)["status"] == "open"
    assert not [r for r in fake_stripe.requests if r["path"].endswith("/expire")]
    # The worker's orders step (the CLI runs the same round) expires it at Stripe.
    result = stripe_app.test_cli_runner().invoke(args=["orders", "expire"])
    assert result.exit_code == 0, result.output
    assert fake_stripe.session(session_id)["status"] == "expired"
    assert _checkout_status(stripe_app, session_id) == "expired"
    with pytest.raises(AssertionError, match="only open sessions can be paid"):
        fake_stripe.complete(session_id)  # the tab left open can no longer take the money


def test_the_card_button_expires_a_session_marked_to_expire(stripe_app, fake_stripe, shop):
    from tests.clients import csrf_token

    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    _deposit(stripe_app, shop, order.id)
    client = stripe_app.test_client()
    login(client, shop.buyer)
    response = client.post(f"/orders/{order.id}/pay/card", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert fake_stripe.session(session_id)["status"] == "expired"
    assert _checkout_status(stripe_app, session_id) == "expired"


def test_expiry_tolerates_stripe_failing_and_tries_again(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    cancel_as_buyer(stripe_app, shop, order.id)
    fake_stripe.fail_next(500)  # Stripe failing on its side (the library does not retry a plain 500)
    report = _expire_round(stripe_app)
    assert (report.expired, report.failed) == (0, 1)
    assert _checkout_status(stripe_app, session_id) == "expiring"
    report = _expire_round(stripe_app)
    assert (report.expired, report.failed) == (1, 0)
    assert fake_stripe.session(session_id)["status"] == "expired"


def test_a_session_past_its_expiry_time_is_not_sent_to_stripe(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    cancel_as_buyer(stripe_app, shop, order.id)
    with app_session(stripe_app) as session:
        session.execute(update(CardCheckout).where(CardCheckout.session_id == session_id)
                        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        session.commit()
    report = _expire_round(stripe_app)
    assert report.lapsed == 1
    assert not [r for r in fake_stripe.requests if r["path"].endswith("/expire")]
    assert _checkout_status(stripe_app, session_id) == "expired"


# -- finding 2b: money taken but not applied is listed for staff -----------------------------------

def test_paid_in_an_old_tab_before_the_worker_ran_is_listed_for_staff(stripe_app, fake_stripe, shop):
    staff = _staff(stripe_app)
    order = confirmed_order(stripe_app, shop)
    session_id = open_session(stripe_app, order)
    cancel_as_buyer(stripe_app, shop, order.id)
    payload = fake_stripe.complete(session_id)  # the buyer paid in a tab left open, before the worker ran
    report = _expire_round(stripe_app)  # Stripe says it is not open any more: settled, not retried
    assert (report.expired, report.failed) == (1, 0)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "not_payable"
    assert _checkout_status(stripe_app, session_id) == "complete"
    assert _notices(stripe_app, staff.id) == []  # refunded by the worker (test_refunds.py), not by hand
    with stripe_app.test_request_context(), force_locale("en"):
        text = describe("order_unapplied", {"ref": order.ref, "amount_vnd": 380_000, "outcome": "not_payable"})
    assert order.ref in text and "380,000 ₫" in text and "not applied" in text  # when Stripe will not refund

    client = stripe_app.test_client()
    login(client, staff)
    page = client.get("/staff/payments/unapplied?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert order.ref in html and "380,000 ₫" in html and session_id in html
    assert "no longer waiting for money" in html and "Being refunded through Stripe" in html
    orders_page = client.get("/orders?lang=en").get_data(as_text=True)
    assert 'data-testid="unapplied-link"' in orders_page


def test_the_unapplied_payments_page_is_for_staff_only(stripe_app, shop):
    for user in (shop.seller, shop.buyer):
        client = stripe_app.test_client()
        login(client, user)
        assert client.get("/staff/payments/unapplied").status_code == 403
    anonymous = stripe_app.test_client().get("/staff/payments/unapplied")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_recorded_payment_is_not_listed(stripe_app, fake_stripe, shop):
    staff = _staff(stripe_app)
    order = confirmed_order(stripe_app, shop)
    payload = fake_stripe.complete(open_session(stripe_app, order))
    assert deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret).get_json()["outcome"] == "recorded"
    client = stripe_app.test_client()
    login(client, staff)
    html = client.get("/staff/payments/unapplied?lang=en").get_data(as_text=True)
    assert order.ref not in html and "every card payment was applied" in html
    assert _notices(stripe_app, staff.id) == []

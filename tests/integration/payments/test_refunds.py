"""Card money taken but not applied to an order goes back to the card: when it was paid in a
checkout this site opened (the order was cancelled or paid another way meanwhile, another amount,
another currency) the worker refunds it through Stripe's API after the webhook's commit, once
however often it runs or Stripe fails, and tells the buyer and staff. A payment in a checkout
this site did not open is never refunded by us (it may be another installation's): staff settle
it, as they do when Stripe refuses a refund."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select, update

from marketplace.notifications.models import Notification
from marketplace.notifications.presentation import describe
from marketplace.orders.models import Order
from marketplace.orders.payments import stripe_services
from marketplace.orders.payments.models import StripeEvent
from marketplace.orders.payments.stripe import checkout_for
from tests.clients import app_session, login
from tests.factories import make_board_member, make_org, make_user
from tests.integration.payments.helpers import (
    cancel_as_buyer,
    confirmed_order,
    deliver,
    foreign_session,
    in_db,
    open_session,
    reload,
)


def _refund_round(app, now: datetime | None = None):
    """What the worker's orders step does after its commits."""
    with app_session(app) as session:
        report = stripe_services.refund_unapplied(session, now or datetime.now(UTC), checkout_for(app),
                                                   commit=session.commit)
        session.commit()
        return report


def _event(app, session_id: str) -> StripeEvent:
    [row] = in_db(app, select(StripeEvent).where(StripeEvent.session_id == session_id))
    return row


def _notices(app, user_id: int, kind: str) -> list[Notification]:
    return in_db(app, select(Notification).where(Notification.user_id == user_id, Notification.kind == kind))


def _paid_after_cancelling(app, fake_stripe, shop) -> tuple[Order, str]:
    """The buyer paid in a tab left open after the order was cancelled: not applied."""
    order = confirmed_order(app, shop)
    session_id = open_session(app, order)
    cancel_as_buyer(app, shop, order.id)
    payload = fake_stripe.complete(session_id)
    assert deliver(app.test_client(), payload, fake_stripe.webhook_secret).get_json()["outcome"] == "not_payable"
    return order, session_id


def test_money_no_order_could_take_is_refunded_once_and_both_sides_are_told(stripe_app, fake_stripe, shop):
    with app_session(stripe_app):
        staff = make_user("staff", name="Cán bộ hoàn tiền")
    order, session_id = _paid_after_cancelling(stripe_app, fake_stripe, shop)
    event = _event(stripe_app, session_id)
    intent = fake_stripe.session(session_id)["payment_intent"]
    assert (event.refund_status, event.payment_intent) == ("pending", intent)
    assert fake_stripe.refunds(intent) == []  # never from inside the webhook's transaction
    assert _notices(stripe_app, staff.id, "order_unapplied") == []  # nothing for staff to do by hand

    result = stripe_app.test_cli_runner().invoke(args=["orders", "expire"])  # the worker's orders step
    assert result.exit_code == 0, result.output
    [refund] = fake_stripe.refunds(intent)
    assert (refund["amount"], refund["status"]) == (380_000, "succeeded")
    event = _event(stripe_app, session_id)
    assert (event.refund_status, event.refund_id, event.refund_attempts) == ("refunded", refund["id"], 1)
    [request] = [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert request["idempotency_key"] and event.event_id in request["idempotency_key"]

    # Again and again: nothing more is sent, nothing refunded twice, nobody told twice.
    assert _refund_round(stripe_app).refunded == 0
    stripe_app.test_cli_runner().invoke(args=["orders", "expire"])
    assert len(fake_stripe.refunds(intent)) == 1
    assert len([r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]) == 1
    [staff_notice] = _notices(stripe_app, staff.id, "order_refunded")
    [buyer_notice] = _notices(stripe_app, shop.buyer.id, "order_refunded")
    assert buyer_notice.url == f"/orders/{order.id}"
    with stripe_app.test_request_context(), force_locale("vi"):
        text = describe(buyer_notice.kind, buyer_notice.params)
    assert order.ref in text and "380.000" in text and "hoàn" in text
    assert reload(stripe_app, order.id).amount_paid_vnd == 0

    client = stripe_app.test_client()
    login(client, staff)
    html = client.get("/staff/payments/unapplied?lang=en").get_data(as_text=True)
    assert order.ref in html and "Refunded to the card" in html and refund["id"] in html


def test_a_refund_stripe_does_not_answer_is_tried_again_later_then_left_to_staff(stripe_app, fake_stripe, shop):
    with app_session(stripe_app):
        staff = make_user("staff", name="Cán bộ hoàn tiền 2")
    _order, session_id = _paid_after_cancelling(stripe_app, fake_stripe, shop)
    intent = fake_stripe.session(session_id)["payment_intent"]
    now = datetime.now(UTC)
    fake_stripe.fail_next(500)
    report = _refund_round(stripe_app, now)
    assert (report.refunded, report.failed) == (0, 1)
    assert (_event(stripe_app, session_id).refund_status, _event(stripe_app, session_id).refund_attempts) == \
        ("pending", 1)
    # Not again at once: after a minute.
    assert _refund_round(stripe_app, now + timedelta(seconds=10)).failed == 0
    assert len([r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]) == 1
    for _ in range(len(stripe_services.REFUND_RETRY_DELAYS)):
        fake_stripe.fail_next(500)
        now += timedelta(hours=5)
        _refund_round(stripe_app, now)
    event = _event(stripe_app, session_id)
    assert event.refund_status == "failed" and fake_stripe.refunds(intent) == []
    [notice] = _notices(stripe_app, staff.id, "order_unapplied")  # now staff settle it by hand
    assert notice.url == "/staff/payments/unapplied"
    client = stripe_app.test_client()
    login(client, staff)
    assert "Stripe did not refund it" in client.get("/staff/payments/unapplied?lang=en").get_data(as_text=True)


def test_a_payment_already_refunded_at_stripe_is_left_to_staff_not_refunded_again(stripe_app, fake_stripe, shop):
    with app_session(stripe_app):
        staff = make_user("staff", name="Cán bộ hoàn tiền 3")
    _order, session_id = _paid_after_cancelling(stripe_app, fake_stripe, shop)
    intent = fake_stripe.session(session_id)["payment_intent"]
    checkout_for(stripe_app).client.v1.refunds.create({"payment_intent": intent})  # someone did it in the dashboard
    report = _refund_round(stripe_app)
    assert (report.refunded, report.given_up) == (0, 1)
    assert len(fake_stripe.refunds(intent)) == 1
    assert _event(stripe_app, session_id).refund_status == "failed"
    assert len(_notices(stripe_app, staff.id, "order_unapplied")) == 1


def test_a_checkout_this_site_did_not_open_is_never_refunded_by_us(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    foreign = foreign_session(stripe_app, fake_stripe, order, 380_000)
    response = deliver(stripe_app.test_client(), fake_stripe.complete(foreign), fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "unknown_session"
    assert _event(stripe_app, foreign).refund_status is None
    _refund_round(stripe_app)
    assert not [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]


def test_without_stripe_configured_a_pending_refund_waits(stripe_app, fake_stripe, shop):
    _order, session_id = _paid_after_cancelling(stripe_app, fake_stripe, shop)
    with app_session(stripe_app) as session:
        assert stripe_services.refund_unapplied(session, datetime.now(UTC), None, commit=session.commit).refunded == 0
        session.commit()
    assert _event(stripe_app, session_id).refund_status == "pending"


def test_a_refund_another_round_finished_first_is_not_recorded_twice(stripe_app, fake_stripe, shop):
    _order, session_id = _paid_after_cancelling(stripe_app, fake_stripe, shop)
    with app_session(stripe_app) as session:
        session.execute(update(StripeEvent).where(StripeEvent.session_id == session_id)
                        .values(refund_status="refunded", refund_id="re_other"))
        session.commit()
    assert _refund_round(stripe_app).refunded == 0
    assert _event(stripe_app, session_id).refund_id == "re_other"


def test_a_club_that_bought_hears_of_its_refund_through_its_board(stripe_app, shop):
    """A club buys through its buyers and its board (accounts.buyers_of): the chair hears of it."""
    with app_session(stripe_app) as session:
        club = make_org("club", name="Hội quán mua hàng hoàn tiền")
        chair = make_board_member(club, name="Chủ nhiệm mua hàng")
        order = confirmed_order(stripe_app, shop)
        session.get(Order, order.id).buyer_org_id = club.id
        session.flush()
        stripe_services._tell_refunded(session, StripeEvent(order_id=order.id, amount_vnd=380_000,
                                                             outcome="not_payable"))
        session.commit()
        chair_id = chair.id
    [notice] = _notices(stripe_app, chair_id, "order_refunded")
    assert notice.url == f"/orders/{order.id}"

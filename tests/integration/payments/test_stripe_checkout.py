"""Starting a card payment: the real `stripe` library against the fake server, the buttons and
who may press them, reuse of an open session, errors as messages, and the return page."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from marketplace.orders.models import Payment
from marketplace.orders.payments import stripe as stripe_checkout
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.orders.payments.stripe import CardPaymentError, StripeCheckout
from tests.clients import app_session, csrf_token, login, signed_in
from tests.factories import make_org, make_user
from tests.integration.payments.helpers import confirmed_order, deliver, in_db, pay_by_card, reload, session_creations


def _checkout(fake, **kwargs) -> StripeCheckout:
    return StripeCheckout(fake.api_key, api_base=fake.base_url, site="http://shop.test", **kwargs)


def _create(checkout: StripeCheckout, *, order_id=7, amount=1_500_000, attempt=1):
    return checkout.create_session(order_id=order_id, order_ref=f"CHQ-{order_id:06d}", title="Xoài cát Chu",
                                   amount_vnd=amount, attempt=attempt,
                                   success_url="http://shop.test/orders/7/paid?session_id={CHECKOUT_SESSION_ID}",
                                   cancel_url="http://shop.test/orders/7#pay", customer_email="buyer@example.test")


def test_session_in_whole_dong_with_the_order_in_it(stripe_app, fake_stripe):
    opened = _create(_checkout(fake_stripe))
    session = fake_stripe.session(opened.id)
    assert opened.id.startswith("cs_test_") and opened.amount_vnd == 1_500_000
    assert session["object"] == "checkout.session" and session["mode"] == "payment"
    assert session["amount_total"] == 1_500_000 and session["currency"] == "vnd"  # đồng, not "cents"
    assert session["client_reference_id"] == "7"
    assert session["metadata"] == {"order_id": "7", "order_ref": "CHQ-000007", "amount_vnd": "1500000"}
    assert session["payment_status"] == "unpaid" and session["status"] == "open"
    assert session["success_url"].startswith("http://shop.test/orders/7/paid")
    assert session["livemode"] is False and session["url"] == opened.url
    sent = session_creations(fake_stripe)[0]
    assert sent["params"]["line_items"][0]["price_data"]["unit_amount"] == "1500000"
    assert sent["params"]["line_items"][0]["price_data"]["currency"] == "vnd"
    assert sent["idempotency_key"] == stripe_checkout.idempotency_key("http://shop.test", 7, 1_500_000, 1)


def test_a_retry_gets_the_same_session_and_a_new_amount_a_new_one(stripe_app, fake_stripe):
    checkout = _checkout(fake_stripe)
    first, again = _create(checkout), _create(checkout)
    assert again.id == first.id  # same order, amount and attempt: same key, Stripe's first answer
    assert _create(checkout, amount=450_000).id != first.id  # another amount: another key
    assert _create(checkout, attempt=2).id != first.id
    keys = [r["idempotency_key"] for r in session_creations(fake_stripe)]
    assert keys[0] == keys[1] and len(set(keys)) == 3


def test_the_fake_refuses_a_key_reused_with_other_parameters(stripe_app, fake_stripe):
    import stripe

    client = _checkout(fake_stripe).client
    params = {"mode": "payment", "success_url": "http://shop.test/ok",
              "line_items": [{"quantity": 1, "price_data": {"currency": "vnd", "unit_amount": 1000,
                                                            "product_data": {"name": "Dừa"}}}]}
    client.v1.checkout.sessions.create(params, {"idempotency_key": "same-key"})
    params["line_items"][0]["price_data"]["unit_amount"] = 2000
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(params, {"idempotency_key": "same-key"})


def test_the_fake_wants_the_accounts_secret_key(stripe_app, fake_stripe):
    import stripe

    wrong = StripeCheckout("sk_test_not_this_one", api_base=fake_stripe.base_url, max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        wrong.client.v1.checkout.sessions.retrieve("cs_test_x")


def test_amounts_over_eight_digits_are_refused_before_stripe(stripe_app, fake_stripe):
    with pytest.raises(CardPaymentError):
        _create(_checkout(fake_stripe), amount=100_000_000)
    assert session_creations(fake_stripe) == []


def test_stripe_errors_and_timeouts_become_messages(stripe_app, fake_stripe, caplog):
    caplog.set_level(logging.WARNING)
    fake_stripe.fail_next(500)
    with pytest.raises(CardPaymentError) as failed:
        _create(_checkout(fake_stripe))
    assert "bank transfer" in failed.value.message
    fake_stripe.delay_responses(1.5)
    with pytest.raises(CardPaymentError) as slow:
        _create(_checkout(fake_stripe, timeout=0.3, max_network_retries=0))
    assert "did not answer in time" in slow.value.message
    assert fake_stripe.api_key not in caplog.text


def test_no_card_option_without_stripe(app, shop):
    order = confirmed_order(app, shop)
    client = signed_in(app, shop.buyer)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="pay-by-card"' not in page
    assert pay_by_card(client, order.id).status_code == 404


def test_no_card_option_without_the_webhook_secret(stripe_app, shop):
    stripe_app.config["STRIPE_WEBHOOK_SECRET"] = ""
    order = confirmed_order(stripe_app, shop)
    client = stripe_app.test_client()
    login(client, shop.buyer)
    assert 'data-testid="pay-by-card"' not in client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert pay_by_card(client, order.id).status_code == 404


def test_buyer_pays_by_card_and_a_double_click_opens_one_session(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)  # 10 kg at 38.000 ₫/kg
    client = stripe_app.test_client()
    login(client, shop.buyer)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="pay-by-card"' in page
    first, second = pay_by_card(client, order.id), pay_by_card(client, order.id)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith(fake_stripe.base_url + "/c/pay/cs_test_")
    assert len(session_creations(fake_stripe)) == 1  # the second click reused the open session
    [checkout] = in_db(stripe_app, select(CardCheckout).where(CardCheckout.order_id == order.id))
    session = fake_stripe.session(checkout.session_id)
    assert session["amount_total"] == 380_000 == checkout.amount_vnd
    public = stripe_app.config["PUBLIC_URL"]
    assert session["success_url"] == f"{public}/orders/{order.id}/paid?session_id={{CHECKOUT_SESSION_ID}}"
    assert session["cancel_url"] == f"{public}/orders/{order.id}#pay"
    assert session["customer_email"] == shop.buyer.email
    assert reload(stripe_app, order.id).status == "confirmed"  # starting to pay pays nothing


def test_clicks_that_race_get_the_same_session(stripe_app, fake_stripe, shop):
    from marketplace.orders.payments import stripe_services

    order = confirmed_order(stripe_app, shop)
    checkout = _checkout(fake_stripe)
    # Both requests read "no open session, attempt 1" before either stored its session.
    opened = [_create(checkout, order_id=order.id, amount=380_000, attempt=1) for _ in range(2)]
    assert opened[0].id == opened[1].id
    with app_session(stripe_app) as session:
        for one in opened:
            stripe_services.remember_checkout(session, order.id, one, 1)
            session.commit()
    assert len(in_db(stripe_app, select(CardCheckout).where(CardCheckout.order_id == order.id))) == 1


def test_a_changed_amount_expires_the_old_session(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    client = stripe_app.test_client()
    login(client, shop.buyer)
    old = pay_by_card(client, order.id).headers["Location"].rsplit("/", 1)[1]
    client.post(f"/orders/{order.id}/payment-option", data={"csrf_token": csrf_token(client),
                                                            "payment_option": "deposit"})
    new = pay_by_card(client, order.id).headers["Location"].rsplit("/", 1)[1]
    assert new != old
    assert fake_stripe.session(old)["status"] == "expired"
    assert fake_stripe.session(new)["amount_total"] == 114_000  # 30 % of 380.000 ₫
    rows = in_db(stripe_app, select(CardCheckout).where(CardCheckout.order_id == order.id).order_by(CardCheckout.id))
    assert [(r.status, r.attempt) for r in rows] == [("expired", 1), ("open", 2)]


@pytest.mark.parametrize("who", ["seller", "other_buyer", "staff", "anonymous"])
def test_only_the_orders_buyer_may_pay_by_card(stripe_app, fake_stripe, shop, who):
    order = confirmed_order(stripe_app, shop)
    client = stripe_app.test_client()
    with app_session(stripe_app):
        user = {"seller": lambda: shop.seller,
                "other_buyer": lambda: make_user("buyer", make_org("exporter", name="Công ty khác")),
                "staff": lambda: make_user("staff"), "anonymous": lambda: None}[who]()
    if user is not None:
        login(client, user)
    response = pay_by_card(client, order.id)
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404)
    assert session_creations(fake_stripe) == []
    assert client.get(f"/orders/{order.id}/paid").status_code in ((302,) if who == "anonymous" else (403, 404))


def test_nothing_to_pay_is_said_not_sent_to_stripe(stripe_app, fake_stripe, shop):
    with app_session(stripe_app) as session:
        from marketplace.dates import today_in_vietnam
        from marketplace.orders import lifecycle as orders

        order = orders.place_order(session, shop.listing.id, session.merge(shop.buyer_org), session.merge(shop.buyer),
                                   "10", today=today_in_vietnam())
        session.commit()  # requested: the seller has not confirmed, nothing is due yet
    client = stripe_app.test_client()
    login(client, shop.buyer)
    response = pay_by_card(client, order.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}#pay")
    assert session_creations(fake_stripe) == []


def test_too_large_for_a_card(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop, quantity="3000")  # 114.000.000 ₫: nine digits
    client = stripe_app.test_client()
    login(client, shop.buyer)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="pay-by-card"' not in page and 'data-testid="card-too-large"' in page
    assert pay_by_card(client, order.id).status_code == 302
    assert session_creations(fake_stripe) == []


def test_stripe_failure_is_a_message_on_the_order_page(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    client = stripe_app.test_client()
    login(client, shop.buyer)
    fake_stripe.fail_next(500)
    response = pay_by_card(client, order.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}#pay")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page
    assert in_db(stripe_app, select(CardCheckout)) == []


def test_the_return_page_marks_nothing_paid(stripe_app, fake_stripe, shop):
    order = confirmed_order(stripe_app, shop)
    client = stripe_app.test_client()
    login(client, shop.buyer)
    session_id = pay_by_card(client, order.id).headers["Location"].rsplit("/", 1)[1]
    payload = fake_stripe.complete(session_id)  # paid at Stripe; the webhook has not arrived yet
    page = client.get(f"/orders/{order.id}/paid?session_id={session_id}")
    assert page.status_code == 200 and 'data-testid="card-confirming"' in page.get_data(as_text=True)
    assert reload(stripe_app, order.id).status == "confirmed"
    assert in_db(stripe_app, select(Payment).where(Payment.order_id == order.id)) == []
    assert in_db(stripe_app, select(StripeEvent)) == []
    # A forged return (any session id, or none) changes nothing either.
    assert client.get(f"/orders/{order.id}/paid?session_id=cs_test_forged").status_code == 200
    assert reload(stripe_app, order.id).status == "confirmed"

    assert deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret).status_code == 200
    page = client.get(f"/orders/{order.id}/paid?session_id={session_id}").get_data(as_text=True)
    assert 'data-testid="card-confirmed"' in page
    assert reload(stripe_app, order.id).status == "paid"

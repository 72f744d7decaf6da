"""Builders and delivery for the card payment tests (fixtures are in conftest.py)."""

from __future__ import annotations

from flask import Flask

from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.payments import recording
from marketplace.orders.payments.stripe import StripeCheckout
from tests.clients import app_session, csrf_token
from tests.factories import Market as Shop  # the card payment tests call the market a shop
from tests.fakestripe import signed_headers

WEBHOOK = "/payments/stripe/webhook"


def confirmed_order(app: Flask, shop: Shop, quantity: str = "10", *, option: str = "full") -> Order:
    """An order the seller confirmed: waiting for payment (10 kg: 380.000 ₫)."""
    with app_session(app) as session:
        today = today_in_vietnam()
        order = orders.place_order(session, shop.listing.id, session.merge(shop.buyer_org),
                                   session.merge(shop.buyer), quantity, today=today)
        orders.change(session, order, "confirm", actor="seller", user=session.merge(shop.seller), today=today)
        if option == "deposit":
            recording.choose_payment_option(session, order, "deposit")
        session.commit()
        return order


def reload(app: Flask, order_id: int) -> Order:
    with app_session(app) as session:
        order = session.get(Order, order_id)
        session.refresh(order)
        return order


def deliver(client, payload: str | bytes, secret: str, timestamp: int | None = None):
    """POST an event the way Stripe does: raw JSON body, signed."""
    return client.post(WEBHOOK, data=payload, headers=signed_headers(payload, secret, timestamp))


def in_db(app: Flask, statement):
    with app_session(app) as session:
        return session.scalars(statement).all()



def open_session(app: Flask, order: Order) -> str:
    """A Checkout Session for what the order has due, as the card button opens it; its id."""
    from marketplace.orders.payments import stripe_services
    from marketplace.orders.payments.stripe import checkout_for
    from marketplace.orders.rules import amount_due_vnd

    with app_session(app) as session:
        order = session.get(Order, order.id)
        session.refresh(order)
        due = amount_due_vnd(order)
        attempt = stripe_services.next_attempt(session, order.id)
        opened = checkout_for(app).create_session(
            order_id=order.id, order_ref=order.ref, title=order.title, amount_vnd=due, attempt=attempt,
            success_url=f"http://shop.test/orders/{order.id}/paid", cancel_url=f"http://shop.test/orders/{order.id}")
        stripe_services.remember_checkout(session, order.id, opened, attempt)
        session.commit()
    return opened.id


def variant(payload: str, **changes) -> str:
    """Another event made from one (a new id unless given): for events Stripe would send in
    situations the fake does not reach, such as an expiry that arrives after the completion."""
    import json
    import secrets

    event = json.loads(payload)
    event["id"] = changes.pop("id", "evt_" + secrets.token_hex(12))
    for name in ("type", "created"):
        if name in changes:
            event[name] = changes.pop(name)
    event["data"]["object"].update(changes)
    return json.dumps(event, indent=2, sort_keys=True)


def cancel_as_buyer(app: Flask, shop: Shop, order_id: int) -> None:
    with app_session(app) as session:
        orders.change(session, session.get(Order, order_id), "cancel", actor="buyer", user=session.merge(shop.buyer),
                      today=today_in_vietnam())
        session.commit()


def foreign_session(app, fake_stripe, order: Order, amount: int, email: str | None = None) -> str:
    """A session naming our order's id, for exactly what it has due, that this site never opened:
    what another installation sharing the Stripe account (numbering its orders as we do) makes."""
    other_site = StripeCheckout(fake_stripe.api_key, api_base=fake_stripe.base_url, site="https://other.example")
    opened = other_site.create_session(order_id=order.id, order_ref=order.ref, title="Another shop's order",
                                       amount_vnd=amount, attempt=1, success_url="https://other.example/ok",
                                       cancel_url="https://other.example/no", customer_email=email)
    return opened.id


def session_creations(fake) -> list[dict]:
    """The Checkout Sessions the fake Stripe was asked to create."""
    return [r for r in fake.requests if r["method"] == "POST" and r["path"] == "/v1/checkout/sessions"]


def pay_by_card(client, order_id: int):
    """The buyer's "Pay by card" button."""
    return client.post(f"/orders/{order_id}/pay/card", data={"csrf_token": csrf_token(client)})

"""Clicks on "pay by card" that really race: the buyer's six tabs send at the same moment (threads
released by a Barrier, each tab its own client and database connection) on a committed database
of this module's own, against the fake Stripe. One Checkout Session comes out: every tab is sent
to it, one row records it, and Stripe holds one session for the order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import db
from marketplace.orders.payments.models import CardCheckout
from tests.clients import csrf_token, signed_in
from tests.database import own_database_app
from tests.factories import make_market
from tests.fakestripe import FakeStripe
from tests.integration.payments.helpers import confirmed_order, in_db
from tests.races import at_once

TABS = 6


@pytest.fixture(scope="module")
def card_app(tmp_path_factory, fake_stripe: FakeStripe) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "cardrace", STRIPE_SECRET_KEY=fake_stripe.api_key,
                          STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
                          STRIPE_API_BASE=fake_stripe.base_url) as app:
        yield app
        db.get_registry(app).remove()


def test_simultaneous_card_clicks_open_one_session(card_app, fake_stripe):
    fake_stripe.reset()
    with card_app.app_context():
        shop = make_market("Hội quán Đua thẻ", "Công ty Đua thẻ", buyer_kind="exporter", quantity="5000",
                           price_vnd="38000")
    order = confirmed_order(card_app, shop)  # 380.000 ₫ due
    tabs = []
    for _ in range(TABS):
        client = signed_in(card_app, shop.buyer)
        tabs.append((client, csrf_token(client)))

    def click(n: int, go):
        client, token = tabs[n]
        go()
        return client.post(f"/orders/{order.id}/pay/card", data={"csrf_token": token})

    responses = at_once(TABS, click)
    assert [r.status_code for r in responses] == [303] * TABS
    locations = {r.headers["Location"] for r in responses}
    assert len(locations) == 1, locations  # every tab goes to the same session
    [checkout] = in_db(card_app, select(CardCheckout).where(CardCheckout.order_id == order.id))
    assert next(iter(locations)).startswith(f"{fake_stripe.base_url}/c/pay/{checkout.session_id}")
    opened = {r["idempotency_key"] for r in fake_stripe.requests
              if r["method"] == "POST" and r["path"] == "/v1/checkout/sessions"}
    assert len(opened) == 1  # however many tabs asked Stripe, they asked for the same one
    assert fake_stripe.session(checkout.session_id)["amount_total"] == 380_000 == checkout.amount_vnd

"""Card payment tests: the fake Stripe server (one per run), the suite's app pointed at it, and
confirmed orders to pay.

The server is session-scoped (it starts once, on 127.0.0.1); `stripe_app` points the suite's app
at it for one test and empties its store, and puts the app's Stripe settings back afterwards, so
that every other test keeps seeing an app without Stripe (no card option).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.clients import app_session
from tests.factories import make_market
from tests.fakestripe import FakeStripe
from tests.integration.payments.helpers import Shop

STRIPE_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE")


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_app(app: Flask, fake_stripe: FakeStripe) -> Iterator[Flask]:
    saved = {name: app.config[name] for name in STRIPE_SETTINGS}
    fake_stripe.reset()
    app.config.update(STRIPE_SECRET_KEY=fake_stripe.api_key, STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
                      STRIPE_API_BASE=fake_stripe.base_url)
    try:
        yield app
    finally:
        app.config.update(saved)
        app.extensions.pop("stripe_checkout", None)


@pytest.fixture
def shop(app: Flask) -> Shop:
    """A club selling 5.000 kg of mangoes at 38.000 ₫/kg, and an exporter who buys."""
    with app_session(app):
        return make_market("Hội quán Xoài Mỹ Xương thử thẻ", "Công ty Xuất khẩu thử thẻ", buyer_kind="exporter",
                           quantity="5000", price_vnd="38000")

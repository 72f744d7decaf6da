"""The fake Stripe server and an app pointed at it, as the card payment tests use them."""

from tests.integration.payments.conftest import fake_stripe, stripe_app  # noqa: F401 - fixtures

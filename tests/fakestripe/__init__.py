"""A fake Stripe for the test suite: localstripe's server, Checkout Sessions added, signed webhooks.

    fake = FakeStripe().start()         # 127.0.0.1, a free port, memory only
    stripe.StripeClient(fake.api_key, base_addresses={"api": fake.base_url})
    payload = fake.complete(session_id)  # the checkout.session.completed event Stripe would post
    client.post("/payments/stripe/webhook", data=payload, headers=signed_headers(payload, fake.webhook_secret))
"""

from tests.fakestripe.server import FakeStripe
from tests.fakestripe.webhooks import signature_header, signed_headers

__all__ = ["FakeStripe", "signature_header", "signed_headers"]

"""Stripe's webhook signature, written from its documentation (not taken from the stripe library,
so that the library's verification is checked against an independent signer).

`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint's
secret>`; several v1 entries may be present (while a secret is rolled), and test-mode events
also carry a v0 entry signed with a test secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(payload: str | bytes, secret: str, timestamp: int) -> str:
    body = payload if isinstance(payload, bytes) else payload.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(payload: str | bytes, secret: str, timestamp: int | None = None,
                     extra_secrets: tuple[str, ...] = ()) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    parts = [f"t={stamp}", f"v1={signature(payload, secret, stamp)}"]
    parts += [f"v1={signature(payload, other, stamp)}" for other in extra_secrets]
    parts.append(f"v0={signature(payload, 'whsec_test_mode_v0', stamp)}")
    return ",".join(parts)


def signed_headers(payload: str | bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Stripe sends with an event."""
    return {"Stripe-Signature": signature_header(payload, secret, timestamp),
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}

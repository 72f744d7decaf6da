"""How buyers pay: providers behind one small interface.

A provider says whether it can be offered (configured, and the seller able to receive it) and
what the order page needs to show it. Bank transfer by VietQR (`vietqr.py`) is the default for
domestic buyers; card payment through Stripe Checkout (`stripe.py`) is offered only when
STRIPE_SECRET_KEY is set.

The payment use cases live here too, beside the providers that feed them: money received is
recorded and applied to its order through `recording.record_payment`, whatever the provider
(`stripe_services.py` for card events, `recording.apply_statement` for bank statements, a
seller's word through `recording.mark_received`); `bank_accounts.py` keeps the account a VietQR
code names, and `card_sessions.py` retires card sessions an order no longer honours.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from flask import Flask

from marketplace.orders.payments.stripe import available
from marketplace.orders.payments.vietqr import BankTransfer
from marketplace.orders.rules import amount_due_vnd


@runtime_checkable
class PaymentProvider(Protocol):
    name: str  # stored in payments.provider

    def available(self, app: Flask) -> bool:
        """Configured for this app (keys present, etc.)."""

    def offered_for(self, db, order) -> bool:
        """Shown on this order's page now (e.g. the seller has a bank account, something is due)."""


def card_available(app: Flask) -> bool:
    """Card payments only when Stripe is configured (both keys: see payments/stripe.available)."""
    return available(app)


class CardPayment:
    """Stripe Checkout as the order page sees it; the checkout itself lives in payments/stripe.py."""

    name = "stripe"

    def available(self, app: Flask) -> bool:
        return card_available(app)

    def offered_for(self, db, order) -> bool:
        return amount_due_vnd(order) > 0


def providers() -> list[PaymentProvider]:
    return [BankTransfer(), CardPayment()]


def offered(app: Flask, db, order) -> list[str]:
    """Names of the providers to show on this order's page, in order."""
    return [p.name for p in providers() if p.available(app) and p.offered_for(db, order)]

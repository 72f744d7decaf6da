"""Stripe Checkout: the one place that talks to Stripe's API (through the official library).

Card payments are for export buyers and fees. Amounts are whole đồng (VND is a zero-decimal
currency, so Stripe's "smallest unit" is the đồng itself) and always come from the database.
Every create call carries an idempotency key made of the order, the amount and the attempt, so
a double click or a network retry can never open two sessions with different amounts.

Configuration: STRIPE_SECRET_KEY (card payment is offered only when it and STRIPE_WEBHOOK_SECRET
are set), STRIPE_API_BASE (another API address, e.g. the fake server in tests). Nothing here
marks an order paid: that happens only from the signed webhook (stripe_services.handle_event).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe  # the library: absolute imports never find this module itself
from flask import Flask, current_app
from flask_babel import gettext as _

log = logging.getLogger(__name__)

PROVIDER = "stripe"
CURRENCY = "vnd"
# Stripe accepts amounts of up to eight digits in every currency but IDR: 99.999.999 ₫ at most.
MAX_CARD_AMOUNT_VND = 99_999_999
TIMEOUT_SECONDS = 20
NETWORK_RETRIES = 2  # safe: every POST carries an idempotency key


class CardPaymentError(Exception):
    """Stripe could not be reached or refused; `message` is for the buyer, already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OpenedSession:
    id: str
    url: str
    amount_vnd: int
    expires_at: datetime


def available(app: Flask) -> bool:
    """Card payment is offered only when both keys are set: without the webhook secret a payment
    could be taken but never recorded."""
    return bool(app.config.get("STRIPE_SECRET_KEY")) and bool(app.config.get("STRIPE_WEBHOOK_SECRET"))


def idempotency_key(site: str, order_id: int, amount_vnd: int, attempt: int, subject: str = "order") -> str:
    """The same order, amount and attempt always make the same key, so Stripe answers a repeated
    create with the session it already made. `site` keeps two installations that share a Stripe
    account (and so the key namespace) apart."""
    return f"{_site_tag(site)}-{subject}-{order_id}-vnd-{amount_vnd}-attempt-{attempt}"


class StripeCheckout:
    """Creates and expires Checkout Sessions and refunds payments, with an explicit client (never
    the module globals)."""

    def __init__(self, api_key: str, *, api_base: str = "", timeout: float = TIMEOUT_SECONDS,
                 max_network_retries: int = NETWORK_RETRIES, site: str = "") -> None:
        addresses = {"api": api_base.rstrip("/")} if api_base else None
        self.site = site
        self.client = stripe.StripeClient(api_key, base_addresses=addresses,  # type: ignore[arg-type]
                                          http_client=stripe.RequestsClient(timeout=timeout),
                                          max_network_retries=max_network_retries)

    def create_session(self, *, order_id: int, order_ref: str, title: str, amount_vnd: int, attempt: int,
                       success_url: str, cancel_url: str, customer_email: str | None = None,
                       subject: str = "order") -> OpenedSession:
        """A session for `amount_vnd`. `subject` names what is paid: "order" (order_id is an
        order's), or another payable's kind ("booth": order_id is that package's own id), kept
        apart in the idempotency key and the metadata."""
        amount = int(amount_vnd)
        if amount <= 0:
            raise ValueError("a Checkout Session needs an amount above zero")
        if amount > MAX_CARD_AMOUNT_VND:
            raise CardPaymentError(too_large_message())
        metadata = {f"{subject}_id": str(order_id), f"{subject}_ref": order_ref, "amount_vnd": str(amount)}
        params: dict = {
            "mode": "payment",
            "line_items": [{
                "quantity": 1,
                "price_data": {"currency": CURRENCY, "unit_amount": amount,
                               "product_data": {"name": f"{order_ref} · {title}"[:250]}},
            }],
            "client_reference_id": str(order_id) if subject == "order" else f"{subject}-{order_id}",
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if customer_email:
            params["customer_email"] = customer_email
        key = idempotency_key(self.site, order_id, amount, attempt, subject)
        try:
            session = self.client.v1.checkout.sessions.create(params, {"idempotency_key": key})
        except stripe.StripeError as error:
            raise _failure("creating a Checkout Session", order_id, error) from None
        if session.amount_total != amount or session.currency != CURRENCY or not session.url:
            # Never send a buyer to pay another amount than the one due.
            log.error("Stripe answered order %s with %s %s (asked %s vnd); not used", order_id,
                      session.amount_total, session.currency, amount)
            raise CardPaymentError(_("Card payment is not available right now. Please try again later, or pay "
                                     "by bank transfer."))
        return OpenedSession(id=session.id, url=session.url, amount_vnd=amount,
                             expires_at=datetime.fromtimestamp(session.expires_at, UTC))

    def expire_session(self, session_id: str) -> str:
        """Close an open session (the amount due changed, the order stopped waiting for money).

        "expired" when Stripe closed it; "not_open" when Stripe refused because it is not open
        any more (complete or expired: the webhook tells what happened) or does not know it;
        "failed" when Stripe could not be reached or failed on its side (worth trying again)."""
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError as error:
            log.info("Stripe did not expire %s: %s (HTTP %s)", session_id, type(error).__name__,
                     getattr(error, "http_status", None))
            return "not_open"
        except stripe.StripeError as error:
            log.info("Stripe did not expire %s: %s (HTTP %s)", session_id, type(error).__name__,
                     getattr(error, "http_status", None))
            return "failed"
        return "expired"


    def refund_payment(self, payment_intent: str, *, event_id: str) -> RefundResult:
        """Refund the whole of a payment taken that no order could take.

        The idempotency key is the event's, so a retry after a lost answer never refunds twice.
        "refunded" with Stripe's refund id; "refused" when Stripe will not (already refunded, an
        unknown payment: a person looks); "failed" when Stripe could not be reached or failed on
        its side (worth trying again)."""
        key = f"{_site_tag(self.site)}-refund-{event_id}"[:255]
        try:
            refund = self.client.v1.refunds.create(
                {"payment_intent": payment_intent, "metadata": {"stripe_event": event_id}}, {"idempotency_key": key})
        except stripe.InvalidRequestError as error:
            log.warning("Stripe refused to refund %s: %s (code %s)", payment_intent, type(error).__name__,
                        getattr(error, "code", None))
            return RefundResult("refused")
        except stripe.StripeError as error:
            log.info("Stripe did not refund %s: %s (HTTP %s)", payment_intent, type(error).__name__,
                     getattr(error, "http_status", None))
            return RefundResult("failed")
        return RefundResult("refunded", refund.id)


@dataclass(frozen=True)
class RefundResult:
    status: str  # refunded, refused or failed
    refund_id: str | None = None


def _site_tag(site: str) -> str:
    return "chq-" + hashlib.sha256(site.encode("utf-8")).hexdigest()[:10]


def too_large_message() -> str:
    return _("This amount is too large for a card payment (at most 99.999.999 ₫). Please pay by bank "
             "transfer.")


def _failure(action: str, order_id: int, error: stripe.StripeError) -> CardPaymentError:
    """Log what went wrong (the library's messages carry no secret, and the log filter masks keys
    anyway) and give the buyer a message they can act on."""
    status = getattr(error, "http_status", None)
    code = getattr(error, "code", None)
    log.warning("Stripe failed %s for order %s: %s (HTTP %s, code %s): %s", action, order_id,
                type(error).__name__, status, code, getattr(error, "user_message", None) or "")
    if isinstance(error, stripe.APIConnectionError):
        return CardPaymentError(_("The card payment service did not answer in time. Nothing was charged; "
                                  "please try again in a moment."))
    if code == "amount_too_large":
        return CardPaymentError(too_large_message())
    return CardPaymentError(_("Card payment is not available right now. Please try again later, or pay by "
                              "bank transfer."))


def checkout_for(app: Flask | None = None) -> StripeCheckout:
    """The app's StripeCheckout, made from its configuration (and remade if that changed)."""
    app = app or current_app
    config = app.config
    settings = (config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE") or "", config.get("PUBLIC_URL") or "")
    cached = app.extensions.get("stripe_checkout")
    if cached is None or cached[0] != settings:
        cached = (settings, StripeCheckout(settings[0], api_base=settings[1], site=settings[2]))
        app.extensions["stripe_checkout"] = cached
    return cached[1]

"""Card payment pages: start a Stripe Checkout for an order, the page Stripe sends the buyer back
to, and the webhook where Stripe tells us what was paid (the only place an order becomes paid)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import stripe
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.errors import PermissionDenied, or_404
from marketplace.extensions import csrf
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import stripe as stripe_checkout
from marketplace.orders.payments import stripe_services as services
from marketplace.orders.permissions import sides
from marketplace.orders.rules import amount_due_vnd, valid_id
from marketplace.saving import refuse

log = logging.getLogger(__name__)

bp = Blueprint("stripe_payments", __name__)
WEBHOOK_TOLERANCE_SECONDS = 300  # Stripe's default: older signatures are replays


@bp.record_once
def _warn_if_half_configured(state) -> None:
    config = state.app.config
    if bool(config.get("STRIPE_SECRET_KEY")) != bool(config.get("STRIPE_WEBHOOK_SECRET")):
        missing = "STRIPE_WEBHOOK_SECRET" if config.get("STRIPE_SECRET_KEY") else "STRIPE_SECRET_KEY"
        log.warning("%s is not set: card payment is not offered until both Stripe settings are", missing)


@bp.app_context_processor
def card_payment_helpers() -> dict:
    def card_payment_state(due: int | None) -> str | None:
        """What orders/_card_payment.html shows: "ready" (the button), "too_large" (a note), or None."""
        if not due or due <= 0 or not stripe_checkout.available(current_app):
            return None
        return "too_large" if due > stripe_checkout.MAX_CARD_AMOUNT_VND else "ready"

    return {"card_payment_state": card_payment_state}


def _buyers_order(order_id: int) -> Order:
    order = or_404(db.session.get(Order, order_id) if valid_id(order_id) else None)
    if "buyer" not in sides(current_user, order):
        raise PermissionDenied()
    return order


def _order_page(order_id: int) -> str:
    return url_for("orders.show", order_id=order_id) + "#pay"


@bp.route("/orders/<int:order_id>/pay/card", methods=["POST"])
@signed_in
def start(order_id: int):
    """The buyer chose to pay by card: send them to a Checkout Session for what is due now."""
    order = _buyers_order(order_id)
    if not stripe_checkout.available(current_app):
        abort(404)
    due = amount_due_vnd(order)
    if due <= 0:
        return refuse(_("This order is not waiting for a payment."), _order_page(order.id))
    if due > stripe_checkout.MAX_CARD_AMOUNT_VND:
        return refuse(stripe_checkout.too_large_message(), _order_page(order.id))
    now = datetime.now(UTC)
    reusable, attempt = services.checkout_plan(db.session, order.id, due, now)
    if reusable is not None and reusable.url:
        return redirect(reusable.url, code=303)
    stale = services.stale_checkouts(db.session, order.id, due)
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    details = {
        "order_id": order.id, "order_ref": order.ref, "title": order.title, "amount_vnd": due, "attempt": attempt,
        # Stripe puts the session id in place of {CHECKOUT_SESSION_ID}; url_for would escape the braces.
        "success_url": public_url + url_for("stripe_payments.returned", order_id=order.id)
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": public_url + _order_page(order.id),
        "customer_email": current_user.email or None,
    }
    # End the transaction before calling Stripe: on SQLite it holds the write lock until then.
    db.session.commit()
    checkout = stripe_checkout.checkout_for(current_app)
    expiries = {session_id: checkout.expire_session(session_id) for session_id in stale}
    try:
        opened = checkout.create_session(**details)
    except stripe_checkout.CardPaymentError as error:
        return refuse(error.message, _order_page(order_id))
    for session_id, outcome in expiries.items():
        # One Stripe did not answer about is left for the worker to expire (expire_retired_checkouts).
        services.mark_checkout(db.session, session_id, "expiring" if outcome == "failed" else "expired")
    services.remember_checkout(db.session, order_id, opened, attempt)
    db.session.commit()
    return redirect(opened.url, code=303)


@bp.route("/orders/<int:order_id>/paid")
@signed_in
def returned(order_id: int):
    """Where Stripe sends the buyer after paying. It only reads: a browser arriving here proves
    nothing (anyone can open this address), so the order is marked paid by the webhook alone."""
    order = _buyers_order(order_id)
    session_id = request.args.get("session_id", "")[:255]
    confirmed = bool(session_id) and db.session.scalar(
        select(Payment.id).where(Payment.order_id == order.id, Payment.provider == stripe_checkout.PROVIDER,
                                 Payment.reference == session_id)) is not None
    return render_template("payments/card_return.html", order=order, confirmed=confirmed)


def _rejected(reason: str, status: int = 400):
    log.warning("Stripe webhook rejected: %s", reason)
    return jsonify({"error": reason}), status


@bp.route("/payments/stripe/webhook", methods=["POST"])
@public
@csrf.exempt
def webhook():
    """Stripe's events. A bad signature, a stale one (over 300 s) or an unreadable body is a 400
    before the database is touched; a repeat is a 200 that changes nothing; our own failure is a
    500, so that Stripe delivers the event again later."""
    header = request.headers.get("Stripe-Signature")
    if not header:
        return _rejected("no Stripe-Signature header")
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: it cannot be checked")
        return jsonify({"error": "webhook secret not configured"}), 503
    raw = request.get_data(cache=False)
    try:
        # The check stripe.Webhook.construct_event makes first (HMAC-SHA256 of "<t>.<raw body>",
        # compared in constant time, then the age). The event is then read as plain JSON: the
        # library's own parsing fails with AttributeError on a signed body that is not an object.
        stripe.WebhookSignature.verify_header(raw, header, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS)
        event = json.loads(raw)
    except stripe.SignatureVerificationError:
        return _rejected("signature does not match, or is older than 300 seconds")
    except ValueError:  # not UTF-8, not JSON, or not an event
        return _rejected("body is not a Stripe event")
    if not isinstance(event, dict):
        return _rejected("body is not a Stripe event")
    try:
        outcome = services.handle_event(db.session, event)
        db.session.commit()
    except services.DuplicateEvent:
        db.session.rollback()
        outcome = "duplicate"
    except services.MalformedEvent:
        db.session.rollback()
        return _rejected("event without id or type")
    log.info("Stripe event %s (%s): %s", event.get("id"), event.get("type"), outcome)
    return jsonify({"received": True, "outcome": outcome}), 200

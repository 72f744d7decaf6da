"""Other things than orders paid through our Stripe Checkout (a fair's booth fee): a package that
opens sessions of its own registers a handler here when its blueprint is registered, and the
webhook (stripe_services.handle_event) asks each handler about a session event before it treats the
session as an order's. Orders never import those packages.

A handler recognises its own sessions by its own stored record of them (a row it wrote when it
opened the session), never by the event's metadata alone, and returns the outcome it stored the
event with ("recorded", "amount_mismatch", …, the order outcomes' words), or None when the
session is not one of its own. It may set `row.amount_vnd` and `row.payment_intent`, so that a
payment it could not apply is refunded and listed for staff like an order's.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

# (session, the stored StripeEvent row, the event's type, the checkout.session object) → outcome or None
Handler = Callable[[Session, object, str, dict], str | None]


def register(app: Flask, handler: Handler) -> None:
    handlers = app.extensions.setdefault("stripe_payables", [])
    if handler not in handlers:
        handlers.append(handler)


def handle(db: Session, row, kind: str, session: dict) -> str | None:
    """The outcome of the first registered handler that knows this session, else None."""
    for handler in current_app.extensions.get("stripe_payables", ()):
        outcome = handler(db, row, kind, session)
        if outcome is not None:
            return outcome
    return None

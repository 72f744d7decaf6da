"""Card payments as use cases: the Checkout Sessions of an order, and acting on Stripe's events.

Fulfilment happens only here, from a webhook event whose signature the view checked. Each event
id is stored in the same transaction as the change it makes, inserted first: a second delivery
of the event fails on the unique id and changes nothing. Events may come in any order and any
number of times; none of them can pay an order twice, pay it with another amount than the one
due, or touch an order that is no longer waiting for money (those are stored with an outcome
that says so, and logged for staff to refund or settle by hand).

Services take the session, flush and never commit.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.orders.models import Order
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.orders.payments.stripe import CURRENCY, PROVIDER, OpenedSession
from marketplace.orders.rules import amount_due_vnd
from marketplace.orders.services import payment_already_recorded, record_payment

log = logging.getLogger(__name__)

PAID_TYPES = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
EXPIRED_TYPE = "checkout.session.expired"
FAILED_TYPE = "checkout.session.async_payment_failed"
# A session is sent to again only while it has this long left: paying takes a few minutes.
REUSE_MARGIN = timedelta(minutes=10)


class DuplicateEvent(Exception):
    """This event id was stored before: the delivery is a repeat and must change nothing."""


class MalformedEvent(Exception):
    """Signed, but not an event we can read (no id or type)."""


# -- opening sessions ---------------------------------------------------------------------------

def reusable_checkout(db: Session, order_id: int, amount_vnd: int, now: datetime) -> CardCheckout | None:
    """An open session of this order for exactly this amount, with time left to pay."""
    return db.scalar(select(CardCheckout).where(
        CardCheckout.order_id == order_id, CardCheckout.status == "open", CardCheckout.amount_vnd == amount_vnd,
        CardCheckout.expires_at > now + REUSE_MARGIN).order_by(CardCheckout.id.desc()).limit(1))


def stale_checkouts(db: Session, order_id: int, amount_vnd: int) -> list[str]:
    """Open sessions of this order for another amount (what is due changed): to expire, so that
    the buyer cannot pay an old amount from a tab left open."""
    return list(db.scalars(select(CardCheckout.session_id).where(
        CardCheckout.order_id == order_id, CardCheckout.status == "open", CardCheckout.amount_vnd != amount_vnd)))


def next_attempt(db: Session, order_id: int) -> int:
    """One more than the order's last session: a new idempotency key once the old sessions are
    no use (expired, or for another amount), the same key for clicks that race each other."""
    return int(db.scalar(select(func.max(CardCheckout.attempt)).where(CardCheckout.order_id == order_id)) or 0) + 1


def remember_checkout(db: Session, order_id: int, opened: OpenedSession, attempt: int) -> None:
    """Store the session Stripe gave; a second click that raced this one got the same session
    (same idempotency key) and finds it stored already."""
    try:
        with db.begin_nested():
            db.add(CardCheckout(order_id=order_id, session_id=opened.id, amount_vnd=opened.amount_vnd,
                                attempt=attempt, url=opened.url, expires_at=opened.expires_at))
            db.flush()
    except IntegrityError:
        pass


def mark_checkout(db: Session, session_id: str, status: str) -> None:
    """open → complete or expired; a complete session stays complete whatever comes after."""
    allowed_from = ("open",) if status == "expired" else ("open", "expired")
    db.execute(update(CardCheckout).where(CardCheckout.session_id == session_id,
                                          CardCheckout.status.in_(allowed_from))
               .values(status=status, url=None).execution_options(synchronize_session=False))


# -- webhook events -----------------------------------------------------------------------------

def handle_event(db: Session, event: dict) -> str:
    """Store the event (once) and act on it; returns the outcome stored with it.

    Raises DuplicateEvent when the event id is stored already (the caller rolls back and answers
    200), MalformedEvent when it has no id or type.
    """
    event_id, kind = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(kind, str) or not kind:
        raise MalformedEvent
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    session = obj if isinstance(obj, dict) and obj.get("object") == "checkout.session" else None
    created = event.get("created")
    row = StripeEvent(event_id=event_id[:255], type=kind[:100],
                      created_at=datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
                      session_id=str(session.get("id"))[:255] if session and session.get("id") else None)
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        raise DuplicateEvent from None

    if session is None or row.session_id is None:
        row.outcome = "ignored"
    elif kind in PAID_TYPES:
        row.outcome = _paid(db, row, session)
    elif kind == EXPIRED_TYPE:
        mark_checkout(db, row.session_id, "expired")
        row.outcome = "expired"
    elif kind == FAILED_TYPE:
        row.outcome = "payment_failed"
    else:
        row.outcome = "ignored"
    db.flush()
    return row.outcome


def _order_id_of(session: dict) -> int | None:
    metadata = session.get("metadata") if isinstance(session.get("metadata"), dict) else {}
    for value in (metadata.get("order_id"), session.get("client_reference_id")):
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def _paid(db: Session, row: StripeEvent, session: dict) -> str:
    """A session says it is paid: record it when it pays exactly what the order has due."""
    session_id = row.session_id or ""
    amount = session.get("amount_total")
    row.amount_vnd = amount if isinstance(amount, int) else None
    if session.get("payment_status") != "paid":
        # Completed with a delayed method: async_payment_succeeded follows when the money is there.
        mark_checkout(db, session_id, "complete")
        return "unpaid"
    order_id = _order_id_of(session)
    # Locked: a transfer recorded at the same moment cannot change what is due under us.
    order = db.scalar(select(Order).where(Order.id == order_id).with_for_update(of=Order)
                      .execution_options(populate_existing=True)) if order_id else None
    if order is None:
        log.error("Stripe session %s was paid for an order we do not have (%s)", session_id, order_id)
        return "unknown_order"
    row.order_id = order.id
    mark_checkout(db, session_id, "complete")
    if payment_already_recorded(db, PROVIDER, session_id):
        return "already_recorded"
    if session.get("currency") != CURRENCY or row.amount_vnd is None:
        log.error("Stripe session %s for order %s was paid in %s %s, not đồng: not recorded", session_id,
                  order.ref, session.get("amount_total"), session.get("currency"))
        return "wrong_currency"
    due = amount_due_vnd(order)
    if due <= 0:
        log.error("Stripe session %s paid %s ₫ for order %s, which is %s and has nothing due: not recorded; "
                  "refund it in Stripe or settle it with the buyer", session_id, amount, order.ref, order.status)
        return "not_payable"
    if amount != due:
        log.error("Stripe session %s paid %s ₫ for order %s, which has %s ₫ due: not recorded; refund it in "
                  "Stripe or record it by hand", session_id, amount, order.ref, due)
        return "amount_mismatch"
    if not record_payment(db, order.id, int(amount), provider=PROVIDER, reference=session_id):
        return "already_recorded"
    return "recorded"

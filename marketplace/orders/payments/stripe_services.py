"""Card payments as use cases: the Checkout Sessions of an order, and acting on Stripe's events.

Fulfilment happens only here, from a webhook event whose signature the view checked. Each event
id is stored in the same transaction as the change it makes, inserted first: a second delivery
of the event fails on the unique id and changes nothing. Events may come in any order and any
number of times; none of them can pay an order twice, pay it with another amount than the one
due, or touch an order that is no longer waiting for money (those are stored with an outcome
that says so, and logged for staff to refund or settle by hand).

Only sessions this site opened (a `stripe_checkouts` row) can pay an order: an event about any
other session (another installation sharing the Stripe account, a forged metadata order id) is
stored as `unknown_session`. Money taken but not applied (UNAPPLIED outcomes) is listed for staff
at /staff/payments/unapplied. When the session was ours (REFUNDABLE outcomes: the order stopped
waiting for money, another amount, another currency) the worker refunds it through Stripe's API
(refund_unapplied, idempotent per event) and tells the buyer and staff; otherwise, or when
Stripe will not refund, staff are told in the bell to settle it by hand.

When an order stops waiting for a card payment (cancelled, paid another way, amount changed),
card_sessions.retire_card_sessions marks its open sessions `expiring`; the worker expires them at
Stripe after commit (expire_retired_checkouts).

Services take the session, flush and never commit. The two that call Stripe from the worker
(expire_retired_checkouts, refund_unapplied) must not hold a transaction open while they wait on
Stripe: they end their reading transaction through the `commit` the job gives them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.dates import as_utc
from marketplace.notifications import services as notifications
from marketplace.orders.models import Order
from marketplace.orders.payments import payables
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.orders.payments.recording import payment_already_recorded, record_payment
from marketplace.orders.payments.stripe import (
    CURRENCY,
    PROVIDER,
    OpenedSession,
    StripeCheckout,
    available,
    checkout_for,
)
from marketplace.orders.rules import amount_due_vnd, order_ref

log = logging.getLogger(__name__)

PAID_TYPES = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
EXPIRED_TYPE = "checkout.session.expired"
FAILED_TYPE = "checkout.session.async_payment_failed"
# A session is sent to again only while it has this long left: paying takes a few minutes.
REUSE_MARGIN = timedelta(minutes=10)
# Outcomes of an event whose money was taken at Stripe but not applied to an order: staff refund
# it in Stripe or settle it by hand.
UNAPPLIED = ("not_payable", "amount_mismatch", "unknown_session", "unknown_order", "wrong_currency")
# Of those, the ones paid in a session this site opened: refunded automatically. An unknown
# session may be another installation's sharing the Stripe account, never ours to refund.
REFUNDABLE = ("not_payable", "amount_mismatch", "wrong_currency")
# A refund Stripe did not answer is tried again after these delays, then left to staff.
REFUND_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                       timedelta(hours=4))
# The checkout statuses: open (payable), expiring (to expire at Stripe), expired, complete.
EXPIRING = "expiring"


class DuplicateEvent(Exception):
    """This event id was stored before: the delivery is a repeat and must change nothing."""


class MalformedEvent(Exception):
    """Signed, but not an event we can read (no id or type)."""


# -- opening sessions ---------------------------------------------------------------------------

def stale_checkouts(db: Session, order_id: int, amount_vnd: int) -> list[str]:
    """Open sessions of this order for another amount (what is due changed), and those already
    marked to expire: to expire now, so that the buyer cannot pay an old amount from a tab left
    open."""
    return list(db.scalars(select(CardCheckout.session_id).where(
        CardCheckout.order_id == order_id,
        or_(CardCheckout.status == EXPIRING,
            (CardCheckout.status == "open") & (CardCheckout.amount_vnd != amount_vnd)))))


def checkout_plan(db: Session, order_id: int, amount_vnd: int, now: datetime) -> tuple[CardCheckout | None, int]:
    """What a click on "pay by card" does, read in ONE statement: the open session to send the buyer
    to (open, for this amount, with time left to pay), and else the attempt number of a new one
    (next_attempt: one more than the last, the same for clicks that race). Two reads
    would let a racing click commit its session between them: this one would then find no session
    to reuse and yet count that click's attempt, and open a second session under a new key."""
    rows = list(db.scalars(select(CardCheckout).where(CardCheckout.order_id == order_id)
                           .order_by(CardCheckout.id.desc())))
    reusable = next((row for row in rows if row.status == "open" and row.amount_vnd == amount_vnd
                     and as_utc(row.expires_at) > now + REUSE_MARGIN), None)
    return reusable, max((row.attempt for row in rows), default=0) + 1


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


_MARK_FROM = {"expiring": ("open",), "expired": ("open", EXPIRING), "complete": ("open", EXPIRING, "expired")}


def mark_checkout(db: Session, session_id: str, status: str) -> None:
    """open → expiring; open or expiring → expired; any but complete → complete. A complete
    session stays complete whatever comes after (a session paid just before we expired it is
    complete, and says so)."""
    allowed_from = _MARK_FROM[status]
    db.execute(update(CardCheckout).where(CardCheckout.session_id == session_id,
                                          CardCheckout.status.in_(allowed_from))
               .values(status=status, url=None).execution_options(synchronize_session=False))


@dataclass
class ExpiryReport:
    expired: int = 0  # expired at Stripe now, or found no longer open there
    lapsed: int = 0  # past their expiry time: Stripe closed them itself
    failed: int = 0  # Stripe did not answer: tried again next round


def expire_retired_checkouts(db: Session, now: datetime, checkout: StripeCheckout | None,
                             limit: int = 100, *, commit: Callable[[], None]) -> ExpiryReport:
    """Expire at Stripe the sessions marked `expiring` (card_sessions.retire_card_sessions), so
    that an order that no longer waits for a card payment cannot be paid from a tab left open.

    Called by the worker after the change that marked them was committed. It reads, ends that
    transaction with `commit` (call it with nothing pending), calls Stripe for each session with no
    transaction open, then writes the results; the caller commits those. Errors are tolerated:
    a session Stripe will not expire because it is no longer open is settled by its webhook
    event; one Stripe did not answer about is tried again next round, until its own expiry time,
    after which Stripe has closed it anyway. Without Stripe configured (checkout None) a marked
    session can only lapse.
    """
    report = ExpiryReport()
    rows = db.execute(select(CardCheckout.session_id, CardCheckout.expires_at)
                      .where(CardCheckout.status == EXPIRING).order_by(CardCheckout.id).limit(limit)).all()
    commit()  # no transaction (and on SQLite no write lock) held while waiting on Stripe
    if not rows:
        return report
    settled: list[str] = []
    for session_id, expires_at in rows:
        if as_utc(expires_at) <= now:
            settled.append(session_id)
            report.lapsed += 1
            continue
        if checkout is None:
            continue
        outcome = checkout.expire_session(session_id)
        if outcome == "failed":
            report.failed += 1
            continue
        settled.append(session_id)
        report.expired += 1
    for session_id in settled:
        mark_checkout(db, session_id, "expired")
    db.flush()
    if report.failed:
        log.warning("Stripe did not expire %d checkout sessions; trying again next round", report.failed)
    return report


def configured_checkout() -> StripeCheckout | None:
    """The app's Stripe client when card payment is configured, else None (marked sessions then
    only lapse)."""
    return checkout_for(current_app) if available(current_app) else None


# -- webhook events -----------------------------------------------------------------------------

# A signed event is Stripe's, but its numbers are still only JSON: a value no column can hold is
# kept as unknown instead of failing the whole delivery (which Stripe would retry forever).
LATEST_EVENT_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()
MAX_STORED_AMOUNT = 2**63 - 1  # the amount column is a BIGINT


def event_time(created) -> datetime | None:
    """The event's `created` (Unix seconds) as a moment, or None when it is not one."""
    if not isinstance(created, int) or isinstance(created, bool) or not 0 <= created <= LATEST_EVENT_TIME:
        return None
    return datetime.fromtimestamp(created, UTC)


def stored_amount(amount) -> int | None:
    """An amount in đồng as Stripe sent it, or None when it is not a whole number a row can hold."""
    if not isinstance(amount, int) or isinstance(amount, bool) or not -MAX_STORED_AMOUNT <= amount <= MAX_STORED_AMOUNT:
        return None
    return amount


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
    row = StripeEvent(event_id=event_id[:255], type=kind[:100], created_at=event_time(event.get("created")),
                      session_id=str(session.get("id"))[:255] if session and session.get("id") else None)
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        raise DuplicateEvent from None

    if session is None or row.session_id is None:
        row.outcome = "ignored"
    elif (other := payables.handle(db, row, kind, session)) is not None:
        row.outcome = other  # a session another package opened (a booth fee), settled by it
    elif kind in PAID_TYPES:
        row.outcome = _paid(db, row, session)
    elif kind == EXPIRED_TYPE:
        mark_checkout(db, row.session_id, "expired")
        row.outcome = "expired"
    elif kind == FAILED_TYPE:
        row.outcome = "payment_failed"
    else:
        row.outcome = "ignored"
    if row.outcome in REFUNDABLE and row.payment_intent:
        row.refund_status = "pending"  # the worker refunds it after this commit
    db.flush()
    if row.outcome in UNAPPLIED and row.refund_status is None:
        _tell_staff(db, row)
    return row.outcome


def _tell_staff(db: Session, row: StripeEvent) -> None:
    """Money taken but not applied: a notice to every staff member (in the bell, and by mail for
    those who chose it), pointing at the list of such payments."""
    staff = accounts.staff_members(db)
    params = {"ref": order_ref(row.order_id) if row.order_id else "", "amount_vnd": row.amount_vnd or 0,
              "outcome": row.outcome}
    notifications.notify(db, staff, notifications.Message("order_unapplied", params, "/staff/payments/unapplied"))


@dataclass
class RefundReport:
    refunded: int = 0
    failed: int = 0  # Stripe did not answer: tried again later
    given_up: int = 0  # refused by Stripe, or no answer after every retry: left to staff


def _refund_due(row: StripeEvent, now: datetime) -> bool:
    if row.refund_attempts == 0 or row.refund_tried_at is None:
        return True
    delay = REFUND_RETRY_DELAYS[min(row.refund_attempts, len(REFUND_RETRY_DELAYS)) - 1]
    return as_utc(row.refund_tried_at) + delay <= now


def refund_unapplied(db: Session, now: datetime, checkout: StripeCheckout | None, limit: int = 100, *,
                     commit: Callable[[], None]) -> RefundReport:
    """Refund at Stripe the money taken in our sessions that no order could take (refund_status
    "pending"), then tell the buyer and staff.

    Like expire_retired_checkouts it reads, ends that transaction with `commit` (call it with
    nothing pending), calls Stripe with no transaction open, then writes the results; the caller commits
    those. Without Stripe configured nothing is sent and the rows wait.
    """
    report = RefundReport()
    pending = [row for row in db.scalars(select(StripeEvent).where(StripeEvent.refund_status == "pending")
                                         .order_by(StripeEvent.id).limit(limit)) if _refund_due(row, now)]
    work = [(row.id, row.payment_intent or "", row.event_id) for row in pending]
    commit()  # no transaction (and on SQLite no write lock) held while waiting on Stripe
    if not work or checkout is None:
        return report
    results = [(event_row_id, checkout.refund_payment(intent, event_id=event_id))
               for event_row_id, intent, event_id in work]
    for event_row_id, result in results:
        row = db.scalar(select(StripeEvent).where(StripeEvent.id == event_row_id)
                        .execution_options(populate_existing=True))
        if row is None or row.refund_status != "pending":
            continue
        row.refund_attempts += 1
        row.refund_tried_at = now
        if result.status == "refunded":
            row.refund_status, row.refund_id, row.refunded_at = "refunded", result.refund_id, now
            report.refunded += 1
            _tell_refunded(db, row)
        elif result.status == "refused" or row.refund_attempts > len(REFUND_RETRY_DELAYS):
            row.refund_status = "failed"
            report.given_up += 1
            log.error("Stripe event %s: the refund of %s ₫ failed; staff refund it by hand", row.event_id,
                      row.amount_vnd)
            _tell_staff(db, row)
        else:
            report.failed += 1
    db.flush()
    return report


def _tell_refunded(db: Session, row: StripeEvent) -> None:
    """The buyer's buyers and staff: the money went back to the card."""
    order = db.get(Order, row.order_id) if row.order_id else None
    params = {"ref": order_ref(row.order_id) if row.order_id else "", "amount_vnd": row.amount_vnd or 0,
              "outcome": row.outcome}
    staff = accounts.staff_members(db)
    notifications.notify(db, staff, notifications.Message("order_refunded", params, "/staff/payments/unapplied"))
    if order is not None:
        buyers = accounts.buyers_of(db, order.buyer_org_id)  # a club's board buys too
        notifications.notify(db, buyers, notifications.Message("order_refunded", params, f"/orders/{order.id}"))


def unapplied_payments(db: Session, limit: int = 200) -> list[StripeEvent]:
    """Card payments taken but not applied to an order, newest first: for staff to refund in
    Stripe or settle by hand."""
    return list(db.scalars(select(StripeEvent).where(StripeEvent.outcome.in_(UNAPPLIED))
                           .order_by(StripeEvent.received_at.desc(), StripeEvent.id.desc()).limit(limit)))


def _order_id_of(session: dict) -> int | None:
    metadata = session.get("metadata") if isinstance(session.get("metadata"), dict) else {}
    for value in (metadata.get("order_id"), session.get("client_reference_id")):
        if isinstance(value, str) and value.isascii() and value.isdigit():  # int("²") would raise
            return int(value)
    return None


def _paid(db: Session, row: StripeEvent, session: dict) -> str:
    """A session says it is paid: record it when it is one we opened, for the order and amount we
    opened it for, and pays exactly what the order has due."""
    session_id = row.session_id or ""
    amount = session.get("amount_total")
    row.amount_vnd = stored_amount(amount)
    intent = session.get("payment_intent")
    row.payment_intent = intent[:255] if isinstance(intent, str) and intent.startswith("pi_") else None
    if session.get("payment_status") != "paid":
        # Completed with a delayed method: async_payment_succeeded follows when the money is there.
        mark_checkout(db, session_id, "complete")
        return "unpaid"
    # The order comes from our own record of the session, never from the event alone: metadata
    # and client_reference_id are whatever the session's creator wrote, and another installation
    # sharing the Stripe account numbers its orders as we do.
    opened = db.scalar(select(CardCheckout).where(CardCheckout.session_id == session_id))
    claimed = _order_id_of(session)
    if opened is None or claimed != opened.order_id or row.amount_vnd != opened.amount_vnd:
        # Ids and amounts only: the session carries the customer's e-mail and name.
        log.error("Stripe session %s (event %s) was paid but is not one this site opened for that order and "
                  "amount (%s): not recorded; check it in Stripe", session_id, row.event_id,
                  "no such session here" if opened is None else "order or amount differ")
        return "unknown_session"
    order_id = opened.order_id
    # Locked: a transfer recorded at the same moment cannot change what is due under us.
    order = db.scalar(select(Order).where(Order.id == order_id).with_for_update(of=Order)
                      .execution_options(populate_existing=True))
    if order is None:  # pragma: no cover - the checkout row goes with its order
        log.error("Stripe session %s was paid for an order we no longer have", session_id)
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
                  "the worker refunds it", session_id, amount, order.ref, order.status)
        return "not_payable"
    if amount != due:
        log.error("Stripe session %s paid %s ₫ for order %s, which has %s ₫ due: not recorded; the worker "
                  "refunds it", session_id, amount, order.ref, due)
        return "amount_mismatch"
    if not record_payment(db, order.id, int(amount), provider=PROVIDER, reference=session_id):
        return "already_recorded"
    return "recorded"

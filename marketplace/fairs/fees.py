"""Booth fees: by card through Stripe Checkout (the orders' gateway; fulfilment only from the
webhook) or by VietQR transfer to the organiser's bank account, which staff record as received.

The webhook reaches this module through orders/payments/payables.py (registered by the fairs
blueprint): a session is a booth's only when a `booth_checkouts` row names it, and it pays only
the amount that row was opened for, in đồng, while the application waits for exactly that fee.
The event row is stored first by the webhook (unique event id), so a second delivery changes
nothing; two events about one session confirm once (the conditional UPDATE in confirm_paid).

Services take the session, flush and never commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.dates import as_utc
from marketplace.db import utcnow
from marketplace.fairs import rules
from marketplace.fairs.applications import confirm_paid
from marketplace.fairs.models import BoothApplication, BoothCheckout, Fair
from marketplace.orders.payments import vietqr
from marketplace.orders.payments.bank_accounts import bank_account_of
from marketplace.orders.payments.banks import bank_by_bin
from marketplace.orders.payments.stripe import CURRENCY, OpenedSession
from marketplace.orders.payments.stripe_services import EXPIRED_TYPE, FAILED_TYPE, PAID_TYPES, stored_amount

log = logging.getLogger(__name__)

SUBJECT = "booth"  # what the Stripe idempotency key and metadata call a booth fee
REUSE_MARGIN = timedelta(minutes=10)


def amount_due(application: BoothApplication) -> int:
    """What the applicant has to pay now: nothing once the fair is cancelled (a card payment that
    arrives anyway is not applied, and the worker refunds it)."""
    if application.fair.status != "published":
        return 0
    return rules.fee_due(application.status, int(application.fee_vnd or 0), application.paid_at is not None)


def checkout_plan(db: Session, application_id: int, amount_vnd: int,
                  now: datetime) -> tuple[BoothCheckout | None, int]:
    """In ONE statement, so that a racing click cannot commit its session between two reads: the
    open session to send the applicant to (open, for this amount, with time left to pay: a second
    click goes there instead of opening another session that could be paid as well), and else the
    attempt number of a new one (one more than the sessions so far, the same for clicks that race)."""
    rows = list(db.scalars(select(BoothCheckout).where(BoothCheckout.application_id == application_id)
                           .order_by(BoothCheckout.id.desc())))
    reusable = next((row for row in rows if row.status == "open" and row.amount_vnd == amount_vnd
                     and as_utc(row.expires_at) > now + REUSE_MARGIN), None)
    return reusable, len(rows) + 1


def remember_checkout(db: Session, application_id: int, opened: OpenedSession) -> None:
    """Store the session Stripe gave; a click that raced this one got the same session (same
    idempotency key) and finds it stored already."""
    try:
        with db.begin_nested():
            db.add(BoothCheckout(application_id=application_id, session_id=opened.id, amount_vnd=opened.amount_vnd,
                                 url=opened.url, expires_at=opened.expires_at))
            db.flush()
    except IntegrityError:
        pass


def _mark(db: Session, session_id: str, status: str, allowed_from: tuple[str, ...]) -> None:
    db.execute(update(BoothCheckout).where(BoothCheckout.session_id == session_id,
                                           BoothCheckout.status.in_(allowed_from))
               .values(status=status, url=None).execution_options(synchronize_session=False))


def settle_stripe_event(db: Session, row, kind: str, session: dict) -> str | None:
    """The webhook's question for a booth fee (payables.Handler): None when the session is not one
    this site opened for a booth, else the outcome stored with the event."""
    opened = db.scalar(select(BoothCheckout).where(BoothCheckout.session_id == row.session_id))
    if opened is None:
        return None
    if kind == EXPIRED_TYPE:
        _mark(db, opened.session_id, "expired", ("open",))
        return "expired"
    if kind == FAILED_TYPE:
        return "payment_failed"
    if kind not in PAID_TYPES:
        return "ignored"
    amount = session.get("amount_total")
    row.amount_vnd = stored_amount(amount)
    intent = session.get("payment_intent")
    row.payment_intent = intent[:255] if isinstance(intent, str) and intent.startswith("pi_") else None
    _mark(db, opened.session_id, "complete", ("open", "expired"))
    if session.get("payment_status") != "paid":
        return "unpaid"  # async_payment_succeeded follows when the money is there
    application = db.scalar(select(BoothApplication).where(BoothApplication.id == opened.application_id)
                            .with_for_update(of=BoothApplication).execution_options(populate_existing=True))
    if application is None:  # pragma: no cover - the checkout goes with its application
        return "unknown_order"
    if application.payment_reference == opened.session_id and application.paid_at is not None:
        return "already_recorded"
    if session.get("currency") != CURRENCY or row.amount_vnd is None:
        log.error("Stripe session %s for booth application %s was paid in %s %s, not đồng: not recorded",
                  opened.session_id, application.id, amount, session.get("currency"))
        return "wrong_currency"
    if row.amount_vnd != opened.amount_vnd:
        log.error("Stripe session %s paid %s ₫ for booth application %s, opened for %s ₫: not recorded",
                  opened.session_id, amount, application.id, opened.amount_vnd)
        return "amount_mismatch"
    due = amount_due(application)
    if due <= 0:
        log.error("Stripe session %s paid %s ₫ for booth application %s, which is %s with nothing due",
                  opened.session_id, amount, application.id, application.status)
        return "not_payable"
    if row.amount_vnd != due:
        return "amount_mismatch"
    if not confirm_paid(db, application.id, method="card", reference=opened.session_id, now=utcnow()):
        return "already_recorded"
    return "recorded"


def transfer_details(db: Session, application: BoothApplication, fair: Fair) -> vietqr.TransferDetails | None:
    """What the applicant transfers to the organiser's account, or None (nothing due, or the
    organiser has no bank account on the site)."""
    due = amount_due(application)
    account = bank_account_of(db, fair.organiser_org_id) if fair.organiser_org_id else None
    if account is None or due <= 0:
        return None
    bank = bank_by_bin(account.bank_bin)
    message = rules.transfer_message(application.id)
    return vietqr.TransferDetails(bank_bin=account.bank_bin, bank_name=bank.short_name if bank else account.bank_bin,
                                  account_number=account.account_number, account_holder=account.account_holder,
                                  amount_vnd=due, message=message,
                                  payload=vietqr.build_payload(account.bank_bin, account.account_number, due, message))

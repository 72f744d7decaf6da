"""Money received for orders, whatever the provider: recording a payment and applying it to the
order (which becomes paid once what is due is reached), a transfer a seller says arrived, a bank
statement matched to orders, and the buyer's choice of paying in full or a deposit.

Every provider (card by Stripe, bank transfer by VietQR, a seller's word) comes through
`record_payment`: a (provider, reference) counts once ever, and what is paid never goes above
the order's amount. Takes the session, flushes, never commits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import Conflict
from marketplace.orders import rules
from marketplace.orders.lifecycle import move
from marketplace.orders.messages import MESSAGES, fail
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments.card_sessions import retire_card_sessions
from marketplace.validation import PRICE, FieldProblems


def choose_payment_option(db: Session, order: Order, option: str) -> Order:
    """The buyer pays in full or a 30 % deposit; fixed once any money is received."""
    if option not in rules.PAYMENT_OPTIONS:
        fail("option_unknown", "payment_option")
    if order.status != "confirmed":
        fail("not_payable", "payment_option")
    result = db.execute(update(Order).where(Order.id == order.id, Order.status == "confirmed",
                                            Order.amount_paid_vnd == 0)
                        .values(payment_option=option, updated_at=utcnow())
                        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        fail("option_locked", "payment_option", error=Conflict)
    retire_card_sessions(db, order.id)
    db.refresh(order)
    return order


# -- payments -----------------------------------------------------------------------------------

class _NotRecorded(Exception):
    pass


def record_payment(db: Session, order_id: int, amount_vnd: int, *, provider: str, reference: str,
                   by_user_id: int | None = None) -> bool:
    """Record money received for an order; the order becomes paid once what is due is reached.

    False, with nothing changed, when this (provider, reference) was recorded before (the same
    bank line or card session never counts twice), the order is not waiting for money, or the
    amount would take what is paid above the order's amount (two forms sent at once, a line
    already counted another way). Race-safe: the amount is added by a conditional UPDATE that
    checks the status and the balance, and the payment row is unique, both inside one savepoint.
    Flushes; the caller commits.
    """
    amount = int(amount_vnd)
    if amount <= 0 or amount > rules.MAX_AMOUNT_VND or not reference:
        return False
    try:
        with db.begin_nested():
            added = db.execute(
                update(Order).where(Order.id == order_id, Order.status.in_(sorted(rules.PAYABLE)),
                                    Order.amount_paid_vnd + amount <= Order.amount_vnd)
                .values(amount_paid_vnd=Order.amount_paid_vnd + amount, updated_at=utcnow())
                .execution_options(synchronize_session=False))
            if added.rowcount != 1:
                raise _NotRecorded
            db.add(Payment(order_id=order_id, provider=provider[:20], reference=reference[:200], amount_vnd=amount,
                           recorded_by_id=by_user_id))
            db.flush()
    except (_NotRecorded, IntegrityError):
        return False
    row = db.execute(select(Order.status, Order.amount_vnd, Order.payment_option, Order.amount_paid_vnd)
                     .where(Order.id == order_id)).one()
    if row.status == "confirmed" and rules.is_paid_enough(row.amount_vnd, row.payment_option, row.amount_paid_vnd):
        by = db.get(User, by_user_id) if by_user_id else None
        move(db, order_id, "confirmed", "paid", by, today=today_in_vietnam(),
             note=f"{provider}: {reference}"[:200])
    else:
        retire_card_sessions(db, order_id)  # a part payment: what is due changed
    cached = db.identity_map.get(db.identity_key(Order, order_id))
    if cached is not None:
        db.expire(cached)
    db.flush()
    return True


def payment_already_recorded(db: Session, provider: str, reference: str) -> bool:
    return db.scalar(select(Payment.id).where(Payment.provider == provider, Payment.reference == reference)) is not None


def mark_received(db: Session, order: Order, amount, user: User, *, token: str) -> bool:
    """A seller (or staff) says a transfer arrived. `token` comes from the form shown, so a
    double submit of one form records it once."""
    problems = FieldProblems(MESSAGES)
    value = problems.parse("amount_vnd", amount, PRICE)
    problems.raise_if_any()
    due = rules.amount_due_vnd(order)
    if order.status not in rules.PAYABLE or due <= 0:
        fail("not_payable", "amount_vnd")
    if value is None or value <= 0 or value > rules.balance_vnd(order):
        fail("amount_range", "amount_vnd")
    # The token is the form's own (letters, digits, - and _); anything else in it is dropped, so
    # a forged one cannot put a NUL (PostgreSQL refuses it) or another control character in the row.
    token = re.sub(r"[^A-Za-z0-9_-]", "", token or "")[:64] or secrets.token_urlsafe(16)
    return record_payment(db, order.id, value, provider="manual", reference=f"manual:{token}", by_user_id=user.id)


# -- bank statements ----------------------------------------------------------------------------

@dataclass
class StatementResult:
    matched: list[tuple[int, str, int]] = field(default_factory=list)  # (line number, order ref, amount)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, description, why)
    # Lines that paid more than the order's balance: only the balance is recorded.
    over: list[tuple[int, str, int]] = field(default_factory=list)  # (line number, order ref, amount not recorded)


def apply_statement(db: Session, org: Organization, lines, user: User) -> StatementResult:
    """Mark paid the organisation's orders named in statement lines with at least what is due.

    A line above the order's balance records the balance and reports the rest (to settle with
    the buyer): what is paid never goes above the order's amount. Each bank line counts once
    ever (its fingerprint is the payment reference), so uploading the same statement twice
    changes nothing. The caller commits the whole upload at once.
    """
    result = StatementResult()
    for line in lines:
        ids = rules.refs_in(line.description)
        candidates = [o for o in (db.get(Order, i) for i in ids) if o is not None and o.seller_org_id == org.id]
        if not candidates:
            result.unmatched.append((line.number, line.description, str(_l("No order reference of yours."))))
            continue
        order = candidates[0]
        due = rules.amount_due_vnd(order)
        reference = line.fingerprint
        if payment_already_recorded(db, "vietqr", reference):
            result.unmatched.append((line.number, line.description, str(_l("Already counted."))))
            continue
        if order.status not in rules.PAYABLE or due <= 0:
            result.unmatched.append((line.number, line.description,
                                     str(_l("%(ref)s is not waiting for a payment.", ref=order.ref))))
            continue
        if line.amount_vnd < due:
            result.unmatched.append((line.number, line.description,
                                     str(_l("%(ref)s: less than the %(due)s đồng due.", ref=order.ref,
                                            due=f"{due:,}".replace(",", ".")))))
            continue
        taken = min(line.amount_vnd, rules.balance_vnd(order))
        if record_payment(db, order.id, taken, provider="vietqr", reference=reference, by_user_id=user.id):
            result.matched.append((line.number, order.ref, taken))
            if line.amount_vnd > taken:
                result.over.append((line.number, order.ref, line.amount_vnd - taken))
        else:
            result.unmatched.append((line.number, line.description, str(_l("Already counted."))))
    db.flush()
    return result

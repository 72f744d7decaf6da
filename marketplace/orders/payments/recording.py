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

from marketplace import formatting
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import Conflict, ValidationError
from marketplace.orders import rules
from marketplace.orders.lifecycle import move
from marketplace.orders.messages import MESSAGES, fail
from marketplace.orders.models import Order, OrderEvent, Payment
from marketplace.orders.payments.card_sessions import retire_card_sessions
from marketplace.validation import PRICE, FieldProblems

MAX_CLAIM_NOTE = 200


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
                # Money recorded answers the buyer's "I have paid": a later claim is a new one.
                .values(amount_paid_vnd=Order.amount_paid_vnd + amount, payment_claimed_at=None,
                        updated_at=utcnow())
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


class AmountToConfirm(ValidationError):
    """The seller typed another amount than the one due: asked once before it is recorded.
    `amount_vnd` is the amount read, which the "record it" button sends back."""

    def __init__(self, amount_vnd: int, due_vnd: int) -> None:
        if amount_vnd < due_vnd:
            message = _l("You typed %(typed)s but %(due)s is due. If only %(typed)s arrived, record it as a part "
                         "payment: %(rest)s stays due.", typed=formatting.money(amount_vnd),
                         due=formatting.money(due_vnd), rest=formatting.money(due_vnd - amount_vnd))
        else:
            message = _l("You typed %(typed)s but %(due)s is due. If %(typed)s arrived, record it: the order "
                         "counts it as paid.", typed=formatting.money(amount_vnd), due=formatting.money(due_vnd))
        super().__init__(str(message), fields={"amount_vnd": [str(message)]})
        self.amount_vnd = amount_vnd


def mark_received(db: Session, order: Order, amount, user: User, *, token: str,
                  accepted_vnd: int | None = None) -> bool:
    """A seller (or staff) says a transfer arrived, typing the amount as it arrived. `token` comes
    from the form shown, so a double submit of one form records it once.

    An amount other than the one due (less: a part payment; more, up to the balance: the full
    amount on a deposit) is AmountToConfirm unless `accepted_vnd` is that very amount, which the
    seller confirmed after being asked.
    """
    problems = FieldProblems(MESSAGES)
    value = problems.parse("amount_vnd", amount, PRICE)
    if value is None and "amount_vnd" not in problems.fields:
        problems.add("amount_vnd", "required")
    problems.raise_if_any()
    due = rules.amount_due_vnd(order)
    if order.status not in rules.PAYABLE or due <= 0:
        fail("not_payable", "amount_vnd")
    if value <= 0 or value > rules.balance_vnd(order):
        fail("amount_range", "amount_vnd")
    if rules.received_differs(value, due) and accepted_vnd != value:
        raise AmountToConfirm(value, due)
    # The token is the form's own (letters, digits, - and _); anything else in it is dropped, so
    # a forged one cannot put a NUL (PostgreSQL refuses it) or another control character in the row.
    token = re.sub(r"[^A-Za-z0-9_-]", "", token or "")[:64] or secrets.token_urlsafe(16)
    return record_payment(db, order.id, value, provider="manual", reference=f"manual:{token}", by_user_id=user.id)


# -- the buyer's word ---------------------------------------------------------------------------

def claim_payment(db: Session, order: Order, user: User, *, reference: str | None = None) -> bool:
    """The buyer says they paid by transfer: kept in the order's history (with their reference or
    note) and told to the seller by the worker, as a state change is. It counts as no money: the
    seller records what arrives.

    True when told now; False when a claim is already open (sent twice, or from two tabs: one
    claim, one notice). Allowed while money is due. Race-safe: the claim is a conditional UPDATE
    of `payment_claimed_at`, which every payment recorded clears.
    """
    note = rules.clean_text(reference)
    if len(note) > MAX_CLAIM_NOTE:
        fail("note_too_long", "reference")
    if rules.amount_due_vnd(order) <= 0:
        fail("not_claimable", "reference")
    # The order as the buyer saw it: same status, same amount received, no claim open.
    claimed = db.execute(update(Order).where(Order.id == order.id, Order.status == order.status,
                                             Order.amount_paid_vnd == int(order.amount_paid_vnd or 0),
                                             Order.payment_claimed_at.is_(None))
                         .values(payment_claimed_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.refresh(order)
        if order.payment_claimed_at is not None:
            return False
        fail("changed", "reference", error=Conflict)  # the order moved on meanwhile
    db.add(OrderEvent(order_id=order.id, from_status=order.status, to_status=order.status, kind="payment_claimed",
                      by_user_id=user.id, note=note))
    db.flush()
    db.refresh(order)
    return True


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
                                     str(_l("%(ref)s: less than the %(due)s due.", ref=order.ref,
                                            due=formatting.money(due)))))
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

"""Pure rules for orders: the one transition table, amounts in whole đồng, references, checks.

No Flask, no database: services call these and store what they decide.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from marketplace.numbers import MAX_ID
from marketplace.problems import Problems
from marketplace.vietnamese import clean_message

STATUSES: tuple[str, ...] = ("requested", "confirmed", "declined", "paid", "delivered", "completed",
                             "cancelled", "expired")
# Who acts: the buyer organisation's buyers, the seller organisation's sellers, staff (trade
# promotion: only to record a payment they checked), or the system (payments, the worker).
ACTORS: tuple[str, ...] = ("buyer", "seller", "staff", "system")

# (status, action) → (new status, who may take it). The only place a state change is decided.
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("requested", "confirm"): ("confirmed", frozenset({"seller"})),
    ("requested", "decline"): ("declined", frozenset({"seller"})),
    ("requested", "cancel"): ("cancelled", frozenset({"buyer"})),
    ("requested", "expire"): ("expired", frozenset({"system"})),
    # Either side may call off a confirmed order while nothing is paid (checked by can_cancel).
    ("confirmed", "cancel"): ("cancelled", frozenset({"buyer", "seller"})),
    ("confirmed", "pay"): ("paid", frozenset({"seller", "staff", "system"})),
    ("paid", "deliver"): ("delivered", frozenset({"seller"})),
    ("delivered", "complete"): ("completed", frozenset({"buyer", "system"})),
}
# The side an order waits for, for the role homes: the seller confirms or declines a request and
# delivers what was paid; the buyer pays a confirmed order (outside the site: the seller or Stripe
# records it) and confirms delivery. A buyer may also cancel a request, but nothing waits on that.
WAITING_ON: dict[str, frozenset[str]] = {
    "seller": frozenset({"requested", "paid"}),
    "buyer": frozenset({"confirmed", "delivered"}),
}
# Ending in these gives the reserved quantity back to the listing.
RELEASING: frozenset[str] = frozenset({"declined", "cancelled", "expired"})
FINAL: frozenset[str] = frozenset({"declined", "completed", "cancelled", "expired"})
# Money can be received while the order waits for payment, and (the balance after a deposit)
# until it is completed.
PAYABLE: frozenset[str] = frozenset({"confirmed", "paid", "delivered"})
PAYMENT_OPTIONS: tuple[str, ...] = ("full", "deposit")
DEPOSIT_PERCENT = 30
REMIND_AFTER_HOURS = 24
EXPIRE_AFTER_HOURS = 72
MAX_AMOUNT_VND = 100_000_000_000_000  # a hundred trillion đồng: beyond any farm order, inside BIGINT
REF_PREFIX = "CHQ"
_REF = re.compile(r"\bCHQ[\s\-_.:#]*0*(\d{1,9})\b", re.IGNORECASE)


def next_status(status: str, action: str, actor: str) -> str | None:
    """The status after `action` by `actor`, or None when the table does not allow it."""
    found = TRANSITIONS.get((status, action))
    if found is None or actor not in found[1]:
        return None
    return found[0]


def actions_for(status: str, actor: str) -> list[str]:
    """The actions an actor may take on an order in this status (buttons to show)."""
    return [action for (source, action), (_target, actors) in TRANSITIONS.items()
            if source == status and actor in actors]


def can_cancel(status: str, amount_paid_vnd: int) -> bool:
    """Once money is received the order is not cancelled here: the two sides settle it."""
    return amount_paid_vnd == 0 and status in ("requested", "confirmed")


def valid_id(value: int | None) -> bool:
    """An id a row can have: 1 to MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


clean_text = clean_message  # an order note or a reason is free text like a message


def order_ref(order_id: int | None) -> str:
    return f"{REF_PREFIX}-{order_id or 0:06d}"


def refs_in(text: str) -> list[int]:
    """Order ids named in free text such as a bank statement line: "CHQ-000123", "CHQ 123 DH",
    "chq000123" (banks drop dashes and change case). Each id once, in order of appearance."""
    found = [int(m.group(1)) for m in _REF.finditer(text or "")]
    return list(dict.fromkeys(i for i in found if i > 0))


def _kg_factor(unit_kg: float | None) -> Decimal:
    return Decimal(repr(unit_kg)) if unit_kg is not None else Decimal(1)


def order_amount(quantity: float, unit_price_vnd: int, unit_kg: float | None) -> int:
    """What an order costs, in whole đồng, rounded half up.

    Prices of weighed goods are per kilogram (a club quotes 38.000 ₫/kg while selling tấn), so
    `unit_kg` converts: 2,5 tấn at 38.000 ₫/kg is 2,5 × 1.000 × 38.000. Other units are priced
    per unit (unit_kg None). Computed in decimal: floats would lose đồng on large orders.
    """
    amount = Decimal(repr(float(quantity))) * _kg_factor(unit_kg) * Decimal(int(unit_price_vnd))
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def deposit_amount(amount_vnd: int) -> int:
    """30 % of the amount, rounded up to the next whole đồng (a deposit is never below 30 %)."""
    return -(-amount_vnd * DEPOSIT_PERCENT // 100)


def payment_target(amount_vnd: int, payment_option: str) -> int:
    """What must be received for the order to count as paid."""
    return deposit_amount(amount_vnd) if payment_option == "deposit" else amount_vnd


def amount_due_vnd(order) -> int:
    """What the buyer should pay now, in whole đồng (0 when nothing is due).

    Waiting for payment: the deposit or the full amount, less what was already received. After a
    deposit (paid, delivered): the balance. Any other status: nothing.
    """
    status, amount, paid = order.status, int(order.amount_vnd), int(order.amount_paid_vnd or 0)
    if status == "confirmed":
        return max(0, payment_target(amount, order.payment_option) - paid)
    if status in ("paid", "delivered"):
        return max(0, amount - paid)
    return 0


def can_claim_payment(order) -> bool:
    """The buyer may say "I have paid" while money is due and no claim of theirs is open (one the
    seller has not answered by recording a payment)."""
    return amount_due_vnd(order) > 0 and getattr(order, "payment_claimed_at", None) is None


def received_differs(amount_vnd: int, due_vnd: int) -> bool:
    """A transfer recorded for another amount than what is due (a part payment, the full amount on
    a deposit, or a slip of a zero): the seller confirms it before it is recorded."""
    return amount_vnd != due_vnd


def balance_vnd(order) -> int:
    return max(0, int(order.amount_vnd) - int(order.amount_paid_vnd or 0))


def is_paid_enough(amount_vnd: int, payment_option: str, amount_paid_vnd: int) -> bool:
    return amount_paid_vnd >= payment_target(amount_vnd, payment_option)


def check_quantity(quantity: float | None, *, available: float, min_order: float | None) -> Problems:
    """Above zero, at least the minimum order, at most what is left (when it is not all left,
    the service answers 409 instead: the listing changed under the buyer)."""
    problems = Problems()
    if quantity is None:
        problems.add("quantity", "required")
    elif quantity <= 0:
        problems.add("quantity", "positive")
    elif min_order is not None and quantity < min_order:
        problems.add("quantity", "below_min_order")
    return problems


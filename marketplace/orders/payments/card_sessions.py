"""Which open card sessions an order no longer honours.

Whenever what is due on an order changes (a state change, a payment option chosen, a part
payment), its open Stripe Checkout sessions for another amount are marked to expire. A leaf: the
order's lifecycle and the payment use cases both call it, and it calls neither.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.orders import rules
from marketplace.orders.models import Order
from marketplace.orders.payments.models import CardCheckout


def retire_card_sessions(db: Session, order_id: int) -> int:
    """Open card sessions of this order for another amount than what is due now (it was cancelled,
    paid another way, expired, or the amount due changed) are marked to expire: otherwise a tab
    left open could still take money the order can no longer apply.

    Only marked here, inside the transaction: Stripe is called after commit, by the worker
    (stripe_services.expire_retired_checkouts), or by the card button before it opens a new one.
    Returns how many were marked."""
    row = db.execute(select(Order.status, Order.amount_vnd, Order.payment_option, Order.amount_paid_vnd)
                     .where(Order.id == order_id)).one_or_none()
    if row is None:
        return 0
    due = rules.amount_due_vnd(row)
    result = db.execute(update(CardCheckout).where(CardCheckout.order_id == order_id, CardCheckout.status == "open",
                                                   CardCheckout.amount_vnd != due)
                        .values(status="expiring").execution_options(synchronize_session=False))
    return result.rowcount or 0

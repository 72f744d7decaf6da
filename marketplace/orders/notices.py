"""Telling people about their orders: a notice (in-app and mail) to the other side of every state
change and of the buyer's "I have paid", and the reminder to sellers of an order left unanswered.

Each state change is claimed by a conditional UPDATE before it is told, so two workers never
tell it twice. Takes the session, never commits.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import role_in
from marketplace.db import utcnow
from marketplace.notifications import services as notifications
from marketplace.orders import presentation, rules
from marketplace.orders.models import Order, OrderEvent

# to_status → (kind of notice, which side is told); a cancellation is told to the side that did not
# cancel, so it is decided in send_notices.
NOTICES: dict[str, tuple[str, str]] = {
    "requested": ("order_new", "seller"),
    "confirmed": ("order_confirmed", "buyer"),
    "declined": ("order_declined", "buyer"),
    "expired": ("order_expired", "buyer"),
    "paid": ("order_paid", "seller"),
    "delivered": ("order_delivered", "buyer"),
    "completed": ("order_completed", "seller"),
}


def send_notices(db: Session, limit: int = 200) -> int:
    """Tell the other side of each state change not yet told (in-app and mail). A cancellation
    goes to the side that did not cancel."""
    count = 0
    events = list(db.scalars(select(OrderEvent).where(OrderEvent.notified_at.is_(None))
                             .order_by(OrderEvent.id).limit(limit)))
    for event in events:
        claimed = db.execute(update(OrderEvent).where(OrderEvent.id == event.id, OrderEvent.notified_at.is_(None))
                             .values(notified_at=utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        order = event.order
        if event.kind == "payment_claimed":
            kind, side = "order_claim_paid", "seller"
        elif event.to_status == "cancelled":
            by_seller = event.by_user is not None and role_in(event.by_user, order.seller_org) == "seller"
            kind, side = "order_cancelled", "buyer" if by_seller else "seller"
        else:  # every other status has its notice (tests/unit/orders/test_notice_table.py)
            kind, side = NOTICES[event.to_status]
        org_id = order.seller_org_id if side == "seller" else order.buyer_org_id
        params = presentation.notice_params(order)
        if event.to_status == "declined" and event.note:
            params["reason"] = event.note[:300]  # the seller's reason, for the buyer
        if kind == "order_claim_paid":
            # What the buyer says they sent (what is due now), and the reference they gave.
            params["amount_vnd"] = rules.amount_due_vnd(order) or int(order.amount_vnd)
            if event.note:
                params["reason"] = event.note[:200]
        message = notifications.Message(kind, params, f"/orders/{order.id}")
        # A club that buys: its board hears of its orders too (accounts.buyers_of).
        people = accounts.buyers_of(db, org_id) if side == "buyer" else notifications.members(db, org_id, (side,))
        count += notifications.notify(db, people, message,
                                  subject=lambda _u, k=kind, p=params: presentation.describe_notice(k, p),
                                  body=lambda _u, k=kind, p=params: presentation.describe_notice(k, p))
    return count


def send_reminder(db: Session, order: Order) -> None:
    """Remind the seller's sellers of an order they have not answered yet."""
    params = presentation.notice_params(order)
    message = notifications.Message("order_reminder", params, f"/orders/{order.id}")
    notifications.notify(db, notifications.members(db, order.seller_org_id, ("seller",)), message,
                     subject=lambda _u, p=params: presentation.describe_notice("order_reminder", p),
                     body=lambda _u, p=params: presentation.describe_notice("order_reminder", p))

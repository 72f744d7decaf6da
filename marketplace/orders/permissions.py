"""Who is who on an order: the buyer organisation's buyers, the seller organisation's sellers,
and staff (who look, and may record a payment they checked). Admins pass every check.

Pure functions of the user and the order (no request, no database): the order views and the
order page's template ask `order_actions` once instead of each working it out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.accounts.permissions import acting_buyer, can_manage_demand, can_manage_supply
from marketplace.listings import rules as listing_rules
from marketplace.orders import rules

# The order in which one person with several sides (an admin) acts.
ACTOR_ORDER = ("seller", "buyer", "staff")


def sides(user, order) -> set[str]:
    """The actors (rules.ACTORS) this user may act as on this order; empty for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    found = set()
    if can_manage_demand(user, order.buyer_org):
        found.add("buyer")
    if can_manage_supply(user, order.seller_org):
        found.add("seller")
    if user.is_staff:
        found.add("staff")
    return found


def can_see(user, order) -> bool:
    return bool(sides(user, order))


def can_take_payments(user, org) -> bool:
    """Record transfers and upload the organisation's bank statements: its sellers, or staff."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or can_manage_supply(user, org)


def can_order(user, listing, today: date, org=None) -> bool:
    """Order this listing online for `org` (default: the person's acting buyer organisation): one
    that buys and is not the selling organisation (never from itself), a fixed price, on sale today."""
    org = org if org is not None else acting_buyer(user)
    return (org is not None and org.id != listing.organization_id and listing.price_vnd is not None
            and listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today))


def actor_for(order_sides: set[str], status: str, action: str) -> str | None:
    """The side this person takes `action` as: the first of theirs the table lets do it now, else
    the first of theirs that may ever do it (the change is then refused as out of date), else
    None (not theirs to do)."""
    able = {actor for (_status, name), (_target, actors) in rules.TRANSITIONS.items() if name == action
            for actor in actors} - {"system"}
    mine = [actor for actor in ACTOR_ORDER if actor in order_sides & able]
    if not mine:
        return None
    return next((a for a in mine if rules.next_status(status, action, a)), mine[0])


@dataclass(frozen=True)
class OrderActions:
    """What one person may do on one order now (the order page's buttons and forms)."""

    sides: frozenset[str]
    actions: tuple[str, ...]  # state changes, in the order their buttons show
    take_payments: bool  # record a transfer received
    choose_option: bool  # deposit or full amount
    # each state change this person may make now (the same as `action in actions`)
    confirm: bool = False
    decline: bool = False
    cancel: bool = False
    deliver: bool = False
    complete: bool = False

    @property
    def buyer(self) -> bool:
        return "buyer" in self.sides

    @property
    def see_transfer_code(self) -> bool:
        """The VietQR code is for whoever pays (the buyer) or checks payments (staff)."""
        return bool(self.sides & {"buyer", "staff"})

    @property
    def buttons(self) -> tuple[str, ...]:
        """The state changes taken with one click (declining has its own form, with a reason)."""
        return tuple(a for a in self.actions if a != "decline")


def order_actions(user, order) -> OrderActions:
    """What this user may do on this order; nothing at all for someone who is not on it."""
    order_sides = sides(user, order)
    actions: list[str] = []
    for actor in ACTOR_ORDER:
        if actor in order_sides:
            for action in rules.actions_for(order.status, actor):
                if action == "pay" or action in actions:
                    continue  # money is recorded through payments, not a button
                if action == "cancel" and not rules.can_cancel(order.status, int(order.amount_paid_vnd or 0)):
                    continue
                actions.append(action)
    return OrderActions(
        sides=frozenset(order_sides), actions=tuple(actions), **{action: True for action in actions},
        take_payments=can_take_payments(user, order.seller_org),
        choose_option="buyer" in order_sides and order.status == "confirmed" and not order.amount_paid_vnd)

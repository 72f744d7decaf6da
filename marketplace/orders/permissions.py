"""Who is who on an order: the buyer organisation's buyers, the seller organisation's sellers,
and staff (who look, and may record a payment they checked). Admins pass every check."""

from __future__ import annotations

from marketplace.accounts.permissions import can_manage_demand, can_manage_supply


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

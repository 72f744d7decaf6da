"""Per-object permission rules: who may act for, or change, an organisation's things."""

from __future__ import annotations

from marketplace.accounts.models import Organization, User
from marketplace.accounts.rules import BUYING_KINDS, SELLER_KINDS, may_buy_as
from marketplace.errors import NotFound


def role_in(user: User, org: Organization) -> str | None:
    for membership in user.memberships:
        if membership.organization_id == org.id:
            return membership.role
    return None


def on_board(user: User | None, org: Organization) -> bool:
    """Invite and remove the organisation's members and record its households: its board (the
    person who created it is on it), or an administrator."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or any(m.organization_id == org.id and m.board for m in user.memberships)


def member_or_staff(user: User | None, organization_id: int) -> bool:
    """Sees what the organisation has not made public yet (a draft listing's photos): any of its
    members, whatever their role, and staff (who look, never change)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or any(m.organization_id == organization_id for m in user.memberships)


def can_manage_supply(user: User | None, org: Organization) -> bool:
    """Edit the organisation's page, listings, credentials and photos: its sellers, or an admin."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or role_in(user, org) == "seller"


def can_list_for(user: User | None, org: Organization | None) -> bool:
    """Create listings for org: only clubs, cooperatives and groups sell."""
    return org is not None and org.kind in SELLER_KINDS and can_manage_supply(user, org)


def _membership(user: User, org: Organization):
    return next((m for m in user.memberships if m.organization_id == org.id), None)


def can_manage_demand(user: User | None, org: Organization) -> bool:
    """Post and change the organisation's requests, decide offers, order and pay for it: a buyer
    organisation's buyers; a club's buyers or its board (accounts.rules.may_buy_as); an admin."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    membership = _membership(user, org)
    return membership is not None and may_buy_as(org.kind, membership.role, bool(getattr(membership, "board", False)))


def can_edit_profile(user: User | None, org: Organization) -> bool:
    """Any member who acts for the organisation (seller or buyer), or an admin."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or role_in(user, org) in {"seller", "buyer"}


def can_buy_for(user: User | None, org: Organization | None) -> bool:
    """Order and post requests for org: organisations that buy (buyers, and clubs, cooperatives and
    groups), by those who buy for them (can_manage_demand)."""
    return org is not None and org.kind in BUYING_KINDS and can_manage_demand(user, org)


def acting_buyer(user: User | None) -> Organization | None:
    """The buyer organisation this user orders and posts requests for (their first
    organisation, when it buys and they are its buyer, or an admin), else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    org = user.organization
    return org if can_buy_for(user, org) else None


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def selling_orgs(user: User | None) -> list[Organization]:
    """The clubs, cooperatives and groups this person lists produce for (as their seller), in the
    order they joined: what "Đăng bán" offers to choose from."""
    if not _signed_in(user):
        return []
    return [m.organization for m in user.memberships
            if m.role == "seller" and m.organization.kind in SELLER_KINDS]


def buying_orgs(user: User | None) -> list[Organization]:
    """The organisations this person posts requests and orders for (as their buyer, or on a club's
    board), in the order they joined: what `?org=` chooses from."""
    if not _signed_in(user):
        return []
    return [m.organization for m in user.memberships if m.organization.kind in BUYING_KINDS
            and may_buy_as(m.organization.kind, m.role, bool(getattr(m, "board", False)))]


def buying_org_for(user: User | None, asked: str | None) -> Organization | None:
    """The organisation a person orders or posts a request for: `?org=<id>` among their buying
    organisations (another id is a 404, see chosen_org); without it, acting_buyer (their first
    organisation, as before) or else the first they buy for (a club's seller who is also a
    trader's buyer)."""
    if asked is None or asked == "":
        return acting_buyer(user) or chosen_org(buying_orgs(user), None)
    return chosen_org(buying_orgs(user), asked)


def selling_org_for(user: User | None, asked: str | None) -> Organization | None:
    """The organisation a person offers for: `?org=<id>` among the ones they sell for; without it
    their first organisation (as before)."""
    if asked is None or asked == "":
        return user.organization if _signed_in(user) else None
    return chosen_org(selling_orgs(user), asked)


class NotOneOfYours(NotFound):
    """An organisation asked for (`?org=`) that is not among the person's own: a plain 404, as for
    an id that does not exist, so that nobody learns which ids are other clubs'."""


def chosen_org(orgs: list[Organization], asked: str | None) -> Organization | None:
    """The organisation a form acts for: the one asked for by id, when it is one of `orgs` (else
    NotOneOfYours, whatever the reason: a typo, another club's id, not a number); without a
    question, the first of `orgs` (a person with one organisation never has to choose), or None."""
    if asked is None or asked == "":
        return orgs[0] if orgs else None
    for org in orgs:
        if str(org.id) == asked.strip():
            return org
    raise NotOneOfYours()

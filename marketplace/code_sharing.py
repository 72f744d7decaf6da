"""Planting and packing-house codes an organisation may use besides its own: a cooperative's codes
shared with its member clubs. The packages below cooperatives (listings, imports, traceability)
ask here; cooperatives registers the answers when its blueprint is registered
(cooperatives.sharing.usable_codes and member_on), so they never import it. Without a provider an
organisation has its own codes only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app, has_app_context

# (session, organisation, lock) → the codes it may attach (its own and shared ones)
UsableCodes = Callable[..., list]
# (session, club id, holder's id, day) → whether the club could use that holder's codes that day
MemberOn = Callable[..., bool]


def register(app, *, usable_codes: UsableCodes, member_on: MemberOn) -> None:
    app.extensions["code_sharing"] = (usable_codes, member_on)


def _provider():
    return current_app.extensions.get("code_sharing") if has_app_context() else None


def usable_codes(db, org, *, lock: bool = False) -> list | None:
    """The codes `org` may attach to a listing, or None where nothing is registered (then: its own
    only). `lock`: hold the memberships the shared codes come through until the transaction ends."""
    provider = _provider()
    return provider[0](db, org, lock=lock) if provider else None


def usable_on(db, code, org_id: int, day: date) -> bool:
    """A code counts for the organisation on that day: its own, or shared with it then."""
    if code.organization_id == org_id:
        return True
    provider = _provider()
    return bool(provider and provider[1](db, org_id, code.organization_id, day))

"""How many invitations one person may create: one budget for the members page and the API."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from marketplace.extensions import limiter

INVITES_PER_USER = "30 per hour"
JOIN_PER_ADDRESS = "20 per 15 minutes"  # links opened and codes typed, per client address


def _invite_key() -> str:
    return f"invite:{current_user.get_id()}"


def _invited(_response) -> bool:
    return bool(g.get("invitation_made"))


def invited() -> None:
    """The request did make an invitation: it spends the budget (a form sent back with its
    problems spends nothing)."""
    g.invitation_made = True


# Decorates the view that creates invitations (its POST), on the page and in the API alike.
invitations = limiter.shared_limit(INVITES_PER_USER, scope="member-invitations", key_func=_invite_key,
                                   methods=["POST"], deduct_when=_invited)

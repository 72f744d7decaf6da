"""How many invitations one person may create: one budget for the members page and the API."""

from __future__ import annotations

from flask_login import current_user

from marketplace.extensions import limiter

INVITES_PER_USER = "30 per hour"
JOIN_PER_ADDRESS = "20 per 15 minutes"  # links opened and codes typed, per client address


def _invite_key() -> str:
    return f"invite:{current_user.get_id()}"


# Decorates the view that creates invitations (its POST), on the page and in the API alike.
invitations = limiter.shared_limit(INVITES_PER_USER, scope="member-invitations", key_func=_invite_key,
                                   methods=["POST"])

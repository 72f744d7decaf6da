"""Who may open a view: decorators that declare it, so every route states its rule.

tests/integration/test_access.py walks the URL map and checks each route against the rule
recorded here; a route without one fails that test.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

# endpoint function → "public" | "user" | "staff" | "admin" | "seller" | "buyer"
POLICIES: dict[Callable, str] = {}


def public(view: Callable) -> Callable:
    POLICIES[view] = "public"
    return view


def signed_in(view: Callable) -> Callable:
    wrapped = login_required(view)
    POLICIES[wrapped] = "user"
    return wrapped


def role_required(role: str) -> Callable[[Callable], Callable]:
    """Signed in, with this role in some organisation (staff includes admin)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(wrapper)
        POLICIES[wrapped] = role
        return wrapped

    return decorator


def has_role(role: str) -> bool:
    if not current_user.is_authenticated:
        return False
    roles = current_user.roles
    return "admin" in roles or role in roles


def policy_of(view: Callable) -> str | None:
    return POLICIES.get(view)

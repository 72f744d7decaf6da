"""Pure rules of membership: invitation tokens and codes, their hashes and life, who is invited
(a phone number or an e-mail address, as people write them), the roles one can be invited as, and
a household's area as typed. No Flask, no database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from marketplace.accounts.rules import (
    BUYER_KINDS,
    SELLER_KINDS,
    default_role_for,
    normalize_email,
    normalize_phone,
)
from marketplace.numbers import NotANumber, parse_decimal

INVITATION_LIFETIME = timedelta(days=7)  # the link and the code alike
MAX_CODE_ATTEMPTS = 5  # wrong codes typed for one invitation, after which only its link works
CODE_DIGITS = 6
INVITE_ROLES = ("seller", "buyer", "board")
MAX_AREA_HA = 100_000


def new_token() -> str:
    """The secret in an invitation's link: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """The 6-digit code read out or typed with the phone number or address (leading zeros kept)."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def digest(secret: str) -> str:
    """What is stored of a token or a code: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str, stored: str) -> bool:
    return hmac.compare_digest(digest(secret), stored)


def clean_code(typed: str | None) -> str | None:
    """The code as typed ("123 456", "123-456") as its 6 digits, or None when it is not one."""
    digits = "".join(ch for ch in (typed or "") if not ch.isspace() and ch not in "-.")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else None


def expires_at(created: datetime) -> datetime:
    return created + INVITATION_LIFETIME


def invitee(typed: str | None) -> tuple[str, str] | None:
    """Whom an invitation is for: ("email"|"phone", normalised), or None when it is neither.
    "0912 345 678", "+84 912 345 678" and "84912345678" are one phone number."""
    text = (typed or "").strip()
    if not text:
        return None
    if "@" in text:
        email = normalize_email(text)
        return ("email", email) if email else None
    phone = normalize_phone(text)
    return ("phone", phone) if phone else None


def invite_roles(kind: str) -> tuple[str, ...]:
    """The roles a member of an organisation of this kind may be invited as: clubs and cooperatives
    have sellers (and buy too), buyer organisations buyers; anyone may join the board."""
    if kind in SELLER_KINDS:
        return ("seller", "buyer", "board")
    if kind in BUYER_KINDS:
        return ("buyer", "board")
    return ("board",)


def membership_of(invited_role: str, kind: str) -> tuple[str, bool]:
    """The (role, board) an accepted invitation gives: "board" is the organisation's own role for
    its kind, on the board."""
    if invited_role == "board":
        return default_role_for(kind), True
    return invited_role, False


def state(*, now: datetime, expires: datetime, accepted: datetime | None, revoked: datetime | None) -> str:
    """An invitation's state: "open", "accepted", "revoked" or "expired" (in that precedence)."""
    if accepted is not None:
        return "accepted"
    if revoked is not None:
        return "revoked"
    if _aware(now) >= _aware(expires):
        return "expired"
    return "open"


def _aware(moment: datetime) -> datetime:
    """SQLite gives back UTC times without their zone; PostgreSQL with it."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def code_locked(attempts: int) -> bool:
    return attempts >= MAX_CODE_ATTEMPTS


def parse_area(typed: str | None) -> float | None:
    """A household's area in hectares as typed: "1,5" and "1.5" are 1.5; empty is None. Raises
    ValueError when it is not a number, negative or beyond reason."""
    try:
        value = parse_decimal(typed)
    except NotANumber as error:
        raise ValueError(typed) from error
    if value is None:
        return None
    if value < 0 or value > MAX_AREA_HA:
        raise ValueError(typed)
    return round(value, 2)


def can_leave_board(board_count: int, *, leaving_is_on_board: bool) -> bool:
    """An organisation always keeps one board member: one leaving (removed or taken off the
    board) may go only when another stays."""
    return not leaving_is_on_board or board_count > 1

"""Pure rules for accounts: kinds of organisation, roles, identifiers, passwords, redirects."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ORG_KINDS: tuple[str, ...] = (
    "club", "cooperative", "coop_group", "business", "supermarket", "trader", "exporter", "agency",
)
SELLER_KINDS = frozenset({"club", "cooperative", "coop_group"})
BUYER_KINDS = frozenset({"business", "supermarket", "trader", "exporter"})
# Who may post demand and order: buyers, and (issue #19) clubs, cooperatives and groups too (a
# cooperative buys its member clubs' fruit to pack for export). The directory's buyers stay BUYER_KINDS.
BUYING_KINDS = BUYER_KINDS | SELLER_KINDS
ROLES: tuple[str, ...] = ("seller", "buyer", "staff", "admin")
# Kinds a person may create when signing up; an agency is set up by an administrator.
SELF_SERVICE_KINDS: tuple[str, ...] = tuple(k for k in ORG_KINDS if k != "agency")

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
MAIL_CHOICES = ("instant", "daily", "off")  # how a user hears of notices: each, once a day, never

_PHONE_CHARS = re.compile(r"[\s.\-()]")
_VN_MOBILE = re.compile(r"^0[35789]\d{8}$")
_VN_LANDLINE = re.compile(r"^02\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def default_role_for(kind: str) -> str:
    """The role a person gets in an organisation of this kind when they create it."""
    if kind in SELLER_KINDS:
        return "seller"
    if kind in BUYER_KINDS:
        return "buyer"
    if kind == "agency":
        return "staff"
    raise ValueError(f"unknown organisation kind {kind!r}")


def may_buy_as(kind: str, role: str | None, board: bool) -> bool:
    """Whether a member with this role (and board seat) posts demand, orders and pays for an
    organisation of this kind: a buyer organisation's buyers; a club's (cooperative's, group's)
    buyers or its board, so that a club's sellers keep to selling."""
    if kind in BUYER_KINDS:
        return role == "buyer"
    if kind in SELLER_KINDS:
        return role == "buyer" or board
    return False


def normalize_phone(text: str | None) -> str | None:
    """A Vietnamese phone number in national form (0xxxxxxxxx), or None when it is not one.

    Accepts +84 / 84 prefixes, spaces, dots and dashes, as people write them.
    """
    if not text:
        return None
    digits = _PHONE_CHARS.sub("", text.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):  # mobile (9 digits) or landline (10)
        digits = "0" + digits[2:]
    if _VN_MOBILE.match(digits) or _VN_LANDLINE.match(digits):
        return digits
    return None


def normalize_email(text: str | None) -> str | None:
    if not text:
        return None
    email = text.strip().lower()
    return email if _EMAIL.match(email) else None


def parse_identifier(text: str) -> tuple[str, str] | None:
    """Sign-in accepts an e-mail address or a phone number: ("email"|"phone", normalised)."""
    if "@" in text:
        email = normalize_email(text)
        return ("email", email) if email else None
    phone = normalize_phone(text)
    return ("phone", phone) if phone else None


def password_problems(password: str, *, identifiers: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a new password, as message keys (empty when it is acceptable)."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("too_short")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append("too_long")
    if len(set(password)) < 4:
        problems.append("too_simple")
    lowered = password.lower()
    if any(i and len(i) >= 4 and i.lower() in lowered for i in identifiers):
        problems.append("contains_identifier")
    return problems


def is_safe_redirect(target: str | None) -> bool:
    """Only a path on our own site: no scheme, no host, no protocol-relative or backslash trick."""
    if not target:
        return False
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def zalo_link(phone: str | None) -> str | None:
    normalized = normalize_phone(phone)
    return f"https://zalo.me/{normalized}" if normalized else None

"""Pure rules for credentials: normalising and checking numbers, validity on a date, statuses.

Formats vary in practice (product.md), so checks are loose where the formats are: normalise,
then check a pattern only where one is known, and say exactly what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CERTIFICATE_TYPES: tuple[str, ...] = ("vietgap", "globalgap", "organic", "ocop")
CODE_KINDS: tuple[str, ...] = ("growing_area", "packing_house")
STATUSES: tuple[str, ...] = ("pending", "active", "suspended", "revoked", "expired")
OCOP_LEVELS: dict[int, str] = {3: "commune", 4: "province", 5: "national"}
OCOP_CERTIFIED_STARS = frozenset({3, 4, 5})
OCOP_VALID_MONTHS = 36
VIETGAP_MAX_YEARS = 2

# Staff actions and the statuses they move between.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "verify": (frozenset({"pending", "suspended"}), "active"),
    "suspend": (frozenset({"active"}), "suspended"),
    "revoke": (frozenset({"pending", "active", "suspended"}), "revoked"),
    "reject": (frozenset({"pending"}), "revoked"),
}
ACTIONS_NEEDING_REASON = frozenset({"suspend", "revoke", "reject"})

_DASHES = re.compile(r"[\u2010-\u2015\u2212_/\\\s]+")
_MULTI_DASH = re.compile(r"-{2,}")
_CODE_PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
# Đồng Tháp export codes: VN-DTOR-0017 (orchard), VN-DTPH-0001 (packing house).
_VN_EXPORT_CODE = re.compile(r"^VN-[A-Z]{2,4}(OR|PH)-\d{3,6}$")
_GGN = re.compile(r"^\d{13}$")


class CredentialProblem(ValueError):
    """A number that cannot be accepted; `key` names the problem for a translated message."""

    def __init__(self, key: str, value: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.value = value


def normalize_code(text: str) -> str:
    """Trim, upper case, every dash-like character and space run to one ASCII dash."""
    code = _DASHES.sub("-", (text or "").strip().upper())
    return _MULTI_DASH.sub("-", code).strip("-")


def check_planting_code(text: str, kind: str) -> str:
    """The normalised code, or CredentialProblem naming what is wrong."""
    code = normalize_code(text)
    if not code:
        raise CredentialProblem("code_empty")
    if len(code) > 40:
        raise CredentialProblem("code_too_long", code)
    if not _CODE_PATTERN.match(code):
        raise CredentialProblem("code_characters", code)
    if code.startswith("VN-") and re.match(r"^VN-[A-Z]{2,4}(OR|PH)-", code):
        if not _VN_EXPORT_CODE.match(code):
            raise CredentialProblem("code_export_format", code)
        suffix = _VN_EXPORT_CODE.match(code).group(1)
        if kind == "growing_area" and suffix == "PH":
            raise CredentialProblem("code_kind_packing", code)
        if kind == "packing_house" and suffix == "OR":
            raise CredentialProblem("code_kind_orchard", code)
    return code


def check_certificate_number(cert_type: str, text: str) -> str:
    number = normalize_code(text) if cert_type != "globalgap" else re.sub(r"[\s.\-]", "", text or "")
    if cert_type not in CERTIFICATE_TYPES:
        raise CredentialProblem("type_unknown", cert_type)
    if not number:
        raise CredentialProblem("number_empty")
    if cert_type == "globalgap" and not _GGN.match(number):
        raise CredentialProblem("ggn_format", number)
    if len(number) > 60:
        raise CredentialProblem("number_too_long", number)
    return number


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    days_in_month = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                     31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(start.day, days_in_month))


def default_expiry(cert_type: str, issued_on: date | None) -> date | None:
    """OCOP ratings last 36 months from the decision; other certificates must say."""
    if cert_type == "ocop" and issued_on:
        return add_months(issued_on, OCOP_VALID_MONTHS)
    return None


def check_dates(cert_type: str, issued_on: date | None, expires_on: date | None) -> None:
    if issued_on and expires_on and expires_on <= issued_on:
        raise CredentialProblem("expiry_before_issue")
    longest = add_months(issued_on, 12 * VIETGAP_MAX_YEARS) if issued_on else None
    if cert_type == "vietgap" and longest and expires_on and expires_on > longest:
        raise CredentialProblem("vietgap_too_long")


def check_stars(cert_type: str, stars: int | None) -> int | None:
    if cert_type != "ocop":
        return None
    if stars is None or not 1 <= stars <= 5:
        raise CredentialProblem("stars_range")
    return stars


@dataclass(frozen=True)
class Validity:
    """What a credential is worth on a given day, and why."""

    valid: bool
    state: str  # active, pending, suspended, revoked, expired, not_certified


def validity(status: str, valid_until: date | None, on: date, *, stars: int | None = None,
             cert_type: str | None = None) -> Validity:
    """Valid only when staff verified it (active) and it has not expired on that day.

    An OCOP rating below 3 stars is not a certification at all and never counts.
    """
    if status != "active":
        return Validity(False, status)
    if valid_until is not None and valid_until < on:
        return Validity(False, "expired")
    if cert_type == "ocop" and stars not in OCOP_CERTIFIED_STARS:
        return Validity(False, "not_certified")
    return Validity(True, "active")


def valid_throughout(status: str, valid_until: date | None, start: date, end: date, **kwargs) -> bool:
    """Valid on every day from start to end (a certificate that lapses mid-delivery does not count)."""
    return validity(status, valid_until, start, **kwargs).valid and (valid_until is None or valid_until >= end)


def next_status(current: str, action: str) -> str:
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise CredentialProblem("transition_not_allowed", current)
    return target


def split_markets(text: str | None) -> list[str]:
    """Export markets as upper-case codes: "cn; US, eu" → ["CN", "US", "EU"]."""
    parts = re.split(r"[;,\s]+", (text or "").strip())
    return [p.upper() for p in parts if p]

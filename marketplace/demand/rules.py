"""Pure rules for demand posts and offers: statuses, checks, tax codes and pooled coverage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from marketplace.markets import read_markets
from marketplace.problems import Problems, check_lengths, check_quantity, check_window

FREQUENCIES: tuple[str, ...] = ("once", "weekly", "monthly", "seasonal")
STATUSES: tuple[str, ...] = ("open", "paused", "closed", "fulfilled", "expired")
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "pause": (frozenset({"open"}), "paused"),
    "reopen": (frozenset({"paused", "closed", "expired"}), "open"),
    "close": (frozenset({"open", "paused"}), "closed"),
    "fulfil": (frozenset({"open", "paused"}), "fulfilled"),
}
CERTIFICATE_TYPES = ("vietgap", "globalgap", "organic")
# "ocop" in a list of required certificates is not a certificate type: it asks for a valid OCOP
# rating, which is what min_ocop_stars means (3 stars, the least a rating certifies, unless given).
OCOP = "ocop"
OCOP_DEFAULT_STARS = 3
OFFER_STATUSES = ("pending", "accepted", "declined", "withdrawn")
MAX_QUANTITY = 10_000_000
MAX_PRICE_VND = 10_000_000_000
MAX_TEXT = {"quality_notes": 4000, "variety": 120, "grade": 60, "product": 120, "export_market": 40, "note": 1000,
            "ref": 60}

_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def normalize_tax_code(text: str | None) -> str | None:
    """A Vietnamese tax code: 10 digits, or 13 with the branch suffix written 0123456789-001."""
    if not text:
        return None
    value = re.sub(r"[\s.]", "", text.strip()).replace("–", "-").replace("—", "-")
    if re.fullmatch(r"\d{13}", value):
        value = f"{value[:10]}-{value[10:]}"
    return value if _TAX_CODE.match(value) else None


def read_export_market(text: str) -> tuple[str, str]:
    """(code, as written) for the market a request names: ("CN", "") for "Trung Quoc", "TQ",
    "china" or "CN"; ("", text) when the text names no market or several (a request has one), to
    be kept as written and shown to staff, never dropped; ("", "") when nothing is written."""
    found, unknown = read_markets(text)
    if len(found) == 1 and not unknown:
        return found[0], ""
    return "", text


def effective_status(status: str, needed_to: date, today: date) -> str:
    if status in ("open", "paused") and needed_to < today:
        return "expired"
    return status


def next_status(current: str, action: str) -> str | None:
    allowed, target = TRANSITIONS.get(action, (frozenset(), ""))
    return target if current in allowed else None


def split_certificates(text) -> list[str]:
    if isinstance(text, list | tuple):
        parts = [str(p) for p in text]
    else:
        parts = re.split(r"[;,\s]+", str(text or ""))
    return [p.strip().lower() for p in parts if p.strip()]


def read_required_certificates(kinds: list[str], stars: int | None) -> tuple[list[str], int | None]:
    """Required certificates and minimum OCOP stars as stored: `ocop` in the list becomes the
    minimum stars (those given, else 3), so matching and search demand a valid OCOP rating."""
    if OCOP not in kinds:
        return kinds, stars
    return [k for k in kinds if k != OCOP], OCOP_DEFAULT_STARS if stars is None else stars


def check_demand(*, quantity: float | None, price_min: int | None, price_max: int | None,
                 needed_from: date | None, needed_to: date | None, frequency: str, certificates: list[str],
                 min_ocop_stars: int | None, texts: dict[str, str], today: date, opening: bool) -> Problems:
    problems = Problems()
    check_quantity(problems, "quantity", quantity, MAX_QUANTITY)
    for name, price in (("price_min_vnd", price_min), ("price_max_vnd", price_max)):
        if price is not None and not 0 <= price <= MAX_PRICE_VND:
            problems.add(name, "price_range")
    if price_min is not None and price_max is not None and price_min > price_max:
        problems.add("price_max_vnd", "min_above_max")
    check_window(problems, ("needed_from", "needed_to"), needed_from, needed_to, today=today, opening=opening)
    if frequency not in FREQUENCIES:
        problems.add("frequency", "frequency_unknown")
    if any(c not in CERTIFICATE_TYPES for c in certificates):
        problems.add("required_certificates", "certificate_unknown")
    if min_ocop_stars is not None and not 1 <= min_ocop_stars <= 5:
        problems.add("min_ocop_stars", "stars_range")
    check_lengths(problems, texts, MAX_TEXT)
    return problems


def check_offer(*, quantity: float | None, price_vnd: int | None, delivery_date: date | None,
                demand_needed_from: date, demand_needed_to: date, note: str) -> Problems:
    problems = Problems()
    check_quantity(problems, "quantity", quantity, MAX_QUANTITY)
    if price_vnd is not None and not 0 <= price_vnd <= MAX_PRICE_VND:
        problems.add("price_vnd", "price_range")
    if delivery_date is not None and not demand_needed_from <= delivery_date <= demand_needed_to:
        problems.add("delivery_date", "outside_window")
    if len(note) > MAX_TEXT["note"]:
        problems.add("note", "too_long")
    return problems


@dataclass(frozen=True)
class Coverage:
    requested: float
    accepted: float
    pending: float

    @property
    def percent(self) -> int:
        """Share of the request that accepted offers cover, 0–100 (over-supply shows as 100)."""
        if self.requested <= 0:
            return 0
        return min(100, round(100 * self.accepted / self.requested))

    @property
    def remaining(self) -> float:
        return max(0.0, self.requested - self.accepted)


def coverage(requested: float, offers: list[tuple[str, float]]) -> Coverage:
    """Pooling: how much of one request the offers of several clubs cover."""
    accepted = sum(q for status, q in offers if status == "accepted")
    pending = sum(q for status, q in offers if status == "pending")
    return Coverage(requested=requested, accepted=accepted, pending=pending)

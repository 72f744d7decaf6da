"""The rules of linked sales chains (chuỗi liên kết), as pure functions (no Flask, no database).

A chain is proposed by a buyer organisation (its own acceptance recorded then), accepted or
declined by each party (a club or cooperative), active once every party accepted; either side may
cancel it before any delivery and end it after. Its figures are computed here from plain data so
that the page, the API, the staff list and the tests agree: planned to date, delivered (orders
delivered or completed, converted to the chain's unit), on time, traceable, and whether it is a
chain "with growing-area codes and traceability" (every delivered order traceable, codes required).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.numbers import NotANumber, parse_decimal
from marketplace.problems import Problems, check_lengths
from marketplace.products.units import parse_unit

STATUSES = ("proposed", "active", "ended", "declined", "cancelled")
OPEN = frozenset({"proposed", "active"})
PRICE_TERMS = ("fixed", "floor", "market")
CERTIFICATES = ("vietgap", "globalgap", "organic")
PARTY_KINDS = frozenset({"club", "cooperative"})
# The orders that count as delivered against a chain.
DELIVERED = frozenset({"delivered", "completed"})
SCHEDULE_KINDS = ("every", "weekly", "dates")
LIMITS = {"title": 200, "product": 120, "variety": 120, "unit": 40, "price_unit": 40, "price_note": 1000,
          "quality_standard": 2000, "schedule_note": 1000, "reason": 1000, "dates": 2000}
MAX_QUANTITY = 1_000_000_000.0
MAX_PRICE_VND = 1_000_000_000
MAX_DELIVERIES = 120
MAX_PARTIES = 20
MAX_SEASON_DAYS = 3 * 366


# -- quantities ---------------------------------------------------------------------------------

_QUANTITY = re.compile(r"^\s*(?P<number>[\d.,\s]*\d)\s*(?P<unit>[^\d\s].*)?$")


def read_quantity(text: str | None, default_unit: str = "") -> tuple[float, str] | None:
    """A quantity as people write it, with its unit: "60 tấn" → (60, "tấn"), "2,5 tan" → (2.5,
    "tấn"), "800kg" → (800, "kg"), "60" → (60, default_unit). None when it is not one (no number,
    an unknown unit)."""
    if text is None:
        return None
    found = _QUANTITY.match(str(text))
    if found is None:
        return None
    try:
        number = parse_decimal(found["number"])
    except NotANumber:
        return None
    if number is None:
        return None
    unit_text = (found["unit"] or "").strip()
    if not unit_text:
        return (round(number, 3), default_unit) if default_unit else None
    unit = parse_unit(unit_text)
    return (round(number, 3), unit.code) if unit is not None else None


def convert(quantity: float, from_unit: str, to_unit: str) -> float | None:
    """A quantity in another unit through kilograms (tấn ↔ kg, "thùng 10 kg"), or None when one
    of the units cannot be weighed (trái, chục) and they differ."""
    if from_unit == to_unit:
        return quantity
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a is None or b is None:
        return None
    if a.code == b.code:
        return quantity
    if a.kg is None or b.kg is None:
        return None
    return round(quantity * a.kg / b.kg, 6)


# -- checks -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Terms:
    """The terms as read from a form or a request (numbers and dates already parsed)."""

    title: str
    season_from: date | None
    season_to: date | None
    total_quantity: float | None
    per_delivery_quantity: float | None
    price_terms: str
    price_vnd: int | None
    price_note: str
    quality_standard: str = ""
    schedule_note: str = ""
    certificates: tuple[str, ...] = ()
    party_count: int = 0


def check_terms(terms: Terms, *, today: date) -> Problems:
    """Everything a chain must have to be proposed: a season ending after it starts (and not over),
    a total above zero and not below one delivery, price terms that say a price (fixed, floor) or
    the reference (market), at least one party."""
    problems = Problems()
    if not terms.title.strip():
        problems.add("title", "required")
    if terms.season_from is None:
        problems.add("season_from", "required")
    if terms.season_to is None:
        problems.add("season_to", "required")
    if terms.season_from and terms.season_to:
        if terms.season_to < terms.season_from:
            problems.add("season_to", "season_order")
        elif (terms.season_to - terms.season_from).days > MAX_SEASON_DAYS:
            problems.add("season_to", "season_too_long")
        elif terms.season_to < today:
            problems.add("season_to", "season_over")
    if terms.total_quantity is None:
        problems.add("total_quantity", "required")
    elif terms.total_quantity <= 0:
        problems.add("total_quantity", "positive")
    elif terms.total_quantity > MAX_QUANTITY:
        problems.add("total_quantity", "too_large")
    if terms.per_delivery_quantity is not None:
        if terms.per_delivery_quantity <= 0:
            problems.add("per_delivery_quantity", "positive")
        elif terms.total_quantity and terms.total_quantity > 0 and terms.per_delivery_quantity > terms.total_quantity:
            problems.add("per_delivery_quantity", "above_total")
    if terms.price_terms not in PRICE_TERMS:
        problems.add("price_terms", "unknown_choice")
    elif terms.price_terms in ("fixed", "floor"):
        if terms.price_vnd is None:
            problems.add("price_vnd", "price_required")
        elif not 0 < terms.price_vnd <= MAX_PRICE_VND:
            problems.add("price_vnd", "price_range")
    elif not terms.price_note.strip():
        problems.add("price_note", "market_reference")
    if any(c not in CERTIFICATES for c in terms.certificates):
        problems.add("certificates", "unknown_choice")
    if terms.party_count < 1:
        problems.add("party_ids", "no_parties")
    elif terms.party_count > MAX_PARTIES:
        problems.add("party_ids", "too_many_parties")
    check_lengths(problems, {"title": terms.title, "price_note": terms.price_note,
                             "quality_standard": terms.quality_standard, "schedule_note": terms.schedule_note},
                  LIMITS)
    return problems


# -- the schedule -------------------------------------------------------------------------------

def every(first: date, last: date, days: int) -> list[date]:
    """Delivery days every `days` days from `first` to `last` (both included): "mỗi 7 ngày"."""
    if days < 1 or last < first:
        return []
    count = (last - first).days // days + 1
    return [first + timedelta(days=days * i) for i in range(min(count, MAX_DELIVERIES + 1))]


def weekly(first: date, last: date) -> list[date]:
    return every(first, last, 7)


_DATE_SPLIT = re.compile(r"[\s;]+|,(?=\s)|,(?=\d{1,2}[/.-])")


def split_dates(text: str) -> list[str]:
    """The dates a buyer listed, one per line or separated by ";" or ", ": each as typed."""
    return [part.strip().rstrip(",") for part in _DATE_SPLIT.split(text or "") if part.strip().rstrip(",")]


def plan(days: Sequence[date], total: float, per_delivery: float | None) -> list[tuple[date, float]]:
    """The planned deliveries on these days: `per_delivery` each (the last ones less, never past
    the total; days past it get nothing and are left out), or the total shared equally."""
    days = sorted(set(days))
    if not days:
        return []
    if per_delivery is None:
        share = round(total / len(days), 3)
        planned = [(day, share) for day in days[:-1]]
        return [*planned, (days[-1], round(total - share * (len(days) - 1), 3))]
    planned, left = [], total
    for day in days:
        if left <= 0:
            break
        quantity = round(min(per_delivery, left), 3)
        planned.append((day, quantity))
        left = round(left - quantity, 6)
    return planned


def check_schedule(days: Sequence[date], season_from: date | None, season_to: date | None) -> str | None:
    """Why these delivery days cannot be the chain's (a problem key), or None."""
    if not days:
        return "no_deliveries"
    if len(set(days)) > MAX_DELIVERIES:
        return "too_many_deliveries"
    if season_from and season_to and any(not season_from <= d <= season_to for d in days):
        return "outside_season"
    return None


# -- acceptance ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartyState:
    accepted: bool
    declined: bool


def status_after_answers(status: str, parties: Iterable[PartyState]) -> str:
    """A proposed chain becomes active when every party accepted, declined when one declined."""
    parties = list(parties)
    if status != "proposed":
        return status
    if any(p.declined for p in parties):
        return "declined"
    if parties and all(p.accepted for p in parties):
        return "active"
    return "proposed"


def can_cancel(status: str, delivered_orders: int) -> bool:
    """Either side may call off a chain before anything was delivered against it."""
    return status in OPEN and delivered_orders == 0


def can_end(status: str, delivered_orders: int) -> bool:
    """An active chain with deliveries is ended (not cancelled): what was delivered stays counted."""
    return status == "active" and delivered_orders > 0


def can_take_orders(status: str) -> bool:
    return status == "active"


# -- the figures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    id: int
    due_on: date
    quantity: float


@dataclass(frozen=True)
class Delivered:
    """An order against the chain, as the figures need it: `quantity` in its own `unit`,
    `delivered_on` the day it was delivered (None: not yet), `traceable` whether it names at least
    one lot and every lot it names is traceable."""

    order_id: int
    delivery_id: int | None
    status: str
    quantity: float
    unit: str
    delivered_on: date | None
    traceable: bool


@dataclass(frozen=True)
class Figures:
    planned_total: float  # the planned deliveries' sum, in the chain's unit
    planned_to_date: float  # of which due by today
    delivered_quantity: float  # delivered or completed orders, in the chain's unit
    unconverted_orders: int  # delivered orders whose unit cannot be converted (not in the quantity)
    delivered_orders: int
    on_time_orders: int
    traceable_orders: int
    with_codes_and_traceability: bool

    @staticmethod
    def percent(part: float, whole: float) -> int | None:
        return None if not whole else round(100 * part / whole)

    @property
    def delivered_percent(self) -> int | None:
        return self.percent(self.delivered_quantity, self.planned_total)

    @property
    def on_time_percent(self) -> int | None:
        return self.percent(self.on_time_orders, self.delivered_orders)

    @property
    def traceable_percent(self) -> int | None:
        return self.percent(self.traceable_orders, self.delivered_orders)


def is_delivered(order: Delivered) -> bool:
    return order.status in DELIVERED and order.delivered_on is not None


def on_time(order: Delivered, due_on: date | None, season_from: date, season_to: date) -> bool:
    """Delivered on or before its planned delivery's day, or (not tied to one) within the season."""
    if not is_delivered(order):
        return False
    if due_on is not None:
        return order.delivered_on <= due_on
    return season_from <= order.delivered_on <= season_to


def figures(*, unit: str, season_from: date, season_to: date, requires_codes: bool,
            planned: Sequence[Planned], orders: Sequence[Delivered], today: date) -> Figures:
    due = {p.id: p.due_on for p in planned}
    delivered = [o for o in orders if is_delivered(o)]
    quantity, unconverted = 0.0, 0
    for order in delivered:
        converted = convert(order.quantity, order.unit, unit)
        if converted is None:
            unconverted += 1
        else:
            quantity += converted
    traced = sum(1 for o in delivered if o.traceable)
    return Figures(
        planned_total=round(sum(p.quantity for p in planned), 3),
        planned_to_date=round(sum(p.quantity for p in planned if p.due_on <= today), 3),
        delivered_quantity=round(quantity, 3),
        unconverted_orders=unconverted,
        delivered_orders=len(delivered),
        on_time_orders=sum(1 for o in delivered if on_time(o, due.get(o.delivery_id), season_from, season_to)),
        traceable_orders=traced,
        with_codes_and_traceability=requires_codes and bool(delivered) and traced == len(delivered),
    )

"""The rules of fairs and booth applications, as pure functions (no Flask, no database).

A fair is draft → published → (cancelled). An application moves only through TRANSITIONS:
(status, action) → (new status, who may). A booth is held while an application is approved or
confirmed; its number is the kind's prefix and a running number ("A-07"), unique per fair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from marketplace.problems import Problems, check_lengths
from marketplace.transitions import Transitions

FAIR_KINDS = ("fair", "connection", "workshop")
FAIR_STATUSES = ("draft", "published", "cancelled")
# The organisations that may apply for a booth: those who sell, and businesses (processors).
EXHIBITOR_KINDS = frozenset({"club", "cooperative", "coop_group", "business"})
# Members who act for the organisation when it applies.
APPLYING_ROLES = frozenset({"seller", "buyer"})

APPLICATION_STATUSES = ("applied", "waitlisted", "approved", "confirmed", "declined", "withdrawn")
# A booth is held (counted in BoothKind.given, and numbered) in these.
HOLDING = frozenset({"approved", "confirmed"})
# The application still counts as the organisation's one for the fair (it cannot apply again).
OPEN = frozenset({"applied", "waitlisted", "approved", "confirmed"})

# (status, action) → (new status, who may: "staff", "applicant", "system")
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("applied", "approve"): ("approved", "staff"),
    ("waitlisted", "approve"): ("approved", "staff"),
    ("applied", "waitlist"): ("waitlisted", "staff"),
    ("applied", "decline"): ("declined", "staff"),
    ("waitlisted", "decline"): ("declined", "staff"),
    ("approved", "decline"): ("declined", "staff"),
    ("approved", "confirm"): ("confirmed", "system"),  # paid, or free at once
    ("applied", "withdraw"): ("withdrawn", "applicant"),
    ("waitlisted", "withdraw"): ("withdrawn", "applicant"),
    ("approved", "withdraw"): ("withdrawn", "applicant"),
    ("confirmed", "withdraw"): ("withdrawn", "applicant"),
}
STAFF_ACTIONS = ("approve", "waitlist", "decline")

LIMITS = {"name": 200, "name_en": 200, "venue": 200, "organiser_name": 200, "description": 5000,
          "description_en": 5000, "contact_name": 120, "contact_phone": 20, "products_text": 2000,
          "note": 2000, "reason": 1000, "booth_name": 120, "number_prefix": 10}
MAX_BOOTHS = 2000
MAX_FEE_VND = 1_000_000_000
MAX_BOOTH_KINDS = 8
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9-]*")
REF_PREFIX = "GH"


_MOVES = Transitions(TRANSITIONS)
next_status = _MOVES.next_status
allowed_from = _MOVES.allowed_from


def releases_booth(old_status: str, new_status: str) -> bool:
    """Leaving a held booth (declined or withdrawn after approval) gives it back."""
    return old_status in HOLDING and new_status not in HOLDING


def apply_by(fair_apply_by: date | None, starts_on: date) -> date:
    """The last day an application is taken: the fair's deadline, or the day before it starts."""
    return fair_apply_by or date.fromordinal(starts_on.toordinal() - 1)


def application_problem(*, status: str, starts_on: date, fair_apply_by: date | None, today: date,
                        org_kind: str | None, has_open_application: bool) -> str | None:
    """Why this organisation cannot apply for a booth now (a key), or None when it can."""
    if status != "published":
        return "not_open"
    if today > apply_by(fair_apply_by, starts_on):
        return "deadline_passed"
    if org_kind not in EXHIBITOR_KINDS:
        return "not_exhibitor"
    if has_open_application:
        return "already_applied"
    return None


def booth_number(prefix: str, n: int) -> str:
    """"A-07": the kind's prefix and the running number, two digits at least."""
    return f"{prefix}{n:02d}"


def number_of(prefix: str, booth: str | None) -> int | None:
    """The running number of a booth number written with `prefix`, or None when it is not one."""
    if not booth or not booth.startswith(prefix):
        return None
    rest = booth[len(prefix):]
    return int(rest) if rest.isascii() and rest.isdigit() else None


def first_free_number(prefix: str, held: list[str]) -> int:
    """The smallest running number not held at the fair with this prefix (a number is never
    given twice while held; one given back may be given again)."""
    taken = {n for booth in held if (n := number_of(prefix, booth)) is not None}
    n = 1
    while n in taken:
        n += 1
    return n


def fee_due(status: str, fee_vnd: int, paid: bool) -> int:
    """What the applicant has to pay now: the fee while approved and unpaid, else nothing."""
    return fee_vnd if status == "approved" and not paid and fee_vnd > 0 else 0


def application_ref(application_id: int) -> str:
    """"GH-000012": how an application is named on pages, in notices and at Stripe."""
    return f"{REF_PREFIX}-{application_id:06d}"


def transfer_message(application_id: int) -> str:
    """"CHQ GH 12": what the transfer says (ASCII, short: banks keep about 25 characters)."""
    return f"CHQ {REF_PREFIX} {application_id}"


def booths_left(count: int, given: int) -> int:
    return max(count - given, 0)


@dataclass(frozen=True)
class BoothKindInput:
    name: str = ""
    name_en: str = ""
    count: int | None = None
    fee_vnd: int | None = 0
    number_prefix: str = ""


def check_fair(*, name: str, kind: str, starts_on: date | None, ends_on: date | None, apply_by_day: date | None,
               texts: dict[str, str], booth_kinds: list[BoothKindInput]) -> Problems:
    """Every problem of a fair in one pass (dates already read; None where missing or unreadable)."""
    problems = Problems()
    if not name.strip():
        problems.add("name", "required")
    if kind not in FAIR_KINDS:
        problems.add("kind", "unknown_choice")
    if starts_on is None:
        problems.add("starts_on", "required")
    if ends_on is None:
        problems.add("ends_on", "required")
    if starts_on and ends_on and ends_on < starts_on:
        problems.add("ends_on", "window_order")
    if apply_by_day and starts_on and apply_by_day > starts_on:
        problems.add("apply_by", "apply_after_start")
    check_lengths(problems, texts, LIMITS)
    for i, booth in enumerate(booth_kinds):
        check_booth_kind(problems, f"booths-{i}-", booth)
    prefixes = [b.number_prefix for b in booth_kinds]
    for i, prefix in enumerate(prefixes):
        if prefix in prefixes[:i]:
            problems.add(f"booths-{i}-number_prefix", "prefix_taken")
    return problems


def check_booth_kind(problems: Problems, at: str, booth: BoothKindInput) -> None:
    if not booth.name.strip():
        problems.add(at + "name", "required")
    elif len(booth.name) > LIMITS["booth_name"]:
        problems.add(at + "name", "too_long")
    if len(booth.name_en) > LIMITS["booth_name"]:
        problems.add(at + "name_en", "too_long")
    if booth.count is None:
        problems.add(at + "count", "required")
    elif booth.count < 1 or booth.count > MAX_BOOTHS:
        problems.add(at + "count", "booth_count")
    if booth.fee_vnd is not None and not 0 <= booth.fee_vnd <= MAX_FEE_VND:
        problems.add(at + "fee_vnd", "fee_range")
    if len(booth.number_prefix) > LIMITS["number_prefix"] or not PREFIX_PATTERN.fullmatch(booth.number_prefix):
        problems.add(at + "number_prefix", "bad_prefix")


def check_application(*, booth_kind_ok: bool, contact_name: str, contact_phone: str, phone_ok: bool,
                      listing_count: int, texts: dict[str, str]) -> Problems:
    """Every problem of an application in one pass."""
    problems = Problems()
    if not booth_kind_ok:
        problems.add("booth_kind_id", "choose_booth")
    if not contact_name.strip():
        problems.add("contact_name", "required")
    if not contact_phone.strip():
        problems.add("contact_phone", "required")
    elif not phone_ok:
        problems.add("contact_phone", "bad_phone")
    if listing_count == 0 and not texts.get("products_text", "").strip():
        problems.add("products_text", "no_products")
    check_lengths(problems, texts, LIMITS)
    return problems


def is_coming(ends_on: date, today: date) -> bool:
    return ends_on >= today

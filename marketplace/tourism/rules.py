"""The rules of rural tourism, as pure functions (no Flask, no database).

An offer is draft → published ⇄ paused. Its season is a set of months, read from what a chair types
("5-8", "tháng 5 đến tháng 8", "12-2", "1, 3, 5", "quanh năm"); empty means all year. A booking moves
only through TRANSITIONS: (status, action) → (new status, who may: "club" or "visitor").
"""

from __future__ import annotations

import re
from datetime import date

from marketplace.problems import Problems, check_lengths
from marketplace.transitions import Transitions
from marketplace.vietnamese import fold

KINDS = ("orchard_visit", "picking", "farm_stay", "boat_trip", "other")
# Words a visitor may search a kind by (folded, Vietnamese and English), whatever the offer's own words.
KIND_WORDS = {"orchard_visit": "tham vuon miet vuon du lich vuon orchard visit",
              "picking": "hai trai cay hai trai vuon fruit picking",
              "farm_stay": "luu tru homestay o nha dan farm stay",
              "boat_trip": "di thuyen xuong ghe song nuoc boat trip", "other": "tham quan trai nghiem visit"}
OFFER_STATUSES = ("draft", "published", "paused")
# (status, action) → new status, for an offer (by its club's sellers, or an admin).
OFFER_TRANSITIONS = {("draft", "publish"): "published", ("paused", "publish"): "published",
                     ("published", "pause"): "paused"}

BOOKING_STATUSES = ("requested", "proposed", "accepted", "declined", "cancelled")
# The visitor's request still waits for someone, or the visit is on: counts against MAX_OPEN_BOOKINGS.
OPEN = frozenset({"requested", "proposed", "accepted"})
# (status, action) → (new status, who may)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("requested", "accept"): ("accepted", "club"),
    ("requested", "propose"): ("proposed", "club"),
    ("requested", "decline"): ("declined", "club"),
    ("proposed", "decline"): ("declined", "club"),
    ("proposed", "take"): ("accepted", "visitor"),  # the visitor takes the club's day
    ("requested", "cancel"): ("cancelled", "visitor"),
    ("proposed", "cancel"): ("cancelled", "visitor"),
    ("accepted", "cancel"): ("cancelled", "visitor"),
}
CLUB_ACTIONS = ("accept", "propose", "decline")

# A visitor may have this many requests open at once (waiting or accepted), across all clubs.
MAX_OPEN_BOOKINGS = 5
MAX_GROUP = 500
MAX_PRICE_VND = 100_000_000
# How far ahead a visit may be asked for.
MAX_DAYS_AHEAD = 400
LIMITS = {"title": 200, "title_en": 200, "description": 5000, "description_en": 5000, "included": 2000,
          "directions": 2000, "months": 40, "contact_name": 120, "contact_phone": 20, "note": 2000,
          "reply": 1000}

ALL_YEAR_WORDS = ("quanh nam", "ca nam", "all year", "year round", "tat ca cac thang")
_NUMBER = re.compile(r"\d+")
_RANGE_WORDS = re.compile(r"\s*\b(?:den|toi|to|until)\b\s*")


_MOVES = Transitions(TRANSITIONS)
next_status = _MOVES.next_status
allowed_from = _MOVES.allowed_from


def next_offer_status(status: str, action: str) -> str | None:
    return OFFER_TRANSITIONS.get((status, action))


class NotMonths(ValueError):
    """What was typed is not a season the reader understands."""


def parse_months(text: str | None) -> list[int]:
    """The months a season covers, sorted; [] for all year (or nothing typed).

    "5-8", "5 - 8", "tháng 5 đến tháng 8", "thang 5 den thang 8", "12-2" (wraps the new year),
    "1, 3, 5", "5-8; 12", "quanh năm". A month outside 1..12 or words it cannot read: NotMonths."""
    folded = fold(re.sub(r"\s*[-–—]\s*", " den ", text or ""))  # fold makes a dash a space
    if not folded or any(words in folded for words in ALL_YEAR_WORDS):
        return []
    # The words for "month" and connecting words are noise; what remains are numbers and ranges.
    folded = re.sub(r"\b(?:thang|month|months|tu|from|va|and)\b", " ", folded)
    folded = _RANGE_WORDS.sub("-", folded)
    months: set[int] = set()
    for piece in folded.split():
        if not piece:
            continue
        if not re.fullmatch(r"\d{1,2}(?:-\d{1,2})?", piece):
            raise NotMonths(text)
        bounds = [int(n) for n in _NUMBER.findall(piece)]
        if any(not 1 <= n <= 12 for n in bounds):
            raise NotMonths(text)
        month, last = bounds[0], bounds[-1]
        months.add(month)
        while month != last:
            month = month % 12 + 1
            months.add(month)
    return sorted(months)


def months_text(months: list[int]) -> str:
    """The stored form: "5;6;7;8" ("" for all year)."""
    return ";".join(str(m) for m in sorted(set(months)) if 1 <= m <= 12) if len(set(months)) < 12 else ""


def month_runs(months: list[int]) -> list[tuple[int, int]]:
    """Consecutive months as (first, last) runs, wrapping the year: [12, 1, 2, 5] → [(12, 2), (5, 5)]."""
    chosen = sorted(set(months))
    if not chosen or len(chosen) == 12:
        return []
    runs: list[list[int]] = []
    for month in chosen:
        if runs and runs[-1][1] == month - 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][1] == 12:
        runs[0][0] = runs.pop()[0]
    return [(first, last) for first, last in runs]


def months_typed(months: list[int]) -> str:
    """The season as an edit form shows it, and parse_months reads back: "5-8", "12-2, 5", ""."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in month_runs(months))


def in_season(day: date, months: list[int]) -> bool:
    return not months or day.month in months


def in_season_month(month: int, months: list[int]) -> bool:
    return not months or month in months


def visit_day_problem(day: date | None, months: list[int], today: date) -> str | None:
    """Why a visit cannot be on `day` (a key), or None: required, not past, not too far, in season."""
    if day is None:
        return "required"
    if day < today:
        return "past"
    if (day - today).days > MAX_DAYS_AHEAD:
        return "too_far"
    if not in_season(day, months):
        return "out_of_season"
    return None


def group_problem(size: int | None, min_group: int | None, max_group: int | None) -> str | None:
    """Why a group of `size` cannot come (a key), or None."""
    if size is None:
        return "required"
    if size <= 0:
        return "positive"
    if size > MAX_GROUP:
        return "too_large"
    if min_group is not None and size < min_group:
        return "below_min"
    if max_group is not None and size > max_group:
        return "above_max"
    return None


def check_offer(problems: Problems, *, kind: str, title: str, months_ok: bool, min_group: int | None,
                max_group: int | None, price: int | None, texts: dict[str, str]) -> None:
    """An offer's own problems, as keys per field."""
    if kind not in KINDS:
        problems.add("kind", "choice")
    if not title.strip():
        problems.add("title", "required")
    if not months_ok:
        problems.add("months", "months")
    for name, value in (("min_group", min_group), ("max_group", max_group)):
        if value is not None and not 1 <= value <= MAX_GROUP:
            problems.add(name, "group_range")
    if min_group is not None and max_group is not None and max_group < min_group and "max_group" not in problems.fields:
        problems.add("max_group", "group_order")
    if price is not None and not 0 <= price <= MAX_PRICE_VND:
        problems.add("price_per_person_vnd", "price_range")
    check_lengths(problems, texts, LIMITS)


def open_bookings_problem(open_count: int) -> str | None:
    return "too_many_open" if open_count >= MAX_OPEN_BOOKINGS else None

"""Meetings at a fair, as pure rules (no Flask, no database): reading a typed time, whether a slot
lies within the fair's days, which side may take which step, and when two meetings collide.

A meeting is a slot of MEETING_MINUTES starting at its time, in Vietnam time on one of the fair's
days. States: requested → accepted | declined | proposed (the exhibitor offered another time) →
accepted (the buyer took it) | declined; the buyer may cancel any meeting not yet declined or
cancelled, the exhibitor may still decline an accepted one (with an answer: they cannot come).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marketplace.dates import VIETNAM
from marketplace.problems import Problems

MEETING_MINUTES = 30
NOTE_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 500
STATUSES: tuple[str, ...] = ("requested", "proposed", "accepted", "declined", "cancelled")
# A meeting in these states keeps its time for its sides (for the exhibitor only once accepted:
# several buyers may ask for the same slot, and the exhibitor answers one).
OPEN_STATUSES = frozenset({"requested", "proposed", "accepted"})
SIDES = ("buyer", "exhibitor")

# (status, action) → (new status, the side that may take it). The only place a step is decided.
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("requested", "accept"): ("accepted", "exhibitor"),
    ("requested", "decline"): ("declined", "exhibitor"),
    ("requested", "propose"): ("proposed", "exhibitor"),
    ("proposed", "decline"): ("declined", "exhibitor"),
    ("accepted", "decline"): ("declined", "exhibitor"),
    ("proposed", "take"): ("accepted", "buyer"),
    ("requested", "cancel"): ("cancelled", "buyer"),
    ("proposed", "cancel"): ("cancelled", "buyer"),
    ("accepted", "cancel"): ("cancelled", "buyer"),
}
ACTIONS: tuple[str, ...] = ("accept", "decline", "propose", "take", "cancel")

_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hHgG.]\s*(\d{2})?\s*(?:p|ph|phút)?)?\s*$")


def parse_time(text: str | None) -> time | None:
    """A time of day as people write it: 09:30, 9:30, 9h30, 9h, 14g. None when empty;
    ValueError when it is not a time."""
    if text is None or not str(text).strip():
        return None
    match = _TIME.match(str(text))
    if not match:
        raise ValueError(text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(text)
    return time(hour, minute)


def slot_start(day: date, at: time) -> datetime:
    """The moment (aware, UTC) a meeting typed as a Vietnamese day and time starts."""
    return datetime.combine(day, at, tzinfo=VIETNAM).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return as_aware(moment).astimezone(VIETNAM).date()


def as_aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check_slot(problems: Problems, name: str, day: date | None, start: datetime | None, *, starts_on: date,
               ends_on: date, now: datetime) -> None:
    """A slot must fall on one of the fair's days (Vietnam time) and not be over already. The day
    is checked even when the time could not be read, so that both are said at once."""
    if day is None and start is not None:
        day = local_day(start)
    if day is not None and not starts_on <= day <= ends_on:
        problems.add(name, "outside_fair")
    elif start is not None and as_aware(start) < as_aware(now):
        problems.add(name, "past")


def step(status: str, action: str, side: str | None) -> str | None:
    """The new status when `side` takes `action` on a meeting in `status`, else None."""
    found = TRANSITIONS.get((status, action))
    if found is None or found[1] != side:
        return None
    return found[0]


def actions_for(status: str, side: str | None) -> tuple[str, ...]:
    """What this side may do to a meeting in this status, in ACTIONS order."""
    return tuple(action for action in ACTIONS if step(status, action, side) is not None)


def held_at(status: str, starts_at: datetime, proposed_at: datetime | None) -> datetime:
    """The time a meeting stands at: the exhibitor's proposal while it waits for the buyer."""
    return proposed_at if status == "proposed" and proposed_at is not None else starts_at


def overlaps(first: datetime, second: datetime, minutes: int = MEETING_MINUTES) -> bool:
    """Two slots of `minutes` starting at these moments share some time."""
    return abs(as_aware(first) - as_aware(second)) < timedelta(minutes=minutes)


@dataclass(frozen=True)
class Booked:
    """Another meeting of one side: its id, status and the time it stands at."""

    id: int
    status: str
    at: datetime


def collision(at: datetime, others: list[Booked], *, holding: frozenset[str]) -> Booked | None:
    """The first of `others` whose status is in `holding` and whose slot overlaps `at`."""
    for other in sorted(others, key=lambda b: as_aware(b.at)):
        if other.status in holding and overlaps(at, other.at):
            return other
    return None


def meeting_problems(*, start: datetime | None, starts_on: date, ends_on: date, now: datetime,
                     note: str = "", day: date | None = None) -> Problems:
    """What is wrong with a request: the slot (`start`, or only its `day` when the time could not
    be read; None: not given or not read) and the note."""
    problems = Problems()
    check_slot(problems, "day", day, start, starts_on=starts_on, ends_on=ends_on, now=now)
    if len(note) > NOTE_MAX_LENGTH:
        problems.add("note", "too_long")
    return problems

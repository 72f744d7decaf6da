"""Club activity rules (pure): what an activity and a concern must hold, how attendees are read as
people type them, how a concern moves (and who may move it), and when a concern is overdue."""

from __future__ import annotations

import re
from datetime import date, timedelta

from marketplace.activity.models import ACTIVITY_KINDS, CONCERN_KINDS
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.problems import Problems, check_lengths, check_past_day

# A concern nobody has set a due day for is overdue once it has waited this long.
UNANSWERED_DAYS = 30
# A concern the club reopens is due again this many days later (staff may set another day).
REOPEN_DAYS = 14
# Clubs, cooperatives and cooperative groups keep an activity record (accounts.rules.SELLER_KINDS).
ORG_KINDS = frozenset({"club", "cooperative", "coop_group"})
LIMITS = {"topic": 300, "experts": 2000, "note": 4000, "title": 300, "body": 4000, "handler": 200,
          "answer": 4000, "reason": 1000}
MAX_ATTENDEES = 100_000
UNSETTLED = frozenset({"open", "assigned"})  # waiting for staff's answer
# (status, action) → (new status, who may: "board" is the club's board, "staff" the province's staff)
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("open", "assign"): ("assigned", frozenset({"staff"})),
    ("assigned", "assign"): ("assigned", frozenset({"staff"})),  # another handler or due day
    ("assigned", "answer"): ("answered", frozenset({"staff"})),
    ("answered", "close"): ("closed", frozenset({"board", "staff"})),
    ("answered", "reopen"): ("assigned", frozenset({"board", "staff"})),
    ("closed", "reopen"): ("assigned", frozenset({"board", "staff"})),
}
ACTIONS = ("assign", "answer", "close", "reopen")

# Words around the number people write for how many came: "25 người", "khoảng 30", "hơn 40 hộ".
_NUMBER = re.compile(r"\d[\d.,]*")


def is_overdue(status: str, raised_on: date, due_on: date | None, today: date) -> bool:
    """A concern not yet answered (open or assigned) past its due day, or, with no due day, left
    unanswered for more than `UNANSWERED_DAYS`."""
    if status not in UNSETTLED:
        return False
    if due_on is not None:
        return today > due_on
    return today - raised_on > timedelta(days=UNANSWERED_DAYS)


class NotAttendees(ValueError):
    pass


def parse_attendees(text: str | None) -> int | None:
    """How many attended, as typed: "25", "25 người", "khoảng 30", "~30", "1.200" → a whole number;
    empty → None. Two numbers ("20-30"), none ("đông"), or a fraction: NotAttendees."""
    value = (text or "").strip()
    if not value:
        return None
    numbers = _NUMBER.findall(value)
    if len(numbers) != 1:
        raise NotAttendees(text)
    try:
        number = parse_decimal(numbers[0].rstrip(".,"))
    except NotANumber as error:
        raise NotAttendees(text) from error
    if number is None or number != int(number):
        raise NotAttendees(text)
    return int(number)


def check_activity(problems: Problems, *, kind: str, topic: str, held_on: date | None, today: date,
                   attendees: int | None, texts: dict[str, str]) -> None:
    """An activity's problems as keys per field (a day that did not parse is the caller's to report)."""
    if kind not in ACTIVITY_KINDS:
        problems.add("kind", "choice")
    if not topic.strip():
        problems.add("topic", "required")
    check_past_day(problems, "held_on", held_on, today)
    if attendees is not None and not 1 <= attendees <= MAX_ATTENDEES:
        problems.add("attendees", "attendees_range")
    check_lengths(problems, {"topic": topic, **texts}, LIMITS)


def check_concern(problems: Problems, *, kind: str, title: str, raised_on: date | None, today: date,
                  texts: dict[str, str]) -> None:
    if kind not in CONCERN_KINDS:
        problems.add("kind", "choice")
    if not title.strip():
        problems.add("title", "required")
    check_past_day(problems, "raised_on", raised_on, today)
    check_lengths(problems, {"title": title, **texts}, LIMITS)


def check_assignment(problems: Problems, *, handler: str, has_handler_user: bool, due_on: date | None,
                     today: date) -> None:
    """Someone handles it (in words, a staff user, or both) by a day not already past."""
    if not handler.strip() and not has_handler_user:
        problems.add("handler", "handler_required")
    if due_on is None:
        problems.add("due_on", "required")
    elif due_on < today:
        problems.add("due_on", "past")
    check_lengths(problems, {"handler": handler}, LIMITS)


def check_answer(problems: Problems, *, answer: str) -> None:
    if not answer.strip():
        problems.add("answer", "required")
    check_lengths(problems, {"answer": answer}, LIMITS)


def next_status(status: str, action: str, actors: set[str] | frozenset[str]) -> str | None:
    """The status `action` leads to from `status` when one of `actors` ("board", "staff") may take it."""
    found = TRANSITIONS.get((status, action))
    if found is None or not (found[1] & set(actors)):
        return None
    return found[0]


def actions_for(status: str, actors: set[str] | frozenset[str]) -> list[str]:
    """What these actors may do to a concern in this status, in ACTIONS order."""
    return [action for action in ACTIONS if next_status(status, action, actors) is not None]


def overdue_first(rows, today: date, key=lambda row: row):
    """Concerns with the overdue ones first (the longest overdue first), then the unsettled by due
    day, then the rest newest first. `key` gives each row's concern."""
    def order(row):
        c = key(row)
        late = is_overdue(c.status, c.raised_on, c.due_on, today)
        due = c.due_on or (c.raised_on + timedelta(days=UNANSWERED_DAYS))
        if late:
            return (0, due.toordinal(), c.id)
        if c.status in UNSETTLED:
            return (1, due.toordinal(), c.id)
        return (2, -c.raised_on.toordinal(), -c.id)
    return sorted(rows, key=order)


def year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def last_twelve_months(today: date) -> date:
    """The first day of the public section's window: a year ago tomorrow (365 days back, inclusive)."""
    return today - timedelta(days=364)

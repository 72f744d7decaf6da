"""Club activity rules (pure)."""

from __future__ import annotations

from datetime import date, timedelta

# A concern nobody has set a due day for is overdue once it has waited this long.
UNANSWERED_DAYS = 30


def is_overdue(status: str, raised_on: date, due_on: date | None, today: date) -> bool:
    """A concern not yet answered (open or assigned) past its due day, or, with no due day, left
    unanswered for more than `UNANSWERED_DAYS`."""
    if status not in ("open", "assigned"):
        return False
    if due_on is not None:
        return today > due_on
    return today - raised_on > timedelta(days=UNANSWERED_DAYS)

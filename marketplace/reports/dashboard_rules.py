"""The targets dashboard's choices and bars (pure): which periods staff pick from, and how far a
figure is towards its goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.reports.periods import Period, default_period, next_due, parse_period, period_of


@dataclass(frozen=True)
class PeriodChoice:
    key: str  # "2027-H1"
    which: str  # "due", "this_half", "last_half", "this_year", "last_year"
    period: Period


def period_choices(today: date) -> list[PeriodChoice]:
    """The report due next (periods.next_due), this half year, the last one, this year and the
    last one; a period already listed is not listed twice (the first name wins)."""
    half = 1 if today.month <= 6 else 2
    last_half = period_of(today.year, 1) if half == 2 else period_of(today.year - 1, 2)
    found: list[PeriodChoice] = []
    for which, period in (("due", next_due(today)[1]), ("this_half", period_of(today.year, half)),
                          ("last_half", last_half), ("this_year", period_of(today.year, None)),
                          ("last_year", period_of(today.year - 1, None))):
        if all(c.key != period.key for c in found):
            found.append(PeriodChoice(period.key, which, period))
    return found


def chosen_period(text: str | None, today: date) -> Period | None:
    """The period asked for ("2026-H1", "2026", as parse_period reads them); empty: the report due
    next once its period has started (periods.default_period); unreadable: None."""
    if not (text or "").strip():
        return default_period(today)
    return parse_period(text)


def bar_percent(actual: int, goal: int | None) -> int:
    """How full a target's bar is, 0 to 100 (a target with no number is full once it has one)."""
    whole = goal if goal else 1
    return max(0, min(100, round(100 * actual / whole)))


def goal_percent(actual: int, goal: int | None) -> int | None:
    """The actual as a share of the goal, uncapped (11 of 8: 138); None without a goal."""
    return round(100 * actual / goal) if goal else None

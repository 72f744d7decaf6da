"""Report periods as the plan counts them, and the days reports are due (pure).

A semi-annual report covers a half year ("2026-H1": 1 January–30 June; "2026-H2": 1 July–31
December), the annual one the calendar year ("2026"). The plan wants the semi-annual report by
20 May and the annual one by 20 November, before their periods end, so a report counts up to the
day it is made (`Period.as_of`) and never past the period's last day. Days are Việt Nam days: a
record made at 23:30 on 31 December in Việt Nam belongs to that year (`dates.VIETNAM`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marketplace.dates import VIETNAM

SEMI_ANNUAL_DUE = (5, 20)  # 20 May
ANNUAL_DUE = (11, 20)  # 20 November
REMIND_DAYS_BEFORE = 14


@dataclass(frozen=True)
class Period:
    key: str  # "2026-H1", "2026-H2", "2026"
    year: int
    half: int | None  # 1, 2, or None for the whole year
    start: date
    end: date  # inclusive

    @property
    def annual(self) -> bool:
        return self.half is None

    @property
    def due_on(self) -> date:
        month, day = SEMI_ANNUAL_DUE if self.half == 1 else ANNUAL_DUE
        return date(self.year, month, day)

    def as_of(self, today: date) -> date:
        """The last day the report counts: today, but never after the period's end."""
        return min(today, self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def utc_bounds(self, as_of: date | None = None) -> tuple[datetime, datetime]:
        """[start, end) in UTC for comparing stored moments (created_at…): from 00:00 on the first
        day to 00:00 after the last counted day, both in Việt Nam."""
        last = min(as_of, self.end) if as_of else self.end
        start = datetime.combine(self.start, time(), VIETNAM)
        end = datetime.combine(last + timedelta(days=1), time(), VIETNAM)
        return start.astimezone(UTC), end.astimezone(UTC)


_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*h(?P<half>[12])$"),  # 2026-H1, 2026H2, 2026 h1
    re.compile(r"^h(?P<half>[12])\s*[-/ ]?\s*(?P<year>\d{4})$"),  # H1-2026, H2/2026
    re.compile(r"^(?P<year>\d{4})$"),
)


def parse_period(text: str) -> Period | None:
    """"2026-H1", "2026-h2", "H1/2026", "2026" → a Period; anything else → None."""
    cleaned = (text or "").strip().lower()
    for pattern in _PATTERNS:
        found = pattern.match(cleaned)
        if found:
            year = int(found["year"])
            if not 2000 <= year <= 2100:
                return None
            half = found.groupdict().get("half")
            return period_of(year, int(half) if half else None)
    return None


def period_of(year: int, half: int | None) -> Period:
    if half == 1:
        return Period(f"{year}-H1", year, 1, date(year, 1, 1), date(year, 6, 30))
    if half == 2:
        return Period(f"{year}-H2", year, 2, date(year, 7, 1), date(year, 12, 31))
    return Period(str(year), year, None, date(year, 1, 1), date(year, 12, 31))


def next_due(today: date) -> tuple[date, Period]:
    """The next report due on or after today, and its period: before 20 May the first half's
    report, before 20 November the year's, after that next year's first half."""
    semi = date(today.year, *SEMI_ANNUAL_DUE)
    annual = date(today.year, *ANNUAL_DUE)
    if today <= semi:
        return semi, period_of(today.year, 1)
    if today <= annual:
        return annual, period_of(today.year, None)
    return date(today.year + 1, *SEMI_ANNUAL_DUE), period_of(today.year + 1, 1)


def reminder_due(today: date) -> tuple[date, Period] | None:
    """The report to remind staff of today: one due within the next two weeks."""
    due, period = next_due(today)
    if due - today <= timedelta(days=REMIND_DAYS_BEFORE):
        return due, period
    return None


def default_period(today: date) -> Period:
    """The period pages open on: the report due next, once its period has started; between 21
    November and the new year (next year's first half not begun) the year's own report."""
    period = next_due(today)[1]
    return period if period.start <= today else period_of(today.year, None)

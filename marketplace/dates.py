"""Dates as people type them (31/08/2027 or 2027-08-31) and today's date in Vietnam.

A text that is no date says why (NotADate.reason): a day the month lacks (31/02/2026), a month
that does not exist (2026-13-01), no year (30/2), a year out of range, or no date shape at all —
so that the form can say precisely what to fix (validation.date_message words it)."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})$")  # "30/2": the year left out


class NotADate(ValueError):
    """`reason`: "no_such_day" (day, month and maybe year known), "no_such_month" (month),
    "no_year" (day and month), "year_range" (year), or "format" when the text has no date shape."""

    def __init__(self, text, reason: str = "format", *, day: int | None = None, month: int | None = None,
                 year: int | None = None) -> None:
        super().__init__(text)
        self.text, self.reason, self.day, self.month, self.year = text, reason, day, month, year


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # beyond these a date is a typing slip, not a harvest


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _in_range(value.date(), str(value))
    if isinstance(value, date):
        return _in_range(value, str(value))
    text = str(value).strip()
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _in_range(_calendar_day(text, year, month, day), text)
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if len(text) > 10:  # a time after the date ("2027-08-31T00:00"): the date part must still be one
            try:
                date.fromisoformat(text[:10])
            except ValueError as error:
                raise NotADate(text) from error
        return _in_range(_calendar_day(text, year, month, day), text)
    match = _DAY_MONTH.match(text)
    if match:
        day, month = (int(g) for g in match.groups())
        _calendar_day(text, None, month, day)
        raise NotADate(text, "no_year", day=day, month=month)
    try:  # the other ISO 8601 shapes, as before (20270831)
        return _in_range(date.fromisoformat(text[:10]), text)
    except ValueError as error:
        raise NotADate(text) from error


def _calendar_day(text: str, year: int | None, month: int, day: int) -> date:
    """The date, or NotADate saying which part cannot be (checked for a leap year when the year
    is not known, so that 29/2 without a year is only asked for its year)."""
    if not 1 <= month <= 12:
        raise NotADate(text, "no_such_month", month=month)
    if not 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
        raise NotADate(text, "no_such_day", day=day, month=month, year=year)
    return date(year, month, day) if year is not None else date(2024, month, day)


def _in_range(day: date, text: str) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise NotADate(text, "year_range", year=day.year)
    return day


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite hands timestamps back without their zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(VIETNAM).date()

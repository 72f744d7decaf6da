"""Dates as people type them (31/08/2027 or 2027-08-31) and today's date in Vietnam."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


class NotADate(ValueError):
    pass


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
    try:
        match = _DMY.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _in_range(date(year, month, day), text)
        return _in_range(date.fromisoformat(text[:10]), text)
    except ValueError as error:
        raise NotADate(text) from error


def _in_range(day: date, text: str) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise NotADate(text)
    return day


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite hands timestamps back without their zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(VIETNAM).date()

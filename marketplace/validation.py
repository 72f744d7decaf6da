"""Collecting every problem of a form, API body or import row before anything is stored.

Services parse what people typed and run the pure rules; FieldProblems turns problem keys into
messages in the reader's language and raises one ValidationError with all of them. A value that
must be read first (a number, a price, a date) is read with a Reading: its parser and the problem
key recorded when it does not parse (QUANTITY, PRICE, DATE; a domain may add its own).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.dates import NotADate, parse_date
from marketplace.errors import ValidationError
from marketplace.numbers import NotANumber, parse_quantity, parse_vnd
from marketplace.problems import Problems


class Reading(NamedTuple):
    """How a typed value is read: `parser(value)`, and the problem key when it does not parse."""

    parser: Callable[[Any], Any]
    problem: str


QUANTITY = Reading(parse_quantity, "not_a_number")
PRICE = Reading(parse_vnd, "not_a_price")
DATE = Reading(parse_date, "not_a_date")


def date_message(error: NotADate, fallback: object = None) -> str:
    """Why a typed text is not a date, in the reader's language ("Tháng 2 năm 2026 không có ngày
    31"); `fallback` (else "Enter a date as dd/mm/yyyy.") when the text has no date shape."""
    locale = str(get_locale() or "vi")
    if error.reason == "no_such_day" and error.year is not None:
        month = format_skeleton("yMMMM", date(error.year, error.month, 1), locale=locale)
        return _capitalized(_("%(month)s has no day %(day)d.", month=month, day=error.day))
    if error.reason == "no_such_day":
        month = format_date(date(2024, error.month, 1), "LLLL", locale=locale)
        return _capitalized(_("%(month)s has no day %(day)d.", month=month, day=error.day))
    if error.reason == "no_such_month":
        return _("There is no month %(month)d: months go from 1 to 12.", month=error.month)
    if error.reason == "no_year":
        return _("Write the year too, as dd/mm/yyyy (e.g. %(day)02d/%(month)02d/%(year)d).", day=error.day,
                 month=error.month, year=date.today().year)
    if error.reason == "year_range":
        return _("Check the year: %(year)d cannot be right.", year=error.year)
    return str(fallback or _("Enter a date as dd/mm/yyyy."))


def _capitalized(text: str) -> str:
    # Vietnamese month names start lower case ("tháng 2 năm 2026") where a sentence must not.
    return text[:1].upper() + text[1:]


class FieldProblems:
    def __init__(self, messages: Mapping[str, object]) -> None:
        self.messages = messages
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, key: str) -> None:
        self.say(name, str(self.messages[key]))

    def say(self, name: str, message: str) -> None:
        """A message already worded (an impossible date says which part is wrong)."""
        self.fields.setdefault(name, []).append(message)

    def merge(self, problems: Problems) -> None:
        """Add what the rules found, except for fields already reported (a value that did not
        parse is reported once, not again as "required")."""
        already = set(self.fields)
        for name, keys in problems.fields.items():
            if name not in already:
                for key in keys:
                    self.add(name, key)

    def parse(self, name: str, value, reading: Reading):
        """The value read, or None with the reading's problem recorded when it is not a number or date."""
        try:
            return reading.parser(value)
        except NotADate as error:
            self.say(name, date_message(error, self.messages.get(reading.problem)))
            return None
        except NotANumber:
            self.add(name, reading.problem)
            return None

    def parse_fields(self, source, **readings: Reading) -> list:
        """Each named attribute of `source` read as given (`price_vnd=PRICE`), in that order."""
        return [self.parse(name, getattr(source, name), reading) for name, reading in readings.items()]

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(str(_l("Some fields need attention.")), fields=self.fields)

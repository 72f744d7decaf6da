"""Collecting every problem of a form, API body or import row before anything is stored.

Services parse what people typed and run the pure rules; FieldProblems turns problem keys into
messages in the reader's language and raises one ValidationError with all of them. A value that
must be read first (a number, a price, a date) is read with a Reading: its parser and the problem
key recorded when it does not parse (QUANTITY, PRICE, DATE; a domain may add its own).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

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


class FieldProblems:
    def __init__(self, messages: Mapping[str, object]) -> None:
        self.messages = messages
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, key: str) -> None:
        self.fields.setdefault(name, []).append(str(self.messages[key]))

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
        except (NotANumber, NotADate):
            self.add(name, reading.problem)
            return None

    def parse_fields(self, source, **readings: Reading) -> list:
        """Each named attribute of `source` read as given (`price_vnd=PRICE`), in that order."""
        return [self.parse(name, getattr(source, name), reading) for name, reading in readings.items()]

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(str(_l("Some fields need attention.")), fields=self.fields)

"""Collecting every problem of a form, API body or import row before anything is stored.

Services parse what people typed and run the pure rules; FieldProblems turns problem keys into
messages in the reader's language and raises one ValidationError with all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import lazy_gettext as _l

from marketplace.dates import NotADate
from marketplace.errors import ValidationError
from marketplace.numbers import NotANumber
from marketplace.problems import Problems


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

    def parse(self, name: str, value, parser: Callable, key: str):
        """parser(value), or None with the problem `key` recorded when it is not a number or date."""
        try:
            return parser(value)
        except (NotANumber, NotADate):
            self.add(name, key)
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(str(_l("Some fields need attention.")), fields=self.fields)

"""One row being checked: typed cell readers that record a problem (sheet, row, column, value,
reason) when a cell cannot be read, and the warnings of a row that is stored with an adjustment.

The readers turn what people type into values for the domain services (`"2,5"` → 2.5, `"có"` →
True, `29869` → the commune code "29869"); the services then check the rules and the handlers map
their field names back to the sheet's columns (`field_columns`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace.dates import NotADate, parse_date
from marketplace.errors import ValidationError
from marketplace.imports import sheets as sheet_specs
from marketplace.imports.readers import display_value, normalize_name
from marketplace.imports.report import RowProblem
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.places.models import Commune
from marketplace.vietnamese import clean, fold

MAX_COUNT = 1_000_000  # members, stars: far above any real value, below the database's int limit


class Recorder(Protocol):
    """Where a row's problems and warnings go (the import run)."""

    db: Session

    def add(self, problem: RowProblem) -> None: ...

    def warn(self, warning: RowProblem) -> None: ...


class RowCheck:
    """One row being checked: typed cell readers that record a problem when a cell is wrong."""

    def __init__(self, run: Recorder, sheet: str, number: int, values: dict[str, Any]) -> None:
        self.run, self.sheet, self.number, self.values = run, sheet, number, values
        self.problems = 0
        self.key_column = sheet_specs.BY_NAME[sheet].columns[0].name
        self.field_columns: dict[str, str] = {}  # service field name → sheet column

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def raw(self, column: str) -> Any:
        return self.values.get(column)

    def add(self, column: str, reason: str, value: Any = ...) -> None:
        shown = self.raw(column) if value is ... else value
        self.run.add(RowProblem(self.sheet, self.number, column, display_value(shown), str(reason)))
        self.problems += 1

    def warn(self, column: str, reason: str, value: Any = ...) -> None:
        """An adjustment: the row is stored all the same (see imports.services)."""
        shown = self.raw(column) if value is ... else value
        self.run.warn(RowProblem(self.sheet, self.number, column, display_value(shown), str(reason)))

    def service_error(self, error: ValidationError) -> None:
        if not error.fields:
            self.add(self.key_column, error.message)
        for name, messages in error.fields.items():
            column = self.field_columns.get(name, name)
            for message in messages:
                self.add(column, message)

    # Cell readers -------------------------------------------------------------------------

    def text(self, column: str, max_length: int | None = None, *, required: bool = False,
             required_message: str | None = None) -> str:
        value = self.raw(column)
        if isinstance(value, list):
            value = ";".join(display_value(v) for v in value)
        text = clean(display_value(value)) if value is not None else ""
        if required and not text:
            self.add(column, required_message or _("This field is required."))
        elif max_length is not None and len(text) > max_length:
            self.add(column, _("This text is too long (at most %(n)d characters).", n=max_length))
            return text[:max_length]
        return text

    def long_text(self, column: str, max_length: int = 4000) -> str:
        value = self.raw(column)
        text = str(value).strip() if value is not None else ""
        if len(text) > max_length:
            self.add(column, _("This text is too long (at most %(n)d characters).", n=max_length))
        return text

    def items(self, column: str) -> list[str]:
        """A `;`-separated cell (or a JSON array) as its trimmed, non-empty parts."""
        value = self.raw(column)
        parts = value if isinstance(value, list) else re.split(r"[;\n]", display_value(value))
        return [clean(display_value(p)) for p in parts if clean(display_value(p))]

    def choice(self, column: str, choices: tuple[str, ...], *, aliases: dict[str, str] | None = None,
               default: str | None = None, required: bool = False, squash: bool = False) -> str | None:
        value = self.raw(column)
        key = normalize_name(value)
        if squash:  # "Global GAP", "global-gap" → "globalgap"
            key = key.replace("_", "")
        if not key:
            if required:
                self.add(column, _("This field is required."))
            return default
        key = (aliases or {}).get(key, key)
        if key not in choices:
            self.add(column, _("Use one of: %(choices)s.", choices=", ".join(choices)))
            return None
        return key

    def date(self, column: str) -> date | None:
        try:
            return parse_date(self.raw(column))
        except NotADate:
            self.add(column, _("Enter a date as dd/mm/yyyy."))
            return None

    def decimal(self, column: str) -> float | None:
        value = self.raw(column)
        if isinstance(value, bool):
            self.add(column, _("Enter a number, e.g. 1500 or 2,5."))
            return None
        try:
            return parse_decimal(value)
        except NotANumber:
            self.add(column, _("Enter a number, e.g. 1500 or 2,5."))
            return None

    def whole(self, column: str, minimum: int = 0, maximum: int = MAX_COUNT) -> int | None:
        number = self.decimal(column)
        if number is None:
            return None
        if number != int(number) or number < minimum:
            self.add(column, _("Enter a whole number."))
            return None
        if number > maximum:
            self.add(column, _("That number is too large."))
            return None
        return int(number)

    def yes_no(self, column: str) -> bool:
        value = self.raw(column)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        key = fold(display_value(value))
        if key in ("yes", "y", "true", "1", "co", "x"):
            return True
        if key in ("no", "n", "false", "0", "khong"):
            return False
        self.add(column, _("Write yes or no (có or không)."))
        return False

    def commune(self, column: str) -> str | None:
        text = display_value(self.raw(column)).strip()
        if not text:
            return None
        code = text.zfill(5) if text.isdecimal() else text
        if not text.isdecimal() or len(code) != 5 or self.run.db.get(Commune, code) is None:
            self.add(column, _("There is no commune or ward with this code: use the 5-digit official code, "
                               "e.g. 29869."))
            return None
        return code

    def unique(self, seen: dict[str, int], key: str, column: str) -> None:
        """A key may appear once per sheet: a second row would silently overwrite the first."""
        if not key:
            return
        if key in seen:
            self.add(column, _("This also appears in row %(row)d of this sheet.", row=seen[key]))
        else:
            seen[key] = self.number

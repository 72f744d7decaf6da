"""Numbers, money, quantities with their unit, dates and moments, written for the reader's language.

One place decides how the site writes these, so that a page, a notice, a mail and a printed
receipt agree: Vietnamese "38.000 ₫ · 5.000 kg · 29/11/2026", English "38,000 ₫ · 5,000 kg ·
29 Nov 2026". Dates are never written month-first in figures (an export buyer reads "11/12" one
way, a farmer the other) and always carry the full year. Money is whole đồng, with the ₫ after
the number in both languages (one style, as Vietnamese banks and invoices write it).

Each function takes the language explicitly or uses the request's (Flask-Babel's choice: ?lang=,
the session, the account); outside a request — CLI, worker jobs — Vietnamese, the default.
templating.py registers them as the Jinja filters every template uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_timedelta
from babel.numbers import format_decimal
from flask import has_app_context
from flask_babel import get_locale

from marketplace.dates import VIETNAM
from marketplace.products.units import unit_name

# Day first, month as a word in English, full year: nobody can read these the other way round.
_DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
_DATETIME_PATTERNS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}
_QUANTITY_PATTERN = "#,##0.###"  # up to three decimals, as quantities are stored; no trailing zeros


def language(locale: str | None = None) -> str:
    """The language to write in: the one given, else the request's, else Vietnamese."""
    if locale:
        return "en" if str(locale).startswith("en") else "vi"
    if has_app_context():
        chosen = get_locale()
        if chosen is not None and chosen.language == "en":
            return "en"
    return "vi"


def number(value: float | None, locale: str | None = None) -> str:
    """1500 → "1.500" / "1,500"; 2.5 → "2,5" / "2.5"; None → ""."""
    if value is None:
        return ""
    return format_decimal(round(value, 3), format=_QUANTITY_PATTERN, locale=language(locale))


def money(amount: int | None, locale: str | None = None) -> str:
    """Whole đồng: 38000 → "38.000 ₫" / "38,000 ₫"; None → ""."""
    if amount is None:
        return ""
    return f"{format_decimal(int(amount), locale=language(locale))} ₫"


def unit(code: str | None, count: float | None = None, locale: str | None = None) -> str:
    """A unit as the reader says it: the stored code in Vietnamese ("tấn", "lượt"), the English
    name in English, plural unless the count is one ("tonne", "2 tonnes" → "tonnes")."""
    if not code:
        return ""
    return unit_name(code, count, english=language(locale) == "en")


def quantity(value: float | None, unit_code: str | None, locale: str | None = None) -> str:
    """A quantity with its unit: "5.000 kg", "2 tonnes", "1 visit"; "" without a quantity."""
    if value is None:
        return ""
    return f"{number(value, locale)} {unit(unit_code, value, locale)}".strip()


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return in_vietnam(value).date()
    return value


def in_vietnam(moment: datetime) -> datetime:
    """A stored moment (aware UTC, or naive UTC as SQLite returns it) on Vietnam's clock."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM)


def day(value: date | datetime | None, style: str | None = None, locale: str | None = None) -> str:
    """29/11/2026 or 29 Nov 2026. `style` is accepted for templates written for Flask-Babel's
    `dateformat('short')`; every style gives the one unambiguous form."""
    value = _as_date(value)
    if value is None:
        return ""
    lang = language(locale)
    return babel_date(value, _DATE_PATTERNS[lang], locale=lang)


def moment(value: datetime | None, style: str | None = None, locale: str | None = None) -> str:
    """A time on Vietnam's clock: "14:05 29/11/2026" / "29 Nov 2026, 14:05" (style as for day)."""
    if value is None:
        return ""
    lang = language(locale)
    return babel_datetime(in_vietnam(value), _DATETIME_PATTERNS[lang], locale=lang)


def ago(value: datetime | None, now: datetime | None = None, locale: str | None = None) -> str:
    """How long ago, in words: "3 giờ trước" / "3 hours ago"; "" without a time."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    elapsed = (now or datetime.now(UTC)) - aware
    lang = language(locale)
    return format_timedelta(-max(elapsed, timedelta(0)), add_direction=True, threshold=0.9, locale=lang)


def in_reader_language(params: dict) -> dict:
    """A notice's params for the reader: where a value was stored in English too (`title_en`
    beside `title`), an English reader gets it under the plain name."""
    if language() != "en":
        return params
    english = {key[:-3]: value for key, value in params.items() if key.endswith("_en") and value}
    return params | english

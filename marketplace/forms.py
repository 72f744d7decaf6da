"""Form building blocks with Vietnamese/English messages (WTForms ships no Vietnamese)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


def _typed_field(label, optional: bool, max_chars: int, render_kw: dict) -> StringField:
    return StringField(label, validators=[Optional() if optional else required(), max_length(max_chars)],
                       render_kw=render_kw)


def quantity_field(label, *, optional: bool = False) -> StringField:
    """A quantity as typed ("1,5", "1.200"): the service reads it; phones show a decimal keypad."""
    return _typed_field(label, optional, 20, {"inputmode": "decimal"})


def amount_field(label, *, optional: bool = False) -> StringField:
    """A sum in đồng as typed ("38.000"): the service reads it; phones show a number keypad."""
    return _typed_field(label, optional, 20, {"inputmode": "numeric"})


def date_field(label, *, optional: bool = False) -> StringField:
    """A date from the browser's picker, or typed dd/mm/yyyy where there is none: the service reads it."""
    return _typed_field(label, optional, 10, {"type": "date"})


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def attach_errors(form, error) -> None:
    """Show a service's field errors beside the fields; errors for fields the form lacks, or an
    error that names no field ("this product just stopped selling"), are flashed."""
    from flask import flash

    if not error.fields:
        flash(error.message, "error")
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            for message in messages:
                flash(message, "error")


class CsrfForm(FlaskForm):
    """A form with nothing but its CSRF token: for buttons that post (dismiss, mark read)."""

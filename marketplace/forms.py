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


# Not the browser's date picker: a type="date" input drops what it cannot read, so "31/02/2026"
# would come back empty beside its message, and half the phones in use show no picker anyway.
DATE_PLACEHOLDER = _l("dd/mm/yyyy")


def date_field(label, *, optional: bool = False) -> StringField:
    """A date typed dd/mm/yyyy (2027-08-31 works too): the service reads it and says precisely
    what is wrong with an impossible one; whatever was typed comes back in the field."""
    return _typed_field(label, optional, 20, {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"})


def as_typed_date(day) -> str:
    """A stored date as the edit form shows it (31/08/2027)."""
    return day.strftime("%d/%m/%Y") if day else ""


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def add_problem(form, name: str, message) -> None:
    """One more message beside a field (the form's own checks may have put some there already);
    a message the field already shows is not repeated."""
    field = form[name]
    shown = [str(m) for m in field.errors]
    if str(message) not in shown:
        field.errors = [*field.errors, str(message)]


def attach_errors(form, error) -> None:
    """Show a service's field errors beside the fields (after what the form's own checks found,
    without saying the same twice); errors for fields the form lacks, or an error that names no
    field ("this product just stopped selling"), are flashed."""
    from flask import flash

    if not error.fields:
        flash(error.message, "error")
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if field.errors:
                continue  # the form's own check said it already ("required"): not again in other words
            for message in messages:
                add_problem(form, name, message)
        else:
            for message in messages:
                flash(message, "error")


class CsrfForm(FlaskForm):
    """A form with nothing but its CSRF token: for buttons that post (dismiss, mark read)."""

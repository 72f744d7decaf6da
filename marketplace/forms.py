"""Form building blocks with Vietnamese/English messages (WTForms ships no Vietnamese)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def attach_errors(form, error) -> None:
    """Show a service's field errors beside the fields; errors for fields the form lacks are flashed."""
    from flask import flash

    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            for message in messages:
                flash(message, "error")


class CsrfForm(FlaskForm):
    """A form with nothing but its CSRF token: for buttons that post (dismiss, mark read)."""

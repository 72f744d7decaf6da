"""The form that files a report: the unit and period it is for, and a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import HiddenField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import max_length
from marketplace.reports.filing import NOTE_MAX


class FileForm(FlaskForm):
    unit = HiddenField()
    period = HiddenField()
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(NOTE_MAX)])

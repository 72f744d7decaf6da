"""The staff upload form for an import file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(
        _l("File to import"),
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(["xlsx", "json", "zip"],
                        message=_l("Choose a .xlsx workbook, a .json document or a .zip of CSV files.")),
        ],
        render_kw={"accept": ".xlsx,.json,.zip"},
    )

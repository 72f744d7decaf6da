"""The staff upload form for an import file, and the confirmation of its preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField


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


class ConfirmImportForm(FlaskForm):
    """"Confirm import" on the preview: the token names the kept file and what the preview showed."""

    token = HiddenField()
    verified = BooleanField(_l("I have checked these documents; record them as verified by me"))

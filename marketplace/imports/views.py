"""Staff pages: upload an import file (all-or-nothing) and download the template workbook."""

from __future__ import annotations

import io

from flask import Blueprint, render_template, send_file
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.imports import readers, services
from marketplace.imports.forms import ImportForm
from marketplace.imports.template import XLSX_MIMETYPE, template_workbook

bp = Blueprint("imports", __name__)

TEMPLATE_NAME = "mau-nhap-du-lieu-cho-hoi-quan.xlsx"


@bp.route("/staff/import", methods=["GET", "POST"])
@role_required("staff")
def upload():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload_file = form.file.data
        # End the transaction the staff check began: on SQLite a POST's transaction holds the
        # write lock, and reading a big file must not keep every other page from saving.
        db.session.commit()
        try:
            sheets = readers.read_upload(upload_file.filename, upload_file.stream)
        except readers.ReaderError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            report = services.import_data(db.session, sheets, current_user._get_current_object(),
                                          today_in_vietnam())
            if report.ok:
                db.session.commit()
            else:
                db.session.rollback()  # all or nothing: not one row of a failed file is kept
    if form.errors or (report is not None and not report.ok):
        status = 422
    return render_template("imports/upload.html", form=form, report=report,
                           sheets=services.importable_sheets()), status


@bp.route("/staff/import/template.xlsx")
@role_required("staff")
def template():
    data = template_workbook(today_in_vietnam())
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=TEMPLATE_NAME)

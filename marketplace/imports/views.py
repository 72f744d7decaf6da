"""Staff pages: upload an import file and read its preview (nothing stored), confirm it (the same
file, all-or-nothing), and download the template workbook."""

from __future__ import annotations

import io

from flask import Blueprint, current_app, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.imports import pending as pending_files
from marketplace.imports import readers, services
from marketplace.imports.forms import ConfirmImportForm, ImportForm
from marketplace.imports.report import ImportReport
from marketplace.imports.run import SourceFile
from marketplace.imports.template import XLSX_MIMETYPE, template_workbook

bp = Blueprint("imports", __name__)

TEMPLATE_NAME = "mau-nhap-du-lieu-cho-hoi-quan.xlsx"


def _page(form: ImportForm, *, report: ImportReport | None = None, confirm: ConfirmImportForm | None = None,
          done: bool = False, refusal: str = "", filename: str = "", status: int = 200):
    return render_template("imports/upload.html", form=form, report=report, confirm=confirm, done=done,
                           refusal=refusal, filename=filename, sheets=services.importable_sheets()), status


def _preview_page(report: ImportReport, pending, filename: str, refusal: str = "", status: int = 200):
    """The preview of a file that can be imported, with its "Confirm import" form."""
    confirm = ConfirmImportForm(formdata=None)
    confirm.token.data = pending_files.token_for(current_app.config["SECRET_KEY"], pending, report.fingerprint())
    return _page(ImportForm(formdata=None), report=report, confirm=confirm, refusal=refusal, filename=filename,
                 status=status)


@bp.route("/staff/import", methods=["GET", "POST"])
@role_required("staff")
def upload():
    """Upload → preview. The file is read and run through the whole import, then rolled back:
    nothing of it is stored. A file that would store something is kept for "Confirm import"."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    upload_file = form.file.data
    # End the transaction the staff check began: on SQLite a POST's transaction holds the
    # write lock, and reading a big file must not keep every other page from saving.
    db.session.commit()
    data = upload_file.stream.read()
    try:
        sheets = readers.read_upload(upload_file.filename, io.BytesIO(data))
    except readers.ReaderError as error:
        form.file.errors = [*form.file.errors, error.message]
        return _page(form, status=422)
    user = current_user._get_current_object()
    report = services.import_data(db.session, sheets, user, today_in_vietnam())
    db.session.rollback()  # a preview: not one row of the file is stored
    if not report.ok or not report.stores_anything:
        return _page(form, report=report, filename=upload_file.filename, status=200 if report.ok else 422)
    pending = pending_files.keep(db.session, user, upload_file.filename, data, utcnow())
    db.session.commit()
    return _preview_page(report, pending, upload_file.filename)


@bp.route("/staff/import/confirm", methods=["POST"])
@role_required("staff")
def confirm():
    """Import the previewed file: the same bytes, and only if it still does what the preview showed."""
    confirm_form = ConfirmImportForm()
    if not confirm_form.validate_on_submit():
        return _page(ImportForm(formdata=None), refusal=_("This confirmation is not valid: upload the file "
                                                          "again to see its preview."), status=400)
    user = current_user._get_current_object()
    try:
        confirmation = pending_files.confirmation(db.session, current_app.config["SECRET_KEY"],
                                                  confirm_form.token.data, user, utcnow())
    except pending_files.PreviewRefused as refused:
        db.session.commit()  # an expired file is forgotten
        return _page(ImportForm(formdata=None), refusal=refused.message, status=refused.status_code)
    kept = confirmation.pending
    kept_id, filename, sha256, data = kept.id, kept.filename, kept.sha256, kept.data
    db.session.commit()  # as on upload: no transaction (and no SQLite lock) held while the file is read
    sheets = readers.read_upload(filename, io.BytesIO(data))  # it was read for the preview: it reads again
    source = SourceFile(filename, sha256) if confirm_form.verified.data else None
    report = services.import_data(db.session, sheets, user, today_in_vietnam(), verified_from=source)
    if report.ok and report.fingerprint() == confirmation.fingerprint:
        pending_files.discard(db.session, kept_id)
        db.session.commit()
        return _page(ImportForm(formdata=None), report=report, done=True, filename=filename)
    db.session.rollback()  # all or nothing: what was not previewed is not stored
    changed = _("What this file would do has changed since its preview (the site's data changed "
                "meanwhile). Nothing was stored: read the new preview below, then confirm again.")
    if not report.ok:
        return _page(ImportForm(formdata=None), report=report, refusal=changed, filename=filename, status=409)
    return _preview_page(report, kept, filename, refusal=changed, status=409)


@bp.route("/staff/import/template.xlsx")
@role_required("staff")
def template():
    data = template_workbook(today_in_vietnam())
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=TEMPLATE_NAME)

"""Staff pages: upload an import file and read its preview (nothing stored), confirm it (the same
file, all-or-nothing), and download the template workbook."""

from __future__ import annotations

import io
import json

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.imports import background, jobs, readers, services
from marketplace.imports import pending as pending_files
from marketplace.imports.forms import ConfirmImportForm, ImportForm
from marketplace.imports.models import PendingImport
from marketplace.imports.report import ImportReport
from marketplace.imports.run import SourceFile
from marketplace.imports.template import XLSX_MIMETYPE, template_workbook

bp = Blueprint("imports", __name__)
bp.record_once(lambda state: jobs.init_app(state.app))

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
    user = current_user._get_current_object()
    if _in_background(data):
        job = background.start_preview(db.session, user, upload_file.filename, data, str(get_locale()), utcnow())
        db.session.commit()
        return redirect(url_for("imports.job", job_id=job.id), 303)
    try:
        sheets = readers.read_upload(upload_file.filename, io.BytesIO(data))
    except readers.ReaderError as error:
        form.file.errors = [*form.file.errors, error.message]
        return _page(form, status=422)
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
    if _in_background(data):
        job = background.start_confirmation(db.session, user, kept, confirmation.fingerprint,
                                            bool(confirm_form.verified.data), str(get_locale()), utcnow())
        db.session.commit()
        return redirect(url_for("imports.job", job_id=job.id), 303)
    db.session.commit()  # as on upload: no transaction (and no SQLite lock) held while the file is read
    sheets = readers.read_upload(filename, io.BytesIO(data))  # it was read for the preview: it reads again
    source = SourceFile(filename, sha256) if confirm_form.verified.data else None
    report = services.import_data(db.session, sheets, user, today_in_vietnam(), verified_from=source)
    if report.ok and report.fingerprint() == confirmation.fingerprint:
        if pending_files.discard(db.session, kept_id) != 1:  # another confirmation imported it meanwhile
            db.session.rollback()
            return _page(ImportForm(formdata=None), refusal=_already_imported_message(), status=409)
        db.session.commit()
        return _page(ImportForm(formdata=None), report=report, done=True, filename=filename)
    db.session.rollback()  # all or nothing: what was not previewed is not stored
    changed = _changed_message()
    if not report.ok:
        return _page(ImportForm(formdata=None), report=report, refusal=changed, filename=filename, status=409)
    return _preview_page(report, kept, filename, refusal=changed, status=409)


def _in_background(data: bytes) -> bool:
    """A large file is run by the worker, with a status page; a small one within the request."""
    return len(data) > current_app.config["IMPORT_IN_REQUEST_MAX_BYTES"]


def _already_imported_message() -> str:
    return _("This preview has expired or was already imported: upload the file again to see its preview.")


def _changed_message() -> str:
    return _("What this file would do has changed since its preview (the site's data changed "
             "meanwhile). Nothing was stored: read the new preview below, then confirm again.")


def _own_job(job_id: int):
    """The job, for the person who started it only: anyone else's (staff too) is not found."""
    job = background.job_of(db.session, job_id, current_user._get_current_object())
    if job is None:
        abort(404)
    return job


@bp.route("/staff/import/jobs/<int:job_id>")
@role_required("staff")
def job(job_id: int):
    """A large import's status while the worker runs it (refreshing every 2 s, with or without
    JavaScript); once done, the very page a small file gets: its preview, result or refusal."""
    import_job = _own_job(job_id)
    status = background.status(import_job, utcnow())
    if import_job.state != "done":
        return render_template("imports/job.html", job=import_job, status=status,
                               labels=_status_labels(import_job, status)), 200
    return _job_result(import_job)


@bp.route("/staff/import/jobs/<int:job_id>/status.json")
@role_required("staff")
def job_status(job_id: int):
    """The status page's figures, for its script to update them in place."""
    import_job = _own_job(job_id)
    status = background.status(import_job, utcnow())
    labels = _status_labels(import_job, status)
    return jsonify(phase=status.phase, read=status.read, checked=status.checked, written=status.written,
                   finished=status.finished or import_job.state == "done", heading=labels["heading"],
                   counts=labels["counts"], help=labels["help"])


def _status_labels(import_job, status: background.Status) -> dict[str, str]:
    """What the status page says: the step, the rows so far, and what to do (translated)."""
    headings = {
        "waiting": _("Waiting for the background worker…"),
        "late": _("The background worker has not picked this import up yet"),
        "reading": _("Reading the file…"),
        "checking": _("Checking the rows…") if import_job.kind == "preview" else _("Checking and writing the rows…"),
        "saving": _("Saving…"),
        "stalled": _("This import may have stopped"),
        "failed": _("This import failed"),
        "done": _("Done"),
    }
    helps = {
        "waiting": _("Large files are read by the background worker. This page refreshes by itself; you may "
                     "also leave it and come back."),
        "late": _("It has waited more than a minute: the background worker may be stopped. Nothing has been "
                  "stored. Keep this page open, or tell the site's operator."),
        "stalled": _("The background worker has reported nothing on this import for 10 minutes: it may have "
                     "stopped, or still be reading or saving a very large file. This page keeps looking. If it "
                     "stopped, nothing was stored and the page will say so within the hour."),
        "failed": _("Something went wrong while importing this file. Nothing was stored: upload the file "
                    "again; if it fails again, tell the site's operator."),
    }
    if import_job.kind == "preview":
        counts = _("Rows read: %(read)d, checked: %(checked)d of %(read)d. Nothing is stored by the preview.",
                   read=status.read, checked=status.checked)
    else:
        counts = _("Rows read: %(read)d, checked: %(checked)d, written: %(written)d of %(read)d.",
                   read=status.read, checked=status.checked, written=status.written)
    return {"heading": headings.get(status.phase, headings["reading"]), "counts": counts,
            "help": helps.get(status.phase, _("This page refreshes every 2 seconds; you may also leave it and "
                                              "come back."))}


def _job_result(import_job):
    """The finished job's page: the same content (and status code) as a small file's."""
    form = ImportForm(formdata=None)
    filename = import_job.filename
    if import_job.outcome == "refused":  # the worker's message when it gave one (the starter's rights)
        message = json.loads(import_job.report).get("message") if import_job.report else None
        return _page(form, refusal=message or _already_imported_message(), status=409)
    if import_job.outcome == "unreadable":
        form.file.errors = [json.loads(import_job.report)["message"]]
        return _page(form, status=422)
    report = background.report_from_json(import_job.report)
    kept = db.session.get(PendingImport, import_job.pending_id) if import_job.pending_id is not None else None
    if import_job.outcome == "imported":
        return _page(form, report=report, done=True, filename=filename)
    if import_job.outcome == "changed":
        if not report.ok or kept is None:
            return _page(form, report=report, refusal=_changed_message(), filename=filename, status=409)
        return _preview_page(report, kept, filename, refusal=_changed_message(), status=409)
    if not report.ok or not report.stores_anything:
        return _page(form, report=report, filename=filename, status=200 if report.ok else 422)
    if kept is None:
        return _page(form, refusal=_already_imported_message(), status=409)
    return _preview_page(report, kept, filename)


@bp.route("/staff/import/template.xlsx")
@role_required("staff")
def template():
    data = template_workbook(today_in_vietnam())
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=TEMPLATE_NAME)

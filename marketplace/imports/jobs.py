"""The imports package's worker job: run the large staff imports waiting for it.

Registered by the imports blueprint (views.py, `record_once`). One import per call, so that the
worker's other jobs (search index, mail) run between two large imports; a large import does keep
them waiting while it runs (about a minute for 50,000 rows).

This module commits (only views and worker jobs do); imports.background holds what it runs with
(claiming, progress, status, report) and never commits.
"""

from __future__ import annotations

import io
import json
import logging

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from marketplace import db, worker
from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.imports import background, readers, services
from marketplace.imports import pending as pending_files
from marketplace.imports.models import ImportJob, PendingImport
from marketplace.imports.run import Progress, SourceFile

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    worker.register(app, "imports", run_next, order=60)


def run_next() -> bool:
    """The worker's job: mark failed the jobs whose worker was killed (background.fail_orphans),
    then claim the oldest waiting import and run it. Returns whether one ran."""
    session = db.session
    orphaned = background.fail_orphans(session, utcnow())
    job_id = background.claim(session, utcnow())
    token = session.get(ImportJob, job_id).token if job_id is not None else None
    session.commit()
    for orphan in orphaned:
        log.warning("import job %s was still running after %s: marked failed (its worker stopped)",
                    orphan, background.ORPHANED_AFTER)
        background.forget_progress(orphan)
    if job_id is None:
        return False
    try:
        _run(session, job_id)
    except Exception:
        session.rollback()  # all or nothing: the import's rows go with it
        log.exception("import job %d failed", job_id)
        session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                        .values(state="failed", outcome="failed", report="", finished_at=utcnow()))
        session.commit()
    finally:
        background.forget_progress(token)
    return True


def _conclude(session, job_id: int, outcome: str, **fields) -> None:
    """Commit the job's outcome with what its transaction did, unless the job was marked failed
    (orphaned) meanwhile: then nothing of it is stored, as that page says."""
    if background.finish(session, job_id, outcome, **fields):
        session.commit()
    else:
        session.rollback()
        log.warning("import job %d was marked failed while it ran: its %s was not stored", job_id, outcome)


def _run(session, job_id: int) -> None:
    job = session.get(ImportJob, job_id)
    with force_locale(job.locale):
        pending = session.get(PendingImport, job.pending_id) if job.pending_id is not None else None
        if pending is None or pending.user_id != job.user_id:
            _conclude(session, job_id, "refused")
            return
        user = session.get(User, job.user_id)
        if user is None or not user.is_active or not user.is_staff:  # deactivated or no longer staff since
            message = _("Your account may no longer import files (it is no longer staff, or was deactivated). "
                        "Nothing was stored.")
            _conclude(session, job_id, "refused", report=json.dumps({"message": message}, ensure_ascii=False))
            return
        kind, token, verified, fingerprint = job.kind, job.token, job.verified, job.fingerprint
        pending_id, filename, sha256, data = pending.id, pending.filename, pending.sha256, pending.data
        background.write_progress(token, "reading")
        session.commit()  # no transaction (and no SQLite lock) held while the file is read
        try:
            sheets = readers.read_upload(filename, io.BytesIO(data))
        except readers.ReaderError as error:
            pending_files.discard(session, pending_id)
            _conclude(session, job_id, "unreadable", report=json.dumps({"message": error.message}, ensure_ascii=False))
            return

        last = Progress()

        def show(progress: Progress) -> None:
            last.read, last.checked, last.written = progress.read, progress.checked, progress.written
            background.write_progress(token, "checking", progress)

        source = SourceFile(filename, sha256) if kind == "confirm" and verified else None
        report = services.import_data(session, sheets, user, today_in_vietnam(), verified_from=source,
                                      progress=show)
        if kind == "preview":
            session.rollback()  # a preview: not one row of the file is stored
            if not report.ok or not report.stores_anything:
                pending_files.discard(session, pending_id)  # nothing to confirm: not kept
            _conclude(session, job_id, "preview", report=background.report_to_json(report), rows=last.read,
                      fingerprint=report.fingerprint())
            return
        if report.ok and report.fingerprint() == fingerprint:
            background.write_progress(token, "saving", last)
            if pending_files.discard(session, pending_id) != 1:  # imported meanwhile by another confirmation
                session.rollback()
                _conclude(session, job_id, "refused")
                return
            # the import and its "done" together, or neither
            _conclude(session, job_id, "imported", report=background.report_to_json(report), rows=last.read)
            return
        session.rollback()  # what was not previewed is not stored
        _conclude(session, job_id, "changed", report=background.report_to_json(report), rows=last.read)

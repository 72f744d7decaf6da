"""A large staff import run by the background worker (issue #21): its preview or its confirmation,
with the rows read, checked and written shown on a status page while it runs.

The staff page keeps small files within the request (views.py); a file larger than
IMPORT_IN_REQUEST_MAX_BYTES becomes an ImportJob: the bytes are kept (imports.pending) and the
page shows the job's status until the worker has run it, then the same preview or result page as
a small file gets.

The worker (`imports.jobs.run_next`, which commits; this module never does) claims one waiting
job, reads the file with no transaction open (#14: nobody's write waits while a workbook is
parsed), then runs the import as the page would: a preview is rolled back; a confirmation
commits the import and the job's "done" state in one transaction, or neither (all or nothing).
A job that raises is marked failed, and nothing of its import is stored.

Progress goes to a small file (IMPORT_PROGRESS_DIR/<token>.json, replaced whole at each report),
not to the job's row: on SQLite a second connection writing the row would wait for the import's
own write lock, and on PostgreSQL a row written apart from the import's transaction would need its
own connection for every report. The file costs a few hundred bytes every run.PROGRESS_EVERY rows.
Its limit: with several hosts, the counts are seen only on the host whose worker runs the import
(the state, read from the database, is seen everywhere).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.imports import pending as pending_files
from marketplace.imports.models import ImportJob, PendingImport
from marketplace.imports.report import ImportReport, RowOutcome, RowProblem, SheetCounts
from marketplace.imports.run import Progress

log = logging.getLogger(__name__)

# A job still waiting after this long: the worker is not running (or is busy with a long job);
# the page says so instead of spinning for ever.
WORKER_LATE = timedelta(seconds=60)
# A running job whose progress file has not changed for this long: its worker may have stopped.
# Long, because reading a big workbook and committing a big import report nothing meanwhile. Only
# a guess: the page says "may have stopped" and keeps looking.
STALLED_AFTER = timedelta(minutes=10)
# A job still "running" this long after it was claimed, with no fresh progress file here, is taken
# for orphaned (its worker was killed) and marked failed by the next worker run. Generous, because
# with several hosts the progress file is on the running worker's host only; and safe even when
# wrong: a job finishes only while still "running" (finish), so an import marked failed is rolled
# back, never stored behind a page that says "failed".
ORPHANED_AFTER = timedelta(hours=1)

# Jobs (and the reports they keep, megabytes for a season's file) are forgotten after this long:
# well after their preview can be confirmed (pending.MAX_AGE, 2 hours).
KEEP_JOBS = timedelta(days=1)

FINISHED = ("done", "failed")


# The report, kept as JSON on the job ------------------------------------------------------

def report_to_json(report: ImportReport) -> str:
    return json.dumps({
        "problems": [asdict(p) for p in report.problems],
        "warnings": [asdict(w) for w in report.warnings],
        "counts": {sheet: asdict(c) for sheet, c in report.counts.items()},
        "notices": report.notices,
        "outcomes": [asdict(o) for o in report.outcomes],
        "examples_skipped": report.examples_skipped,
        "credentials_pending": report.credentials_pending,
        "credentials_verified": report.credentials_verified,
    }, ensure_ascii=False)


def report_from_json(text: str) -> ImportReport:
    data = json.loads(text)
    return ImportReport(
        problems=[RowProblem(**p) for p in data["problems"]],
        warnings=[RowProblem(**w) for w in data["warnings"]],
        counts={sheet: SheetCounts(**c) for sheet, c in data["counts"].items()},
        notices=list(data["notices"]),
        outcomes=[RowOutcome(**o) for o in data["outcomes"]],
        examples_skipped={sheet: list(rows) for sheet, rows in data["examples_skipped"].items()},
        credentials_pending=data["credentials_pending"],
        credentials_verified=data["credentials_verified"],
    )


# Progress, in a small file ------------------------------------------------------------------

def _progress_path(token: str) -> Path:
    return Path(current_app.config["IMPORT_PROGRESS_DIR"]) / f"{token}.json"


# Jobs whose progress could not be written, so that each is logged once, not every 500 rows.
_unwritable: set[str] = set()


def write_progress(token: str, phase: str, progress: Progress | None = None) -> None:
    """Replace the job's progress file whole (a reader never sees half of one). A folder that
    cannot be written (permissions, a full disk) does not stop the import: the page then shows
    no counts, and the failure is logged once per job (the token only, nothing of the file)."""
    counts = progress or Progress()
    text = json.dumps({"phase": phase, "read": counts.read, "checked": counts.checked,
                       "written": counts.written, "at": time.time()})
    try:
        _replace_progress_file(token, text)
    except OSError as error:
        if token not in _unwritable:
            _unwritable.add(token)
            log.warning("could not write import progress for job %s (%s); the import goes on without it",
                        token, type(error).__name__)


def _replace_progress_file(token: str, text: str) -> None:
    folder = _progress_path(token).parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".progress-")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, _progress_path(token))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_progress(token: str) -> dict | None:
    try:
        return json.loads(_progress_path(token).read_text())
    except (OSError, ValueError):
        return None


def forget_progress(token: str) -> None:
    _unwritable.discard(token)
    try:
        _progress_path(token).unlink(missing_ok=True)
    except OSError:  # a leftover file of a few bytes is no reason to fail an import
        log.warning("could not remove import progress file %s", token)


# What the status page shows --------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    # waiting | late (the worker has not picked it up) | reading | checking | saving | stalled
    # | done | failed
    phase: str
    read: int = 0
    checked: int = 0
    written: int = 0

    @property
    def finished(self) -> bool:
        """Nothing more will happen on its own: the page stops refreshing."""
        return self.phase in ("done", "failed")


def status_of(state: str, created_at: datetime, started_at: datetime | None, progress: dict | None,
              now: datetime) -> Status:
    """A job's status from its row's state and its progress file (pure)."""
    if state in FINISHED:
        return Status(state)
    if state == "waiting":
        return Status("late" if now - _aware(created_at) > WORKER_LATE else "waiting")
    if not progress:  # not written yet, or written on another host's worker: nothing to judge by
        return Status("reading")
    counts = {k: int(progress.get(k, 0)) for k in ("read", "checked", "written")}
    phase = str(progress.get("phase", "reading"))
    if phase not in ("reading", "checking", "saving"):
        phase = "reading"
    if "at" in progress and now - datetime.fromtimestamp(float(progress["at"]), now.tzinfo) > STALLED_AFTER:
        return Status("stalled", **counts)  # "may have stopped": the page keeps looking
    return Status(phase, **counts)


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def status(job: ImportJob, now: datetime) -> Status:
    return status_of(job.state, job.created_at, job.started_at, read_progress(job.token), now)


# Starting a job (the view) -----------------------------------------------------------------

def start_preview(session: Session, user: User, filename: str, data: bytes, locale: str,
                  now: datetime) -> ImportJob:
    """Keep the file and ask the worker for its preview. Never commits."""
    pending = pending_files.keep(session, user, filename, data, now)
    return _job(session, user, "preview", pending, locale, now)


def start_confirmation(session: Session, user: User, pending: PendingImport, fingerprint: str,
                       verified: bool, locale: str, now: datetime) -> ImportJob:
    """Ask the worker to import a previewed file (its confirmation was checked). Never commits.
    A confirmation of that file already waiting or running (a second click) is that job, not another."""
    unfinished = session.scalar(select(ImportJob).where(
        ImportJob.kind == "confirm", ImportJob.pending_id == pending.id, ImportJob.user_id == user.id,
        ImportJob.state.in_(("waiting", "running"))).order_by(ImportJob.id).limit(1))
    if unfinished is not None:
        return unfinished
    return _job(session, user, "confirm", pending, locale, now, fingerprint=fingerprint, verified=verified)


def _job(session: Session, user: User, kind: str, pending: PendingImport, locale: str, now: datetime,
         **fields) -> ImportJob:
    old = ImportJob.created_at < now - KEEP_JOBS
    for token in session.scalars(select(ImportJob.token).where(old)).all():
        forget_progress(token)  # a job the worker left unfinished may have left its file
    session.execute(delete(ImportJob).where(old))
    job = ImportJob(user_id=user.id, kind=kind, state="waiting", token=secrets.token_hex(16),
                    filename=pending.filename, pending_id=pending.id, locale=locale[:10], created_at=now,
                    **fields)
    session.add(job)
    session.flush()
    return job


def job_of(session: Session, job_id: int, user: User) -> ImportJob | None:
    """The job, only for the person who started it (anyone else: None, the page's 404)."""
    job = session.get(ImportJob, job_id)
    return job if job is not None and job.user_id == user.id else None


# Running a job (the worker: imports.jobs runs and commits) ----------------------------------

def claim(session: Session, now: datetime) -> int | None:
    """The oldest waiting job, marked running; two workers never both claim one. Never commits."""
    for job_id in session.scalars(select(ImportJob.id).where(ImportJob.state == "waiting")
                                  .order_by(ImportJob.created_at, ImportJob.id).limit(5)):
        claimed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "waiting")
                                  .values(state="running", started_at=now))
        if claimed.rowcount == 1:
            session.flush()
            return job_id
    return None


def finish(session: Session, job_id: int, outcome: str, report: str = "", rows: int = 0, **fields) -> bool:
    """Mark a running job done; False when it is no longer running (marked failed as orphaned
    meanwhile): the caller then rolls back, so what the page says failed stored nothing."""
    done = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                           .values(state="done", outcome=outcome, report=report, total_rows=rows,
                                   finished_at=utcnow(), **fields))
    return done.rowcount == 1


def fail_orphans(session: Session, now: datetime) -> list[str]:
    """Mark failed the jobs "running" for longer than ORPHANED_AFTER with no fresh progress file
    here (their worker was killed); returns their tokens. Never commits."""
    orphaned = []
    for job_id, token in session.execute(select(ImportJob.id, ImportJob.token).where(
            ImportJob.state == "running", ImportJob.started_at < now - ORPHANED_AFTER)).all():
        progress = read_progress(token)
        if progress and now.timestamp() - float(progress.get("at", 0)) < ORPHANED_AFTER.total_seconds():
            continue  # this host's worker still reports on it
        failed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                                 .values(state="failed", outcome="failed", report="", finished_at=now))
        if failed.rowcount == 1:
            orphaned.append(token)
    return orphaned

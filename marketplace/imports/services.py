"""The all-or-nothing import: validate every row of every sheet, store through the domain
services, and report every problem with its sheet, row, column, value and reason, and every
adjustment as a warning.

`import_data` never commits. It works inside the caller's transaction, one savepoint per row (so
that a row that fails leaves no half-saved record behind and later rows are still checked
against a consistent session), and returns a report. The caller commits when `report.ok`, and
rolls back otherwise: then nothing at all is stored.

Errors and warnings: an error (a value we cannot read or store) stops the import; a warning never
does. Imported rows take effect as given, so what is not an error is stored and the report says what
was adjusted: a listing whose window is over is stored as ended ("expired"), a request whose dates
have passed likewise; a category that disagrees with the catalogue (or names none) is ignored for
the catalogue's; a product or unit the catalogue lacks is kept as typed. A row with an error has no
warnings in the report: it is not stored, and its errors say what to fix.

Preview and confirmation: a run whose caller rolls back is a preview (the report lists every row
that would be stored, `report.outcomes`, with what it becomes); the staff page previews a file,
keeps it (imports.pending), and imports the very same bytes when the person confirms, refusing if
the outcome is no longer the one shown (`ImportReport.fingerprint`).

Example rows (marked "Ví dụ" in the template's first column, sheets.is_example) are skipped and
counted, never imported. Credentials arrive pending unless `verified_from` is given for a staff
member (imports.handlers.credentials).

Sheets are handled in dependency order (sheets.SHEETS). Each sheet's handler, in imports.handlers,
is registered with `@handles("name")` (imports.run); a sheet without a handler would be reported
as a notice, not a failure (every sheet has one today: organisations, certificates, planting codes,
listings and demand).

Rules live in the domain services: the handlers parse cells (imports.cells), map the services'
field names back to the sheet's columns, and resolve references (org_ref, certificate numbers,
codes) to records. Re-importing the same file updates instead of duplicating: organisations,
listings and demand posts by `ref`, certificates by (type, number), planting codes by code.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.imports import sheets as sheet_specs
from marketplace.imports.handlers import credentials, demand, listings, organizations, prices
from marketplace.imports.readers import Sheets
from marketplace.imports.report import ImportReport, RowProblem, SheetCounts
from marketplace.imports.run import HANDLERS, ImportRun, ProgressListener, SourceFile

# Importing a handler's module registers it (`@handles`); these are every sheet's.
REGISTERED = (organizations, credentials, listings, demand, prices)


def importable_sheets() -> tuple[sheet_specs.Sheet, ...]:
    """The sheets that can be imported today (the template offers these)."""
    return tuple(s for s in sheet_specs.SHEETS if s.name in HANDLERS)


def import_data(db: Session, sheets: Sheets, user: User | None, today: date,
                verified_from: SourceFile | None = None, progress: ProgressListener | None = None) -> ImportReport:
    """Validate and store every row; never commits. See the module docstring.

    `verified_from`: the staff member `user` has checked the file's documents; its credentials are
    recorded as verified by them, naming this file. Ignored (with a notice) for anyone else, but
    the command line's operator (`SourceFile.by_operator`, with no user).

    `progress` is called every run.PROGRESS_EVERY rows checked, and once at the end, with the rows
    read, checked and written so far (the command line shows it for long imports)."""
    operator = verified_from is not None and verified_from.by_operator and user is None
    if verified_from is not None and not operator and not (user is not None and user.is_staff):
        verified_from = None
        notice = _("Only staff can record credentials as verified: they were stored as pending.")
    else:
        notice = None
    run = ImportRun(db, user, today, verified_from, progress)
    run.progress.read = sum(len(rows) for rows in sheets.values())
    report = run.report
    if notice:
        report.notices.append(notice)
    sheets = _without_examples(sheets, report)
    for name, rows in sheets.items():
        if rows and name not in sheet_specs.BY_NAME and name != sheet_specs.HELP_SHEET:
            report.notices.append(_("The sheet %(sheet)s is not one we import; it was ignored.", sheet=name))
    for spec in sheet_specs.SHEETS:
        rows = sheets.get(spec.name) or []
        if not rows:
            continue
        handler = HANDLERS.get(spec.name)
        if handler is None:
            report.notices.append(_("The %(sheet)s sheet was not imported (%(n)d rows): this kind of data "
                                    "cannot be imported yet.", sheet=spec.name, n=len(rows)))
            continue
        present = {column for _number, values in rows for column in values}
        missing = [column for column in spec.required if column not in present]
        for column in missing:
            run.add(RowProblem(spec.name, 1, column, "", _("This column is missing from the header row.")))
        if missing:
            continue
        report.counts[spec.name] = SheetCounts()
        try:
            handler(run, rows)
        finally:
            run.release_from_collector()
    if not report.counts and not report.problems and not report.examples_skipped:
        report.notices.append(_("The file has none of the sheets we import (%(sheets)s).",
                                sheets=", ".join(s.name for s in importable_sheets())))
    _sort(report)
    if progress is not None:
        progress(run.progress)
    return report


def _without_examples(sheets: Sheets, report: ImportReport) -> Sheets:
    """The rows to import: the template's example rows are left out and listed in the report."""
    kept: Sheets = {}
    for name, rows in sheets.items():
        examples = [number for number, values in rows if sheet_specs.is_example(values)]
        if examples:
            report.examples_skipped[name] = examples
        kept[name] = [(number, values) for number, values in rows if not sheet_specs.is_example(values)]
    return kept


def _sort(report: ImportReport) -> None:
    """Problems and warnings in sheet and row order; no warnings for a row that has errors."""
    order = {s.name: i for i, s in enumerate(sheet_specs.SHEETS)}
    report.problems.sort(key=lambda p: (order.get(p.sheet, len(order)), p.row))
    failed_rows = {(p.sheet, p.row) for p in report.problems}
    report.outcomes.sort(key=lambda o: (order.get(o.sheet, len(order)), o.row))
    report.warnings = sorted((w for w in report.warnings if (w.sheet, w.row) not in failed_rows),
                             key=lambda w: (order.get(w.sheet, len(order)), w.row))

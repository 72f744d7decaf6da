"""Commands that fill the database: init-db, demo, import."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import dates, db, schema
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.catalogue import services as catalogue
from marketplace.cli.common import fail
from marketplace.demo import load_demo
from marketplace.imports import pending as pending_imports
from marketplace.imports import readers
from marketplace.imports import services as imports
from marketplace.imports.run import SourceFile
from marketplace.search import services as search


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema, then load places and the product taxonomy."""
    engine = db.get_engine(current_app)
    schema.upgrade(engine)
    loaded = schema.load_reference_data(db.session)
    retired = catalogue.retire_obsolete_varieties(db.session)
    db.session.commit()
    click.echo(f"schema at {schema.current_revision(engine)}; "
               f"communes loaded: {loaded['communes']}; taxonomy changes: {loaded['taxonomy_changes']}"
               + (f"; varieties retired: {retired}" if retired else ""))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no organisation yet.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo data set (idempotent)."""
    if current_app.config["APP_ENV"] == "production":
        fail("the demo data set is not loaded in production")
    if if_empty and db.session.scalar(select(func.count()).select_from(Organization)):
        click.echo("database already has organisations; demo data not loaded")
        return
    created = load_demo(db.session, current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(f"demo data: {created['organizations']} new organisations, {created['users']} new users, "
               f"{created['listings']} new listings, {created['demand']} new demand posts, "
               f"{created.get('orders', 0)} new orders")


@click.command("import")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the summary and of the problems.")
@click.option("--dry-run", is_flag=True,
              help="Preview only: print what would be created, updated and adjusted, and store nothing.")
@click.option("--verified-by", "verified_by", metavar="EMAIL", default=None,
              help="A staff account that has checked the file's certificates and codes: they are recorded "
                   "as verified by it, naming the file and its hash. Without it they take the status in "
                   "their row.")
@with_appcontext
def import_command(path: str, lang: str, dry_run: bool, verified_by: str | None) -> None:
    """Import a workbook (.xlsx), a JSON document, a .zip of CSV files or a folder of CSV files.

    All or nothing: every problem is printed (sheet, row, column, value, reason) and nothing is
    stored (exit status 1), or everything is stored and a summary printed. Warnings (a row stored
    with an adjustment, e.g. a listing whose window is over stored as ended) never stop an import;
    each is printed on a line of its own starting "Warning:". Rows marked "Ví dụ" (the template's
    examples) are skipped. Certificates and codes take the status in their row (the operator is
    staff): one marked active is recorded as verified by this import, naming the file and its hash.
    --verified-by names the staff account that checked the documents instead (every credential
    of the file is then recorded as verified by it, as the staff page's tick does).
    With --dry-run, the same run is rolled back: each row that would be stored is printed, and
    nothing is.
    """


    with force_locale(lang):
        try:
            sheets = readers.read_path(path)
        except readers.ReaderError as error:
            fail(error.message)
        user = None
        # Without --verified-by, the operator's import keeps the promised "status in their row".
        source = SourceFile(Path(path).name, pending_imports.sha256_of_path(path), by_operator=not verified_by)
        if verified_by:
            user = accounts.find_user(db.session, verified_by)
            if user is None or not user.is_staff:
                fail(_("--verified-by must name a staff account: %(who)s is not one.", who=verified_by))
        report = imports.import_data(db.session, sheets, user, dates.today_in_vietnam(), verified_from=source,
                                     progress=_progress_on_stderr(sheets))
        if not report.ok:
            db.session.rollback()
            for problem in report.problems:
                click.echo(_('%(sheet)s row %(row)d, column %(column)s, value "%(value)s": %(reason)s',
                             sheet=problem.sheet, row=problem.row, column=problem.column,
                             value=problem.value, reason=problem.reason))
            if report.warnings:
                click.echo(_("Warnings: %(n)d. Once the problems are fixed, these rows will be stored with "
                             "an adjustment:", n=len(report.warnings)))
                _echo_import_warnings(report.warnings)
            _echo_examples_and_notices(report)
            fail(_("Problems found: %(n)d. Nothing was stored: fix them in the file, then import the whole "
                   "file again.", n=len(report.problems)))
        if dry_run:
            db.session.rollback()  # a preview: nothing of the file is stored
            for outcome in report.outcomes:
                click.echo(_("%(sheet)s row %(row)d: %(action)s %(key)s: %(summary)s", sheet=outcome.sheet,
                             row=outcome.row, key=outcome.key, summary=outcome.summary,
                             action=_("create") if outcome.created else _("update")))
        else:
            db.session.commit()
            _sync_search_after_import()
        for sheet, counts in report.counts.items():
            if dry_run:
                click.echo(_("%(sheet)s: %(created)d to create, %(updated)d to update",
                             sheet=sheet, created=counts.created, updated=counts.updated))
            else:
                click.echo(_("%(sheet)s: %(created)d created, %(updated)d updated",
                             sheet=sheet, created=counts.created, updated=counts.updated))
        if report.warnings:
            click.echo(_("Warnings: %(n)d. These rows were stored with an adjustment:", n=len(report.warnings))
                       if not dry_run else
                       _("Warnings: %(n)d. These rows would be stored with an adjustment:", n=len(report.warnings)))
            _echo_import_warnings(report.warnings)
        if report.credentials_verified and verified_by:
            click.echo(_("Certificates and codes recorded as verified by %(who)s: %(n)d.", who=verified_by,
                         n=report.credentials_verified))
        elif report.credentials_verified:
            click.echo(_("Certificates and codes active in the file, recorded as verified by this import: %(n)d.",
                         n=report.credentials_verified))
        if report.credentials_pending:
            click.echo(_("Certificates and codes pending verification: %(n)d (staff verify them in the "
                         "verification queue).", n=report.credentials_pending))
        _echo_examples_and_notices(report)
        click.echo(_("Dry run: nothing was stored.") if dry_run else _("Imported: everything is stored."))


LONG_IMPORT_ROWS = 2000  # from this many rows on, the command shows its progress on stderr


def _progress_on_stderr(sheets):
    """A line on stderr every few thousand rows of a long import (stdout stays as scripts read it)."""
    if sum(len(rows) for rows in sheets.values()) < LONG_IMPORT_ROWS:
        return None

    def show(progress) -> None:
        click.echo(_("Rows read: %(read)d, checked: %(checked)d, written: %(written)d (%(sheet)s)",
                     read=progress.read, checked=progress.checked, written=progress.written,
                     sheet=progress.sheet), err=True)
    return show


def _echo_examples_and_notices(report) -> None:
    for sheet, rows in report.examples_skipped.items():
        click.echo(_("%(sheet)s: %(n)d example rows skipped (marked “Ví dụ”): %(rows)s", sheet=sheet, n=len(rows),
                     rows=", ".join(str(row) for row in rows)))
    for notice in report.notices:
        click.echo(notice)


def _echo_import_warnings(warnings) -> None:

    for warning in warnings:
        click.echo(_('Warning: %(sheet)s row %(row)d, column %(column)s, value "%(value)s": %(reason)s',
                     sheet=warning.sheet, row=warning.row, column=warning.column, value=warning.value,
                     reason=warning.reason))


def _sync_search_after_import() -> None:
    """What was imported is searchable when the command returns (or as soon as the running
    indexer gets to it, if one holds the index)."""


    try:
        search.sync(db.session, search.backend(), commit=db.session.commit, batch=search.INTAKE_BATCH)
    except search.IndexBusy:
        click.echo(_("Search: the running indexer will add what was imported in a moment."))
    except (search.IndexUnwritable, OSError) as error:
        db.session.rollback()  # what was imported is committed; the worker indexes it once the folder can be written
        click.echo(_("Search index not updated (%(error)s): run “marketplace search sync”.", error=error))

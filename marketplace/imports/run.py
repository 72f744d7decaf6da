"""One import run inside the caller's transaction: its report, a savepoint per row, the
organisations a row refers to, checks against a stand-in organisation, and the registry of the
function that imports each sheet (`@handles("name")`).

A row's writes stay only when the row has no problem: a row that fails leaves no half-saved
record behind, and later rows are still checked against a consistent session. The listings sheet
writes its rows in batches instead (`batching`: no savepoint for a row without problems, one flush
per batch; a batch the database refuses is imported again row by row: `ImportRun.in_batches`,
used by the listings and demand sheets).
Progress (rows read, checked, written) goes to a listener given by the caller.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization, User
from marketplace.credentials import services as credentials
from marketplace.errors import DomainError, ValidationError
from marketplace.imports import sheets as sheet_specs
from marketplace.imports.cells import RowCheck
from marketplace.imports.readers import Row
from marketplace.imports.report import ImportReport, RowOutcome, RowProblem
from marketplace.products.models import Product

# Handler registry ---------------------------------------------------------------------------

Handler = Callable[["ImportRun", list[Row]], None]
HANDLERS: dict[str, Handler] = {}


def handles(sheet: str) -> Callable[[Handler], Handler]:
    """Register the function that imports one sheet (its columns are in sheets.py)."""
    if sheet not in sheet_specs.BY_NAME:
        raise ValueError(f"unknown import sheet {sheet!r}")

    def register(function: Handler) -> Handler:
        HANDLERS[sheet] = function
        return function

    return register


# One import run -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    """The file a staff member vouched for ("I have checked these documents"): named, with its
    hash, in the reason of every verification the import records.

    `by_operator`: the file was imported with `marketplace import` by whoever runs the site's
    commands, without naming a staff account. The promised interface imports credentials "with the
    status in their row (imports are staff work)", so a row that says active is recorded as
    verified by nobody in particular, the reason naming the command and the file; a row that says
    pending stays pending."""

    name: str
    sha256: str
    by_operator: bool = False

    def verification_reason(self) -> str:
        if self.by_operator:
            return _("Active in the file %(file)s (SHA-256 %(hash)s) imported with the marketplace import command.",
                     file=self.name, hash=self.sha256)
        return _("Checked by staff from the imported file %(file)s (SHA-256 %(hash)s).",
                 file=self.name, hash=self.sha256)


@dataclass
class Progress:
    """How far a long import is: rows read from the file, rows checked, rows written."""

    read: int = 0
    checked: int = 0
    written: int = 0
    sheet: str = ""


ProgressListener = Callable[[Progress], None]
PROGRESS_EVERY = 1000  # rows checked between two reports


class BatchRefused(Exception):
    """The database refused a batch of rows written together: the batch is taken back and its
    rows imported again one savepoint each, so that the row at fault is named as before."""


class ImportRun:
    def __init__(self, db: Session, user: User | None, today: date,
                 verified_from: SourceFile | None = None, progress: ProgressListener | None = None) -> None:
        self.db, self.user, self.today = db, user, today
        self.progress = Progress()
        self.on_progress = progress
        # Set only for staff who ticked the box: the credentials of the file are then recorded as
        # verified by them; otherwise every credential of the file arrives pending.
        self.verified_from = verified_from
        self.report = ImportReport()
        # True while rows are written in a batch (imports.handlers.listings): `savepoint` then opens
        # none, the caller flushes the batch, and a refusal by the database takes the batch back.
        self.batching = False
        self.froze = False  # see set_aside_from_collector
        self.orgs: dict[str, Organization] = {}  # ref → organisation saved from this file
        # ref → organisation already stored (None: none), read once per file: later sheets name
        # the same few organisations on thousands of rows.
        self.stored_orgs: dict[str, Organization | None] = {}
        # Held for the whole run so that the session's identity map (weak references) keeps them:
        # a row's product is then found without a query.
        self.catalogue_records = list(db.scalars(select(Product).options(selectinload(Product.varieties))))
        # Keys of rows that have problems, per sheet: a row referring to one is told where to look.
        self.failed: dict[str, set[str]] = {}

    def add(self, problem: RowProblem) -> None:
        self.report.problems.append(problem)

    def warn(self, warning: RowProblem) -> None:
        self.report.warnings.append(warning)

    def row(self, sheet: str, number: int, values: dict[str, Any]) -> RowCheck:
        self.progress.checked += 1
        self.progress.sheet = sheet
        if self.on_progress is not None and self.progress.checked % PROGRESS_EVERY == 0:
            self.on_progress(self.progress)
        return RowCheck(self, sheet, number, values)

    def stored(self, row: RowCheck, created: bool, key: str, summary: str) -> None:
        """The row is stored: counted, and listed with what it became (the preview shows it)."""
        counts = self.report.counts[row.sheet]
        if created:
            counts.created += 1
        else:
            counts.updated += 1
        self.report.outcomes.append(RowOutcome(row.sheet, row.number, key, created, str(summary)))
        self.progress.written += 1

    def mark_failed(self, sheet: str, key: str | None) -> None:
        if key:
            self.failed.setdefault(sheet, set()).add(key)

    def has_failed(self, sheet: str, key: str) -> bool:
        return key in self.failed.get(sheet, set())

    @contextmanager
    def savepoint(self, row: RowCheck) -> Iterator[None]:
        """The row's writes stay only when the row has no problem at the end.

        In a batch there is no savepoint: the services check every row before they write anything
        (a row with a problem writes nothing), and a refusal by the database is the batch's."""
        if self.batching and row.ok:
            try:
                yield
            except ValidationError as error:
                row.service_error(error)
            except DomainError as error:
                row.add(row.key_column, error.message)
            except (IntegrityError, DataError) as error:
                raise BatchRefused from error
            return
        # A row that already has a problem is still run through the service (to report all of its
        # problems at once) but must leave nothing behind: it gets a savepoint of its own.
        self.flush_batch()
        savepoint = self.db.begin_nested()
        try:
            yield
        except ValidationError as error:
            row.service_error(error)
        except DomainError as error:
            row.add(row.key_column, error.message)
        except (IntegrityError, DataError):
            # A safety net: the checks above should have caught whatever the database refuses.
            row.add(row.key_column, _("The database refused this row: check its values."))
        except BaseException:
            savepoint.rollback()
            raise
        if row.ok:
            savepoint.commit()
        else:  # also after a failed flush, which leaves the savepoint needing a rollback
            savepoint.rollback()

    def set_aside_from_collector(self) -> None:
        """After a batch: the session keeps every stored row's objects until the transaction
        ends, and Python's cycle collector would walk all of them again at each of its full
        passes (the cost of a row then grows with the rows before it: 30% of a 5,000-row import).
        Frozen objects are only set aside: `release_from_collector` gives them back at the end.
        Not done when something else (a server's preload) already froze objects."""
        if self.froze or gc.get_freeze_count() == 0:
            gc.freeze()
            self.froze = True

    def release_from_collector(self) -> None:
        if self.froze:
            gc.unfreeze()
            self.froze = False

    def in_batches(self, sheet: str, rows: list[Row], import_rows: Callable[[list[Row]], None],
                   state: object, size: int) -> None:
        """Rows checked one by one and written `size` at a time, in one flush (and one write of the
        change log) per batch. If the database refuses a batch, the batch is taken back with what it
        changed in the run and in the sheet's own `state` (its dict attributes: refs stored, seen…),
        and its rows are imported again one savepoint each, which names the row at fault exactly as
        a row-by-row import does."""
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            put_back = (self._kept(sheet), _kept_dicts(state))
            savepoint = self.db.begin_nested()
            self.batching = True
            try:
                with self.db.no_autoflush:
                    import_rows(batch)
                self.flush_batch()
            except BatchRefused:
                savepoint.rollback()
                for restore in put_back:
                    restore()
                self.batching = False
                import_rows(batch)
            else:
                savepoint.commit()
            finally:
                self.batching = False
            self.set_aside_from_collector()

    def _kept(self, sheet: str) -> Callable[[], None]:
        """What a batch changes in the run (report, rows with problems, progress), as the function
        that takes it back with the batch."""
        report, counts = self.report, self.report.counts[sheet]
        lengths = len(report.outcomes), len(report.problems), len(report.warnings)
        created_updated = counts.created, counts.updated
        failed = {name: set(keys) for name, keys in self.failed.items()}
        progress = self.progress.checked, self.progress.written

        def restore() -> None:
            del report.outcomes[lengths[0]:]
            del report.problems[lengths[1]:]
            del report.warnings[lengths[2]:]
            counts.created, counts.updated = created_updated
            self.failed = failed
            self.progress.checked, self.progress.written = progress
        return restore

    def flush_batch(self) -> None:
        """Write the rows of the batch so far (nothing to do outside a batch)."""
        if not self.batching:
            return
        try:
            self.db.flush()
        except (IntegrityError, DataError) as error:
            raise BatchRefused from error

    def org_for(self, row: RowCheck, column: str = "org_ref") -> Organization | None:
        """The organisation a row refers to: from this file, else already stored."""
        ref = row.text(column, 60, required=True)
        if not ref:
            return None
        if ref not in self.orgs and self.has_failed("organizations", ref):
            row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                              value=ref, sheet="organizations"))
            return None
        org = self.orgs.get(ref) or self.stored_org(ref)
        if org is None:
            row.add(column, _("No organisation with this ref in the file or the database."))
        return org

    def stored_org(self, ref: str) -> Organization | None:
        if ref not in self.stored_orgs:
            self.stored_orgs[ref] = self.db.scalar(select(Organization).where(Organization.ref == ref))
        return self.stored_orgs[ref]

    def check_without_org(self, row: RowCheck, call: Callable[[Organization], Any]) -> None:
        """Run a service's checks for a row whose organisation is unknown, and keep nothing.

        The services need an organisation to save anything; a stand-in one, flushed and rolled
        back with the savepoint, lets them report every other problem of the row now, instead of
        after the organisation is fixed.
        """
        savepoint = self.db.begin_nested()
        try:
            standin = Organization(kind="club", name="import check", ref=f"~import-check-{uuid4().hex[:12]}")
            self.db.add(standin)
            self.db.flush()
            call(standin)
        except credentials.HeldByAnother:
            pass  # held by someone else than a stand-in says nothing about the real organisation
        except ValidationError as error:
            row.service_error(error)
        except (DomainError, IntegrityError, DataError):
            pass
        finally:
            savepoint.rollback()


def holder(org: Organization) -> str:
    """The organisation that holds a number, code or ref, as a clash message names it."""
    return f"{org.name} ({org.ref})"


def _kept_dicts(state: object) -> Callable[[], None]:
    """A handler's state as it is now (each of its dict attributes copied), as the function that
    puts it back."""
    saved = {name: dict(value) for name, value in vars(state).items() if isinstance(value, dict)}
    return lambda: vars(state).update(saved)

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

Sheets are handled in dependency order (sheets.SHEETS). Each sheet's handler is registered with
`@handles("name")`; a sheet without a handler would be reported as a notice, not a failure (every
sheet has one today: organisations, certificates, planting codes, listings and demand).

Rules live in the domain services: this module parses cells, maps the services' field names back
to the sheet's columns, and resolves references (org_ref, certificate numbers, codes) to records.
Re-importing the same file updates instead of duplicating: organisations, listings and demand posts
by `ref`, certificates by (type, number), planting codes by code.

A certificate number or code held by another organisation is a row problem. No claim flag is
recorded for staff: such a row stops the import, and an import stores nothing when it stops; the
person importing is staff and sees the clash, with the holder, in the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import uuid4

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts import rules as account_rules
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.credentials import rules as credential_rules
from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.dates import NotADate, parse_date
from marketplace.demand import rules as demand_rules
from marketplace.demand import services as demand
from marketplace.errors import DomainError, ValidationError
from marketplace.imports import sheets as sheet_specs
from marketplace.imports.readers import Row, Sheets, display_value, normalize_name
from marketplace.listings import services as listings
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.places.models import Commune
from marketplace.products.models import Category
from marketplace.products.services import find_product
from marketplace.products.units import parse_unit
from marketplace.vietnamese import clean, fold

MAX_COUNT = 1_000_000  # members, stars: far above any real value, below the database's int limit


@dataclass(frozen=True)
class RowProblem:
    """An error (the row cannot be stored) or, in `ImportReport.warnings`, an adjustment (the row
    was stored, and `reason` says how)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str  # translated


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0


@dataclass
class ImportReport:
    problems: list[RowProblem] = field(default_factory=list)  # errors: nothing is stored
    warnings: list[RowProblem] = field(default_factory=list)  # adjustments of stored rows; never a failure
    counts: dict[str, SheetCounts] = field(default_factory=dict)  # in import order
    notices: list[str] = field(default_factory=list)  # translated; never a failure

    @property
    def ok(self) -> bool:
        """No errors: warnings do not count."""
        return not self.problems


# Handler registry ---------------------------------------------------------------------------

Handler = Callable[["_Import", list[Row]], None]
HANDLERS: dict[str, Handler] = {}


def handles(sheet: str) -> Callable[[Handler], Handler]:
    """Register the function that imports one sheet (its columns are in sheets.py)."""
    if sheet not in sheet_specs.BY_NAME:
        raise ValueError(f"unknown import sheet {sheet!r}")

    def register(function: Handler) -> Handler:
        HANDLERS[sheet] = function
        return function

    return register


def importable_sheets() -> tuple[sheet_specs.Sheet, ...]:
    """The sheets that can be imported today (the template offers these)."""
    return tuple(s for s in sheet_specs.SHEETS if s.name in HANDLERS)


def import_data(db: Session, sheets: Sheets, user: User | None, today: date) -> ImportReport:
    """Validate and store every row; never commits. See the module docstring."""
    run = _Import(db, user, today)
    report = run.report
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
        handler(run, rows)
    if not report.counts and not report.problems:
        report.notices.append(_("The file has none of the sheets we import (%(sheets)s).",
                                sheets=", ".join(s.name for s in importable_sheets())))
    order = {s.name: i for i, s in enumerate(sheet_specs.SHEETS)}
    report.problems.sort(key=lambda p: (order.get(p.sheet, len(order)), p.row))
    failed_rows = {(p.sheet, p.row) for p in report.problems}
    report.warnings = sorted((w for w in report.warnings if (w.sheet, w.row) not in failed_rows),
                             key=lambda w: (order.get(w.sheet, len(order)), w.row))
    return report


# One import run and one row -----------------------------------------------------------------

class _Import:
    def __init__(self, db: Session, user: User | None, today: date) -> None:
        self.db, self.user, self.today = db, user, today
        self.report = ImportReport()
        self.orgs: dict[str, Organization] = {}  # ref → organisation saved from this file
        # Keys of rows that have problems, per sheet: a row referring to one is told where to look.
        self.failed: dict[str, set[str]] = {}

    def add(self, problem: RowProblem) -> None:
        self.report.problems.append(problem)

    def warn(self, warning: RowProblem) -> None:
        self.report.warnings.append(warning)

    def row(self, sheet: str, number: int, values: dict[str, Any]) -> _Row:
        return _Row(self, sheet, number, values)

    def count(self, sheet: str, created: bool) -> None:
        counts = self.report.counts[sheet]
        if created:
            counts.created += 1
        else:
            counts.updated += 1

    def mark_failed(self, sheet: str, key: str | None) -> None:
        if key:
            self.failed.setdefault(sheet, set()).add(key)

    def has_failed(self, sheet: str, key: str) -> bool:
        return key in self.failed.get(sheet, set())

    @contextmanager
    def savepoint(self, row: _Row) -> Iterator[None]:
        """The row's writes stay only when the row has no problem at the end."""
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

    def org_for(self, row: _Row, column: str = "org_ref") -> Organization | None:
        """The organisation a row refers to: from this file, else already stored."""
        ref = row.text(column, 60, required=True)
        if not ref:
            return None
        if ref not in self.orgs and self.has_failed("organizations", ref):
            row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                              value=ref, sheet="organizations"))
            return None
        org = self.orgs.get(ref) or self.db.scalar(select(Organization).where(Organization.ref == ref))
        if org is None:
            row.add(column, _("No organisation with this ref in the file or the database."))
        return org

    def check_without_org(self, row: _Row, call: Callable[[Organization], Any]) -> None:
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


class _Row:
    """One row being checked: typed cell readers that record a problem when a cell is wrong."""

    def __init__(self, run: _Import, sheet: str, number: int, values: dict[str, Any]) -> None:
        self.run, self.sheet, self.number, self.values = run, sheet, number, values
        self.problems = 0
        self.key_column = sheet_specs.BY_NAME[sheet].columns[0].name
        self.field_columns: dict[str, str] = {}  # service field name → sheet column

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def raw(self, column: str) -> Any:
        return self.values.get(column)

    def add(self, column: str, reason: str, value: Any = ...) -> None:
        shown = self.raw(column) if value is ... else value
        self.run.add(RowProblem(self.sheet, self.number, column, display_value(shown), str(reason)))
        self.problems += 1

    def warn(self, column: str, reason: str, value: Any = ...) -> None:
        """An adjustment: the row is stored all the same (see the module docstring)."""
        shown = self.raw(column) if value is ... else value
        self.run.warn(RowProblem(self.sheet, self.number, column, display_value(shown), str(reason)))

    def service_error(self, error: ValidationError) -> None:
        if not error.fields:
            self.add(self.key_column, error.message)
        for name, messages in error.fields.items():
            column = self.field_columns.get(name, name)
            for message in messages:
                self.add(column, message)

    # Cell readers -------------------------------------------------------------------------

    def text(self, column: str, max_length: int | None = None, *, required: bool = False,
             required_message: str | None = None) -> str:
        value = self.raw(column)
        if isinstance(value, list):
            value = ";".join(display_value(v) for v in value)
        text = clean(display_value(value)) if value is not None else ""
        if required and not text:
            self.add(column, required_message or _("This field is required."))
        elif max_length is not None and len(text) > max_length:
            self.add(column, _("This text is too long (at most %(n)d characters).", n=max_length))
            return text[:max_length]
        return text

    def long_text(self, column: str, max_length: int = 4000) -> str:
        value = self.raw(column)
        text = str(value).strip() if value is not None else ""
        if len(text) > max_length:
            self.add(column, _("This text is too long (at most %(n)d characters).", n=max_length))
        return text

    def items(self, column: str) -> list[str]:
        """A `;`-separated cell (or a JSON array) as its trimmed, non-empty parts."""
        value = self.raw(column)
        parts = value if isinstance(value, list) else re.split(r"[;\n]", display_value(value))
        return [clean(display_value(p)) for p in parts if clean(display_value(p))]

    def choice(self, column: str, choices: tuple[str, ...], *, aliases: dict[str, str] | None = None,
               default: str | None = None, required: bool = False, squash: bool = False) -> str | None:
        value = self.raw(column)
        key = normalize_name(value)
        if squash:  # "Global GAP", "global-gap" → "globalgap"
            key = key.replace("_", "")
        if not key:
            if required:
                self.add(column, _("This field is required."))
            return default
        key = (aliases or {}).get(key, key)
        if key not in choices:
            self.add(column, _("Use one of: %(choices)s.", choices=", ".join(choices)))
            return None
        return key

    def date(self, column: str) -> date | None:
        try:
            return parse_date(self.raw(column))
        except NotADate:
            self.add(column, _("Enter a date as dd/mm/yyyy."))
            return None

    def decimal(self, column: str) -> float | None:
        value = self.raw(column)
        if isinstance(value, bool):
            self.add(column, _("Enter a number, e.g. 1500 or 2,5."))
            return None
        try:
            return parse_decimal(value)
        except NotANumber:
            self.add(column, _("Enter a number, e.g. 1500 or 2,5."))
            return None

    def whole(self, column: str, minimum: int = 0, maximum: int = MAX_COUNT) -> int | None:
        number = self.decimal(column)
        if number is None:
            return None
        if number != int(number) or number < minimum:
            self.add(column, _("Enter a whole number."))
            return None
        if number > maximum:
            self.add(column, _("That number is too large."))
            return None
        return int(number)

    def yes_no(self, column: str) -> bool:
        value = self.raw(column)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        key = fold(display_value(value))
        if key in ("yes", "y", "true", "1", "co", "x"):
            return True
        if key in ("no", "n", "false", "0", "khong"):
            return False
        self.add(column, _("Write yes or no (có or không)."))
        return False

    def commune(self, column: str) -> str | None:
        text = display_value(self.raw(column)).strip()
        if not text:
            return None
        code = text.zfill(5) if text.isdigit() else text
        if not text.isdigit() or len(code) != 5 or self.run.db.get(Commune, code) is None:
            self.add(column, _("There is no commune or ward with this code: use the 5-digit official code, "
                               "e.g. 29869."))
            return None
        return code

    def unique(self, seen: dict[str, int], key: str, column: str) -> None:
        """A key may appear once per sheet: a second row would silently overwrite the first."""
        if not key:
            return
        if key in seen:
            self.add(column, _("This also appears in row %(row)d of this sheet.", row=seen[key]))
        else:
            seen[key] = self.number


def _holder(org: Organization) -> str:
    return f"{org.name} ({org.ref})"


# Organisations ------------------------------------------------------------------------------

ORG_KIND_ALIASES = {
    "hoi_quan": "club", "hop_tac_xa": "cooperative", "htx": "cooperative", "to_hop_tac": "coop_group",
    "doanh_nghiep": "business", "sieu_thi": "supermarket", "thuong_lai": "trader",
    "doanh_nghiep_xuat_khau": "exporter", "co_quan": "agency",
}


# accounts.services.update_profile's field names → the sheet's columns
ORG_FIELDS = {"members_count": "members"}


@handles("organizations")
def _organizations(run: _Import, rows: list[Row]) -> None:
    """Kind, name and ref through create_organization; the rest through update_profile (phone,
    e-mail and member checks), for a new organisation and an existing one alike."""
    sheet = "organizations"
    seen: dict[str, int] = {}
    founded: list[tuple[_Row, str, Organization | None, str]] = []
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = dict(ORG_FIELDS)
        ref = row.text("ref", 60, required=True)
        row.unique(seen, ref, "ref")
        kind = row.choice("kind", account_rules.ORG_KINDS, aliases=ORG_KIND_ALIASES, required=True)
        name = row.text("name", 200, required=True, required_message=_("Enter the organisation's name."))
        founded_on = row.date("founded_on")
        profile = {
            "name": name,
            "commune_code": row.commune("commune_code"),
            "address": row.text("address", 300),
            "phone": _phone_text(row.raw("phone")),
            "zalo": _phone_text(row.raw("zalo")),
            "email": row.text("email", 254),
            "members_count": row.whole("members"),
            "tourism": row.yes_no("tourism"),
            "description": row.long_text("description"),
        }
        parent_ref = row.text("founded_from_ref", 60)
        org = None
        created = False
        if ref and kind and name:
            with run.savepoint(row):
                org = run.db.scalar(select(Organization).where(Organization.ref == ref))
                created = org is None
                if org is None:
                    org = accounts.create_organization(run.db, kind=kind, name=name, ref=ref,
                                                       founded_on=founded_on)
                org.kind, org.founded_on = kind, founded_on
                accounts.update_profile(run.db, org, profile)
        else:
            run.check_without_org(row, lambda standin, profile=profile: accounts.update_profile(
                run.db, standin, {k: v for k, v in profile.items() if k != "name"}))
        if row.ok and org is not None:
            run.orgs[ref] = org
            run.count(sheet, created)
        else:
            org = None
            if ref not in run.orgs:  # a repeated ref is a problem of the repeat, not of the first row
                run.mark_failed(sheet, ref)
        founded.append((row, ref, org, parent_ref))
    # A cooperative may come before the club it grew from: links are made once every row is in.
    # A wrong link is a problem of its row (so the import fails), but the organisation itself is
    # fine for the rows of later sheets that refer to it.
    for row, ref, org, parent_ref in founded:
        parent = _founding_club(run, row, ref, parent_ref)
        if org is not None:
            org.founded_from = parent
    run.db.flush()


def _phone_text(value: Any) -> str:
    """A phone number typed into a number cell loses its leading 0 (912345678): put it back."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        return digits if digits.startswith(("0", "84")) else "0" + digits
    return clean(display_value(value)) if value is not None else ""


def _founding_club(run: _Import, row: _Row, ref: str, parent_ref: str) -> Organization | None:
    column = "founded_from_ref"
    if not parent_ref:
        return None
    if parent_ref == ref:
        row.add(column, _("An organisation cannot be founded from itself."))
        return None
    if parent_ref not in run.orgs and run.has_failed("organizations", parent_ref):
        row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                          value=parent_ref, sheet="organizations"))
        return None
    parent = run.orgs.get(parent_ref) or run.db.scalar(
        select(Organization).where(Organization.ref == parent_ref))
    if parent is None:
        row.add(column, _("No club with this ref in the file or the database."))
        return None
    if parent.kind != "club":
        row.add(column, _("The organisation %(ref)s is not a club.", ref=parent_ref))
        return None
    return parent


# Certificates -------------------------------------------------------------------------------

STATUS_ALIASES = {"cho_xac_minh": "pending", "da_xac_minh": "active", "het_han": "expired",
                  "thu_hoi": "revoked"}
CERTIFICATE_TYPE_ALIASES = {"huuco": "organic"}


def _certificate_number_key(cert_type: str | None, number: str) -> str:
    if not cert_type:
        return number
    try:
        return credential_rules.check_certificate_number(cert_type, number)
    except credential_rules.CredentialProblem:
        return number


@handles("certificates")
def _certificates(run: _Import, rows: list[Row]) -> None:
    sheet = "certificates"
    seen: dict[str, int] = {}
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = {"product_text": "product"}
        org = run.org_for(row)
        cert_type = row.choice("type", credential_rules.CERTIFICATE_TYPES, aliases=CERTIFICATE_TYPE_ALIASES,
                               required=True, squash=True)
        number_text = row.text("number", 60, required=True)
        key = _certificate_number_key(cert_type, number_text)
        row.unique(seen, f"{cert_type}:{key}", "number")
        data = credentials.CertificateInput(
            type=cert_type or "", number=number_text, product_text=row.text("product", 200),
            stars=row.whole("stars", maximum=100), issued_on=row.date("issued_on"),
            expires_on=row.date("expires_on"), issuer=row.text("issuer", 200),
            status=row.choice("status", credential_rules.STATUSES, aliases=STATUS_ALIASES, default="pending")
            or "pending",
        )
        if cert_type is None or not number_text:
            run.mark_failed(sheet, key)
            continue
        if org is None:
            run.check_without_org(row, lambda standin, data=data: credentials.save_certificate(
                run.db, standin, data, run.user))
            run.mark_failed(sheet, key)
            continue
        existing = run.db.scalar(
            select(Certificate).where(Certificate.type == cert_type, Certificate.number == key))
        with run.savepoint(row):
            try:
                credentials.save_certificate(run.db, org, data, run.user)
            except credentials.HeldByAnother as error:
                row.add("number", _("This number is registered to another organisation (%(holder)s).",
                                    holder=_holder(error.holder)))
        if row.ok:
            run.count(sheet, existing is None)
        else:
            run.mark_failed(sheet, key)


# Planting and packing-house codes -----------------------------------------------------------

CODE_KIND_ALIASES = {"vung_trong": "growing_area", "dong_goi": "packing_house",
                     "co_so_dong_goi": "packing_house", "puc": "growing_area", "phc": "packing_house"}


@handles("planting_codes")
def _planting_codes(run: _Import, rows: list[Row]) -> None:
    sheet = "planting_codes"
    seen: dict[str, int] = {}
    for number, values in rows:
        row = run.row(sheet, number, values)
        org = run.org_for(row)
        code_text = row.text("code", 60, required=True)
        key = credential_rules.normalize_code(code_text)
        row.unique(seen, key, "code")
        kind = row.choice("kind", credential_rules.CODE_KINDS, aliases=CODE_KIND_ALIASES, required=True)
        area = row.decimal("area_ha")
        if area is not None and area >= 1e7:
            row.add("area_ha", _("That number is too large."))
            area = None
        data = credentials.PlantingCodeInput(
            code=code_text, kind=kind or "", crop=row.text("crop", 120), area_ha=area,
            commune_code=row.commune("commune_code"), markets=";".join(row.items("markets"))[:200],
            issued_on=row.date("issued_on"), valid_until=row.date("valid_until"),
            status=row.choice("status", credential_rules.STATUSES, aliases=STATUS_ALIASES, default="pending")
            or "pending",
        )
        if kind is None or not code_text:
            run.mark_failed(sheet, key)
            continue
        if org is None:
            run.check_without_org(row, lambda standin, data=data: credentials.save_planting_code(
                run.db, standin, data, run.user))
            run.mark_failed(sheet, key)
            continue
        existing = run.db.scalar(select(PlantingCode).where(PlantingCode.code == key))
        with run.savepoint(row):
            try:
                credentials.save_planting_code(run.db, org, data, run.user)
            except credentials.HeldByAnother as error:
                row.add("code", _("This code is registered to another organisation (%(holder)s).",
                                  holder=_holder(error.holder)))
        if row.ok:
            run.count(sheet, existing is None)
        else:
            run.mark_failed(sheet, key)


# Listings -----------------------------------------------------------------------------------

LISTING_FIELDS = {"certificate_ids": "certificates", "planting_code_ids": "planting_codes", "status": "ref"}


@handles("listings")
def _listings(run: _Import, rows: list[Row]) -> None:
    sheet = "listings"
    seen: dict[str, int] = {}
    categories = list(run.db.scalars(select(Category).order_by(Category.position)))
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = dict(LISTING_FIELDS)
        ref = row.text("ref", 60, required=True)
        row.unique(seen, ref, "ref")
        org = run.org_for(row)
        product_text = row.text("product", 120)
        category = _read_category(run, row, categories, product_text)
        certificate_ids = _credential_ids(run, row, org, "certificates") if org else []
        code_ids = _credential_ids(run, row, org, "planting_codes") if org else []
        price = row.raw("price_vnd")
        data = listings.ListingInput(
            product=product_text, variety=row.text("variety", 120),
            quantity=row.raw("quantity"), unit=row.text("unit", 40),
            min_order=row.raw("min_order"), price_vnd=price,
            # No negotiable column: an empty price is what a sheet says for "negotiable".
            price_negotiable=price is None,
            available_from=row.raw("available_from"), available_to=row.raw("available_to"),
            description=row.long_text("description"),
            certificate_ids=certificate_ids, planting_code_ids=code_ids, ref=ref or None, category=category,
        )
        # As given: a listing whose window is over is stored as ended, not published (nor refused).
        ended = _has_passed(row.raw("available_to"), run.today)
        if org is None:
            data.ref = None  # the stand-in must not collide with a stored listing's ref
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, data, run.user, today=run.today, publish=not ended))
            continue
        existing = listings.listing_by_ref(run.db, ref) if ref else None
        if existing is not None and existing.organization_id != org.id:
            row.add("ref", _("This listing ref belongs to another organisation (%(holder)s).",
                             holder=_holder(existing.organization)))
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, _without_ref(data), run.user, today=run.today, publish=not ended))
            continue
        listing = None
        with run.savepoint(row):
            if ended and existing is not None:
                existing.status = ENDED  # so that it is not checked as a published listing
            listing = listings.save_listing(run.db, org, data, run.user, today=run.today, listing=existing,
                                            publish=not ended)
            if ended:
                listing.status = ENDED
                run.db.flush()
        if row.ok and listing is not None:
            run.count(sheet, existing is None)
            if ended:
                row.warn("available_to", _("The available dates are over: stored as ended (not on sale, not "
                                           "searchable, not matched)."))
            _warn_kept_as_typed(row, listing)


ENDED = "expired"  # listings.rules.STATUSES and demand.rules.STATUSES: over, kept for the record


def _has_passed(value: Any, today: date) -> bool:
    """The end date in a cell is before today (a cell that is not a date is the service's to report)."""
    try:
        end = parse_date(value)
    except NotADate:
        return False
    return end is not None and end < today


def _warn_kept_as_typed(row: _Row, record: Any) -> None:
    """A listing's or request's product or unit that the catalogue lacks was kept as typed."""
    if not getattr(record.product, "in_catalogue", True):
        row.warn("product", _("Not yet in the catalogue: kept as typed and queued for staff."))
    if parse_unit(record.unit) is None:
        row.warn("unit", _("Unit kept as typed, with no conversion."))


def _without_ref(data: listings.ListingInput) -> listings.ListingInput:
    # Checking against a stand-in organisation: no ref (it would collide) and no credentials
    # (they are checked against the real organisation above).
    data.ref, data.certificate_ids, data.planting_code_ids = None, [], []
    return data


def _read_category(run: _Import, row: _Row, categories: list[Category], product_text: str) -> str | None:
    """`category` is only a check: a category that names none, or not the product's own, is
    ignored with a warning (the catalogue's category is the one used). Returns the code it names,
    if any: where a product the catalogue lacks is kept."""
    text = row.text("category")
    if not text:
        return None
    wanted = fold(text)
    category = next((c for c in categories
                     if wanted in (fold(c.code), fold(c.name_vi), fold(c.name_en))), None)
    if category is None:
        row.warn("category", _("Category ignored: it is none of %(choices)s; the product's own category "
                               "is used.", choices=", ".join(c.code for c in categories)))
        return None
    product = find_product(run.db, product_text) if product_text else None
    if product is not None and product.category_code != category.code:
        row.warn("category", _("%(product)s belongs to the category %(category)s: that category is used.",
                               product=product.name_vi, category=product.category_code))
    return category.code


def _credential_ids(run: _Import, row: _Row, org: Organization, column: str) -> list[int]:
    """Ids of the organisation's own certificates (by number) or codes (by code) named in a cell."""
    ids: list[int] = []
    for token in row.items(column):
        if column == "certificates":
            candidates = {credential_rules.normalize_code(token), re.sub(r"[\s.\-]", "", token)}
            record = run.db.scalars(select(Certificate).where(
                Certificate.organization_id == org.id, Certificate.number.in_(candidates))).first()
            failed = any(run.has_failed("certificates", c) for c in candidates)
        else:
            candidate = credential_rules.normalize_code(token)
            record = run.db.scalar(select(PlantingCode).where(
                PlantingCode.organization_id == org.id, PlantingCode.code == candidate))
            failed = run.has_failed("planting_codes", candidate)
        if record is not None:
            ids.append(record.id)
        elif failed:
            row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                              value=token, sheet=column), value=token)
        elif column == "certificates":
            row.add(column, _("%(number)s is not a certificate of this organisation, in this file or already "
                              "stored.", number=token), value=token)
        else:
            row.add(column, _("%(code)s is not a code of this organisation, in this file or already stored.",
                              code=token), value=token)
    return ids


# Demand -------------------------------------------------------------------------------------

# demand.services.save_demand's field names → the sheet's columns
DEMAND_FIELDS = {"quality_notes": "description"}
FREQUENCY_ALIASES = {
    "mot_lan": "once", "1_lan": "once", "hang_tuan": "weekly", "moi_tuan": "weekly",
    "hang_thang": "monthly", "moi_thang": "monthly", "theo_mua": "seasonal", "theo_vu": "seasonal",
}
DEMAND_CERTIFICATE_ALIASES = {"huuco": "organic"}


@handles("demand")
def _demand(run: _Import, rows: list[Row]) -> None:
    """Buyers' requests through save_demand; imported requests are open, as given (ended when
    their dates have passed)."""
    sheet = "demand"
    seen: dict[str, int] = {}
    categories = list(run.db.scalars(select(Category).order_by(Category.position)))
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = dict(DEMAND_FIELDS)
        ref = row.text("ref", 60, required=True)
        row.unique(seen, ref, "ref")
        org = run.org_for(row)
        if org is not None and org.kind not in account_rules.BUYER_KINDS:
            row.add("org_ref", _("The organisation %(ref)s is not a buyer: requests are posted by a "
                                 "business, supermarket, trader or exporter.", ref=org.ref))
            org = None
        product_text = row.text("product", 120)
        category = _read_category(run, row, categories, product_text)
        data = demand.DemandInput(
            product=product_text, variety=row.text("variety", 120),
            quantity=row.raw("quantity"), unit=row.text("unit", 40),
            needed_from=row.raw("needed_from"), needed_to=row.raw("needed_to"),
            # A frequency that is not one of ours is reported here; the service then checks the rest.
            frequency=row.choice("frequency", demand_rules.FREQUENCIES, aliases=FREQUENCY_ALIASES,
                                 default="once") or "once",
            commune_code=row.commune("commune_code"),
            price_min_vnd=row.raw("price_min_vnd"), price_max_vnd=row.raw("price_max_vnd"),
            required_certificates=_demand_certificates(row),
            min_ocop_stars=row.whole("min_ocop_stars"),
            needs_planting_code=row.yes_no("needs_planting_code"),
            export_market=row.text("export_market", 40),
            quality_notes=row.long_text("description")[:demand_rules.MAX_TEXT["quality_notes"]],  # told once
            ref=ref or None, category=category,
        )
        existing = demand.demand_by_ref(run.db, ref) if ref else None
        # (a repeated ref is reported once, as a repeat)
        if (existing is not None and org is not None and existing.organization_id != org.id
                and seen.get(ref) == number):
            row.add("ref", _("This request ref belongs to another organisation (%(holder)s).",
                             holder=_holder(existing.organization)))
            org = None
        # As given: an imported request is open (and checked as one), or ended when its dates have passed.
        status = ENDED if _has_passed(row.raw("needed_to"), run.today) else "open"
        if org is None:
            data.ref = None  # the stand-in must not collide with a stored request's ref
            run.check_without_org(row, lambda standin, data=data, status=status: demand.save_demand(
                run.db, standin, data, run.user, today=run.today, status=status))
            continue
        request = None
        with run.savepoint(row):
            request = demand.save_demand(run.db, org, data, run.user, today=run.today, demand=existing,
                                         status=status)
        if row.ok and request is not None:
            run.count(sheet, existing is None)
            if status == ENDED:
                row.warn("needed_to", _("The needed dates are over: stored as ended (not open to offers, "
                                        "not searchable, not matched)."))
            _warn_kept_as_typed(row, request)


def _demand_certificates(row: _Row) -> list[str]:
    """`VietGAP; Global GAP; hữu cơ; OCOP` → ["vietgap", "globalgap", "organic", "ocop"]; the service
    checks them (and reads `ocop` as a valid OCOP rating of min_ocop_stars, else 3 stars)."""
    kinds = []
    for token in row.items("required_certificates"):
        key = normalize_name(token).replace("_", "")
        kinds.append(DEMAND_CERTIFICATE_ALIASES.get(key, key))
    return kinds

"""The credential sheets, certificates and planting codes, imported by one handler parameterised
by a `CredentialSheet`: how a row is read, how its record is found and saved, and what a clash says.

A certificate (VietGAP, GlobalGAP, organic, OCOP with its stars) is keyed by type and number; a
planting code (growing area or packing house) by its code.

Whatever status a row gives, a credential arrives pending (unverified), as one a club enters: a
sheet is not a document anyone looked at. Only when the staff member importing ticks "I have
checked these documents" are they recorded as verified, through the verification queue's own
change_status (its "verify" event, naming the file and its hash). A record already verified stays
verified, and one staff suspended or revoked stays so (pending or active in the sheet), unless the
staff member who ticked verifies a suspended one again; suspended, revoked and expired in a sheet
take effect as given (they only take trust away). `marketplace import` without --verified-by keeps
the promised interface ("credentials with the status in their row"): its operator is staff, so a row
that says active is verified with the command and the file named, and a pending one stays pending.

A number or code held by another organisation is a row problem, with the holder named: no claim
flag is recorded for staff, since such a row stops the import, and the person importing is staff
and sees the clash in the report.
The listings sheet cites these records by number or code (`cited_ids`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from marketplace.accounts.models import Organization, User
from marketplace.credentials import rules as credential_rules
from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.imports import summaries
from marketplace.imports.cells import RowCheck
from marketplace.imports.readers import Row
from marketplace.imports.run import ImportRun, handles, holder

STATUS_ALIASES = {"cho_xac_minh": "pending", "da_xac_minh": "active", "het_han": "expired",
                  "thu_hoi": "revoked"}
CERTIFICATE_TYPE_ALIASES = {"huuco": "organic"}
CODE_KIND_ALIASES = {"vung_trong": "growing_area", "dong_goi": "packing_house",
                     "co_so_dong_goi": "packing_house", "puc": "growing_area", "phc": "packing_house"}


class Reading(NamedTuple):
    key: str  # the stored form of the number or code (what a later row or sheet refers to)
    data: Any  # the service's input
    complete: bool  # the kind and the number or code could be read: the row can be checked further


@dataclass(frozen=True)
class CredentialSheet:
    """What differs between the credential sheets; `import_credentials` does the rest."""

    name: str  # the sheet, and the listings column that cites its records
    key_column: str  # the number or the code: where a clash with another holder is reported
    read: Callable[[RowCheck, dict[str, int]], Reading]  # every cell, and the key's repeats
    stored: Callable[[Session, Any, str], Any]  # the record already stored under the key
    save: Callable[[Session, Organization, Any, User | None], Any]
    held_elsewhere: Callable[[str], str]  # the clash, naming the holder
    # How a listing cites a record: the keys a token may stand for, the column they are in, and
    # what a token that names none of the organisation's records says.
    cited_keys: Callable[[str], set[str]]
    key_attribute: InstrumentedAttribute[str]  # Certificate.number, PlantingCode.code
    not_cited: Callable[[str], str]
    field_columns: dict[str, str] = field(default_factory=dict)  # service field name → column


def import_credentials(sheet: CredentialSheet, run: ImportRun, rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for number, values in rows:
        row = run.row(sheet.name, number, values)
        row.field_columns = dict(sheet.field_columns)
        org = run.org_for(row)
        reading = sheet.read(row, seen)
        if not reading.complete:
            run.mark_failed(sheet.name, reading.key)
            continue
        if org is None:
            run.check_without_org(row, lambda standin, data=reading.data: sheet.save(
                run.db, standin, data, run.user))
            run.mark_failed(sheet.name, reading.key)
            continue
        existing = sheet.stored(run.db, reading.data, reading.key)
        asked = reading.data.status
        reading.data.status, verify = _status_to_store(run, asked, existing)
        record = None
        with run.savepoint(row):
            try:
                record = sheet.save(run.db, org, reading.data, run.user)
                if verify and record.status in credential_rules.TRANSITIONS["verify"][0]:
                    credentials.change_status(run.db, record, "verify", run.user,
                                              reason=run.verified_from.verification_reason())
            except credentials.HeldByAnother as error:
                row.add(sheet.key_column, sheet.held_elsewhere(holder(error.holder)))
        if row.ok and record is not None:
            if record.status == "pending":
                run.report.credentials_pending += 1
            elif verify and record.status == "active":
                run.report.credentials_verified += 1
            run.stored(row, existing is None, reading.key, summaries.credential(record, asked))
        else:
            run.mark_failed(sheet.name, reading.key)


def _status_to_store(run: ImportRun, asked: str, existing) -> tuple[str, bool]:
    """The status to save the row with, and whether to verify it then (staff who ticked the box)."""
    if asked not in ("pending", "active"):
        return asked, False  # suspended, revoked, expired: as given
    if existing is not None and existing.status == "active":
        return "active", False  # verified before: a re-import neither undoes nor repeats it
    if existing is not None and existing.status in ("suspended", "revoked"):
        # Staff decided: a sheet does not lift it. Staff who checked the documents may verify a
        # suspended one again, as in the queue; a revoked one stays revoked.
        return existing.status, run.verified_from is not None and existing.status == "suspended"
    if run.verified_from is not None and run.verified_from.by_operator:
        return "pending", asked == "active"  # the command line: the row's status, as promised
    return "pending", run.verified_from is not None


def cited_ids(run: ImportRun, row: RowCheck, org: Organization, sheet: CredentialSheet,
              shared: list | None = None) -> list[int]:
    """Ids of the organisation's own certificates (by number) or codes (by code) named in the
    listing's cell of that name; `shared`: codes it may use besides its own (its cooperative's)."""
    column = sheet.name
    model = sheet.key_attribute.class_  # Certificate or PlantingCode
    ids: list[int] = []
    for token in row.items(column):
        keys = sheet.cited_keys(token)
        record = run.db.scalars(select(model).where(
            model.organization_id == org.id, sheet.key_attribute.in_(keys))).first()
        record = record or next((c for c in shared or () if getattr(c, sheet.key_attribute.key) in keys), None)
        if record is not None:
            ids.append(record.id)
        elif any(run.has_failed(column, key) for key in keys):
            row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                              value=token, sheet=column), value=token)
        else:
            row.add(column, sheet.not_cited(token), value=token)
    return ids


def _status(row: RowCheck) -> str:
    return row.choice("status", credential_rules.STATUSES, aliases=STATUS_ALIASES, default="pending") or "pending"


# Certificates -------------------------------------------------------------------------------

def _certificate_number_key(cert_type: str | None, number: str) -> str:
    if not cert_type:
        return number
    try:
        return credential_rules.check_certificate_number(cert_type, number)
    except credential_rules.CredentialProblem:
        return number


def _read_certificate(row: RowCheck, seen: dict[str, int]) -> Reading:
    cert_type = row.choice("type", credential_rules.CERTIFICATE_TYPES, aliases=CERTIFICATE_TYPE_ALIASES,
                           required=True, squash=True)
    number_text = row.text("number", 60, required=True)
    key = _certificate_number_key(cert_type, number_text)
    row.unique(seen, f"{cert_type}:{key}", "number")
    data = credentials.CertificateInput(
        type=cert_type or "", number=number_text, product_text=row.text("product", 200),
        stars=row.whole("stars", maximum=100), issued_on=row.date("issued_on"),
        expires_on=row.date("expires_on"), issuer=row.text("issuer", 200), status=_status(row),
    )
    return Reading(key, data, cert_type is not None and bool(number_text))


CERTIFICATES = CredentialSheet(
    name="certificates", key_column="number", read=_read_certificate,
    stored=lambda db, data, key: db.scalar(
        select(Certificate).where(Certificate.type == data.type, Certificate.number == key)),
    save=credentials.save_certificate,
    held_elsewhere=lambda name: _("This number is registered to another organisation (%(holder)s).",
                                  holder=name),
    cited_keys=lambda token: {credential_rules.normalize_code(token), re.sub(r"[\s.\-]", "", token)},
    key_attribute=Certificate.number,
    not_cited=lambda token: _("%(number)s is not a certificate of this organisation, in this file or "
                              "already stored.", number=token),
    field_columns={"product_text": "product"},
)


# Planting and packing-house codes -----------------------------------------------------------

def _read_planting_code(row: RowCheck, seen: dict[str, int]) -> Reading:
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
        issued_on=row.date("issued_on"), valid_until=row.date("valid_until"), status=_status(row),
    )
    return Reading(key, data, kind is not None and bool(code_text))


PLANTING_CODES = CredentialSheet(
    name="planting_codes", key_column="code", read=_read_planting_code,
    stored=lambda db, data, key: db.scalar(select(PlantingCode).where(PlantingCode.code == key)),
    save=credentials.save_planting_code,
    held_elsewhere=lambda name: _("This code is registered to another organisation (%(holder)s).",
                                  holder=name),
    cited_keys=lambda token: {credential_rules.normalize_code(token)},
    key_attribute=PlantingCode.code,
    not_cited=lambda token: _("%(code)s is not a code of this organisation, in this file or already stored.",
                              code=token),
)


handles(CERTIFICATES.name)(partial(import_credentials, CERTIFICATES))
handles(PLANTING_CODES.name)(partial(import_credentials, PLANTING_CODES))

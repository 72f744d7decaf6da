"""Use cases for credentials: entering them, staff verification, expiry, and what counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.credentials import history, rules
from marketplace.credentials.models import Certificate, CodeClaimFlag, CredentialEvent, CredentialScan, PlantingCode
from marketplace.db import utcnow
from marketplace.errors import PermissionDenied, ValidationError, or_404
from marketplace.markets import read_markets
from marketplace.products.services import find_product
from marketplace.validation import FieldProblems

PROBLEM_MESSAGES = {
    "code_empty": _l("Enter the code."),
    "code_too_long": _l("The code is too long (at most 40 characters)."),
    "code_characters": _l("A code has only letters, digits and dashes, e.g. VN-DTOR-0017."),
    "code_export_format": _l("An export code looks like VN-DTOR-0017 (orchard) or VN-DTPH-0001 (packing house)."),
    "code_kind_packing": _l("This is a packing-house code (…PH…): choose “Packing-house code” as its kind."),
    "code_kind_orchard": _l("This is a planting area code (…OR…): choose “Planting area code” as its kind."),
    "type_unknown": _l("Choose VietGAP, GlobalGAP, organic or OCOP."),
    "number_empty": _l("Enter the certificate number."),
    "number_too_long": _l("The number is too long (at most 60 characters)."),
    "ggn_format": _l("A GlobalGAP number (GGN) has exactly 13 digits."),
    "expiry_before_issue": _l("The expiry date must be after the issue date."),
    "vietgap_too_long": _l("A VietGAP certificate is valid for at most 2 years."),
    "stars_range": _l("OCOP stars go from 1 to 5."),
    "transition_not_allowed": _l("That change is not possible from the current status."),
    "reason_required": _l("Give a reason: the organisation will see it."),
    "code_held": _l("This code is registered to another organisation. Staff have been told; "
                    "contact them if it is yours."),
    "certificate_held": _l("This certificate number is registered to another organisation. Staff have "
                           "been told; contact them if it is yours."),
    "kind_unknown": _l("Choose “Planting area code” or “Packing-house code”."),
    "area_negative": _l("The area cannot be negative."),
    "area_too_large": _l("The area is too large: enter it in hectares."),
    "decided_by_staff": _l("Staff have suspended or revoked this one. Contact them to have it checked again."),
    "markets_too_many": _l("Too many markets for one credential."),
    "number_entered_twice": _l("You have already entered a certificate with this number."),
    "code_entered_twice": _l("You have already entered this code."),
    "resolution_unknown": _l("Choose “borrowing confirmed” or “a mistake”."),
    "note_required": _l("Write a note: why you decided so."),
    "flag_resolved": _l("This flag was already resolved by another staff member."),
}
FLAG_RESOLUTIONS = ("confirmed", "cleared")


def problem(field: str, key: str) -> ValidationError:
    return ValidationError(str(_l("Some fields need attention.")),
                           fields={field: [str(PROBLEM_MESSAGES[key])]})


class HeldByAnother(ValidationError):
    """The number or code belongs to another organisation; the caller records a flag for staff."""

    def __init__(self, field: str, key: str, code: str, holder: Organization) -> None:
        super().__init__(str(_l("Some fields need attention.")), fields={field: [str(PROBLEM_MESSAGES[key])]})
        self.code = code
        self.holder = holder


@dataclass
class CertificateInput:
    type: str
    number: str
    product_text: str = ""
    stars: int | None = None
    level: str = ""
    issuer: str = ""
    scope: str = ""
    area_ha: float | None = None
    markets: str = ""  # as typed or as codes: read by markets.read_markets
    issued_on: date | None = None
    expires_on: date | None = None
    status: str = "pending"
    scan: CredentialScan | None = None  # a new scan; None keeps the one it has


@dataclass
class PlantingCodeInput:
    code: str
    kind: str
    crop: str = ""
    variety: str = ""
    area_ha: float | None = None
    households: int | None = None
    commune_code: str | None = None
    markets: str = ""  # as typed or as codes: read by markets.read_markets
    issuer: str = ""
    issued_on: date | None = None
    valid_until: date | None = None
    status: str = "pending"
    scan: CredentialScan | None = None


def _check(field: str, check, *args):
    try:
        return check(*args)
    except rules.CredentialProblem as error:
        raise problem(field, error.key) from error


class _Problems(FieldProblems):
    """Every problem of one credential, gathered before anything is stored."""

    def __init__(self) -> None:
        super().__init__(PROBLEM_MESSAGES)

    def check(self, field: str, check, *args):
        try:
            return check(*args)
        except rules.CredentialProblem as error:
            self.add(field, error.key)
            return None

    def say(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


MAX_AREA_HA = 100_000  # larger than any province's orchards; the column holds 10 digits


def unknown_markets_message(unknown: list[str]) -> str:
    return str(_l("Not a market we know: %(names)s. Choose from the list, or write a country's name or code "
                  "(Trung Quốc, Mỹ, CN, US, EU).", names=", ".join(f"“{name}”" for name in unknown)))


def _read_evidence(problems: _Problems, data) -> str:
    """Checks what both kinds share (area, markets); the markets as stored ("CN;US")."""
    if data.area_ha is not None and not 0 <= data.area_ha <= MAX_AREA_HA:
        problems.add("area_ha", "area_negative" if data.area_ha < 0 else "area_too_large")
    found, unknown = read_markets(data.markets)
    if unknown:
        problems.say("markets", unknown_markets_message(unknown))
    stored = ";".join(found)
    if len(stored) > 200:
        problems.add("markets", "markets_too_many")
    return stored


def certificate_problems(data: CertificateInput) -> dict[str, list[str]]:
    """Every rule a certificate breaks, by field, translated (nothing is looked up or stored)."""
    return _check_certificate(data)[0].fields


def _check_certificate(data: CertificateInput):
    problems = _Problems()
    number = stars = None
    if data.type not in rules.CERTIFICATE_TYPES:
        problems.add("type", "type_unknown")  # the type is wrong, not the number
    else:
        number = problems.check("number", rules.check_certificate_number, data.type, data.number)
        stars = problems.check("stars", rules.check_stars, data.type, data.stars)
    expires_on = data.expires_on or rules.default_expiry(data.type, data.issued_on)
    problems.check("expires_on", rules.check_dates, data.type, data.issued_on, expires_on)
    if data.status not in rules.STATUSES:
        problems.add("status", "transition_not_allowed")
    markets = _read_evidence(problems, data)
    return problems, number, stars, expires_on, markets


def _attach_scan(credential, scan: CredentialScan | None, org: Organization) -> None:
    """A new scan replaces the one the credential had; only the holder's own scans may be attached."""
    if scan is not None:
        if scan.organization_id != org.id:
            raise PermissionDenied(str(_l("You do not have permission to do that.")))
        credential.scan = scan


def _refuse_undoing_staff(credential, user: User | None, field: str) -> None:
    """A club entering a suspended or revoked credential again must not reset it to pending:
    only staff (or an import, run by staff) change what staff decided."""
    if credential.id is None or credential.status not in ("suspended", "revoked"):
        return
    if user is None or user.is_staff:
        return
    raise problem(field, "decided_by_staff")


def save_certificate(db: Session, org: Organization, data: CertificateInput, user: User | None,
                     existing: Certificate | None = None) -> Certificate:
    """Create (or update: an import re-run, or the club editing `existing`) a certificate after
    checking every rule; every problem is reported at once."""
    problems, number, stars, expires_on, markets = _check_certificate(data)
    problems.raise_if_any()
    other = db.scalar(select(Certificate).where(Certificate.type == data.type, Certificate.number == number))
    if other is not None and other.organization_id != org.id:
        raise HeldByAnother("number", "certificate_held", number, other.organization)
    if existing is not None and other is not None and other is not existing:
        raise problem("number", "number_entered_twice")
    certificate = existing or other or Certificate(organization=org, type=data.type, number=number)
    _refuse_undoing_staff(certificate, user, "number")
    new = certificate.id is None  # decided now: the product lookup below autoflushes and assigns an id
    if new:
        db.add(certificate)
    certificate.type, certificate.number = data.type, number
    product = find_product(db, data.product_text) if data.product_text else None
    certificate.product_text, certificate.product = data.product_text.strip(), product
    certificate.stars = stars
    certificate.level = data.level or (rules.OCOP_LEVELS.get(stars, "") if stars else "")
    certificate.issuer, certificate.scope = data.issuer.strip(), data.scope.strip()
    certificate.area_ha, certificate.markets = data.area_ha, markets
    _record_date_change(db, certificate, (certificate.issued_on, certificate.expires_on), (data.issued_on, expires_on),
                        user, new=new)
    certificate.issued_on, certificate.expires_on = data.issued_on, expires_on
    _attach_scan(certificate, data.scan, org)
    _set_status(db, certificate, data.status, user, action="entered", new=new)
    db.flush()
    return certificate


def planting_code_problems(data: PlantingCodeInput) -> dict[str, list[str]]:
    """Every rule a code breaks, by field, translated (nothing is looked up or stored)."""
    return _check_planting_code(data)[0].fields


def _check_planting_code(data: PlantingCodeInput):
    problems = _Problems()
    code = None
    if data.kind not in rules.CODE_KINDS:
        problems.add("kind", "kind_unknown")
        code = problems.check("code", rules.check_planting_code, data.code, "")  # the code's own problems too
    else:
        code = problems.check("code", rules.check_planting_code, data.code, data.kind)
    if data.status not in rules.STATUSES:
        problems.add("status", "transition_not_allowed")  # as save_certificate: no unknown status
    if data.issued_on and data.valid_until:
        problems.check("valid_until", rules.check_dates, "code", data.issued_on, data.valid_until)
    markets = _read_evidence(problems, data)
    return problems, code, markets


def save_planting_code(db: Session, org: Organization, data: PlantingCodeInput, user: User | None,
                       existing: PlantingCode | None = None) -> PlantingCode:
    """Create or update a code (the same code entered again, or the club editing `existing`)."""
    problems, code, markets = _check_planting_code(data)
    problems.raise_if_any()
    record = db.scalar(select(PlantingCode).where(PlantingCode.code == code))
    if record is not None and record.organization_id != org.id:
        raise HeldByAnother("code", "code_held", code, record.organization)
    if existing is not None and record is not None and record is not existing:
        raise problem("code", "code_entered_twice")
    record = existing or record
    if record is not None:
        _refuse_undoing_staff(record, user, "code")
    new = record is None
    if new:
        record = PlantingCode(organization=org, code=code)
        db.add(record)
    record.code = code
    record.kind, record.crop, record.variety = data.kind, data.crop.strip(), data.variety.strip()
    record.product = find_product(db, data.crop) if data.crop else None
    record.area_ha, record.households = data.area_ha, data.households
    record.commune_code = data.commune_code or record.commune_code or org.commune_code
    record.markets, record.issuer = markets, data.issuer.strip()
    _record_date_change(db, record, (record.issued_on, record.valid_until), (data.issued_on, data.valid_until), user,
                        new=new)
    record.issued_on, record.valid_until = data.issued_on, data.valid_until
    _attach_scan(record, data.scan, org)
    _set_status(db, record, data.status, user, action="entered", new=new)
    db.flush()
    return record


def flag_claim(db: Session, error: HeldByAnother, claimant: Organization, user: User | None) -> CodeClaimFlag:
    """Record for staff that `claimant` tried to enter what `error.holder` holds (code borrowing);
    once while a flag for the same code, holder and claimant is still open (a form sent again)."""
    open_flag = db.scalar(select(CodeClaimFlag).where(
        CodeClaimFlag.code == error.code, CodeClaimFlag.holder_id == error.holder.id,
        CodeClaimFlag.claimant_id == claimant.id, CodeClaimFlag.resolved_at.is_(None)).limit(1))
    if open_flag is not None:
        return open_flag
    flag = CodeClaimFlag(code=error.code, holder_id=error.holder.id, claimant_id=claimant.id,
                         claimed_by_id=user.id if user else None)
    db.add(flag)
    db.flush()
    return flag


def _record_date_change(db: Session, credential, before: tuple[date | None, date | None],
                        after: tuple[date | None, date | None], user: User | None, *, new: bool) -> None:
    """A stored credential's dates change (a renewal, a correction): an event of action "dates"
    keeps the issue and end dates before, so history.validity_on reads the dates in force on a
    past day. `before` and `after` are (issued_on, end date)."""
    if new or credential.id is None or before == after:
        return
    event = CredentialEvent(actor_id=user.id if user else None, action=history.DATES,
                            from_status=credential.status, to_status=credential.status,
                            issued_on_before=before[0], valid_until_before=before[1])
    if isinstance(credential, Certificate):
        event.certificate_id = credential.id
    else:
        event.planting_code_id = credential.id
    db.add(event)
    db.flush()


def _set_status(db: Session, credential, status: str, user: User | None, *, action: str, reason: str = "",
                new: bool = False) -> None:
    """`new`: the credential is being created, so its entry is recorded even when a flush has
    already given it an id and the default status."""
    if not new and credential.id is not None and credential.status == status and action == "entered":
        return
    previous = "" if new or credential.id is None else credential.status
    credential.status, credential.status_reason = status, reason
    if status == "active":
        credential.verified_by_id = user.id if user else None
        credential.verified_at = utcnow()
    db.flush()
    event = CredentialEvent(actor_id=user.id if user else None, action=action,
                            from_status=previous or "", to_status=status, reason=reason)
    if isinstance(credential, Certificate):
        event.certificate_id = credential.id
    else:
        event.planting_code_id = credential.id
    db.add(event)


def change_status(db: Session, credential, action: str, user: User, reason: str = "") -> None:
    """Staff verify, suspend, revoke or reject; a reason is required except to verify."""
    if action not in rules.TRANSITIONS:
        raise problem("action", "transition_not_allowed")
    if action in rules.ACTIONS_NEEDING_REASON and not reason.strip():
        raise problem("reason", "reason_required")
    target = _check("action", rules.next_status, credential.status, action)
    _set_status(db, credential, target, user, action=action, reason=reason.strip())
    db.flush()


def expire_due(db: Session, today: date) -> int:
    """Mark active credentials past their end date as expired (validity already says so)."""
    count = 0
    for model, column in ((Certificate, Certificate.expires_on), (PlantingCode, PlantingCode.valid_until)):
        for credential in db.scalars(select(model).where(model.status == "active", column < today)):
            _set_status(db, credential, "expired", None, action="expire")
            count += 1
    db.flush()
    return count


def get_credential(db: Session, kind: str, credential_id: int):
    model = {"certificate": Certificate, "code": PlantingCode}.get(kind)
    return or_404(db.get(model, credential_id) if model else None, str(_l("We could not find that credential.")))


def certificates_of(db: Session, org: Organization) -> list[Certificate]:
    return list(db.scalars(select(Certificate).where(Certificate.organization_id == org.id)
                           .order_by(Certificate.type, Certificate.expires_on.desc())))


def holder_of_code(db: Session, code: str) -> Organization | None:
    """Who holds this code (normalised), if anyone."""
    record = db.scalar(select(PlantingCode).where(PlantingCode.code == code))
    return record.organization if record is not None else None


def codes_of(db: Session, org: Organization) -> list[PlantingCode]:
    return list(db.scalars(select(PlantingCode).where(PlantingCode.organization_id == org.id)
                           .order_by(PlantingCode.kind, PlantingCode.code)))


def pending(db: Session) -> tuple[list[Certificate], list[PlantingCode]]:
    return (list(db.scalars(select(Certificate).where(Certificate.status == "pending").order_by(Certificate.id))),
            list(db.scalars(select(PlantingCode).where(PlantingCode.status == "pending").order_by(PlantingCode.id))))


def open_flags(db: Session) -> list[CodeClaimFlag]:
    return list(db.scalars(select(CodeClaimFlag).where(CodeClaimFlag.resolved_at.is_(None))
                           .order_by(CodeClaimFlag.created_at.desc())))


def resolved_flags(db: Session, limit: int = 100) -> list[CodeClaimFlag]:
    """Flags staff resolved, newest first: they leave the open list but stay in its history."""
    return list(db.scalars(select(CodeClaimFlag).where(CodeClaimFlag.resolved_at.is_not(None))
                           .order_by(CodeClaimFlag.resolved_at.desc(), CodeClaimFlag.id.desc()).limit(limit)))


def get_flag(db: Session, flag_id: int) -> CodeClaimFlag:
    return or_404(db.get(CodeClaimFlag, flag_id), str(_l("We could not find that flag.")))


def _flagged_credential(db: Session, flag: CodeClaimFlag):
    """The holder's code, or certificate, that the flag names."""
    code = db.scalar(select(PlantingCode).where(PlantingCode.code == flag.code,
                                                PlantingCode.organization_id == flag.holder_id))
    return code or db.scalar(select(Certificate).where(Certificate.number == flag.code,
                                                       Certificate.organization_id == flag.holder_id))


def resolve_flag(db: Session, flag: CodeClaimFlag, resolution: str, note: str, staff: User) -> CodeClaimFlag:
    """Staff decide a code-borrowing flag with a note: "confirmed" (the code was lent: the holder's
    code is suspended through change_status, with the note as its reason, which re-indexes its
    listings) or "cleared" (a mistake). The flag row is locked: of two staff resolving it at once,
    the second is told it is done."""
    note = (note or "").strip()
    problems = _Problems()
    if resolution not in FLAG_RESOLUTIONS:
        problems.add("resolution", "resolution_unknown")
    if not note:
        problems.add("note", "note_required")
    problems.raise_if_any()
    locked = db.scalar(select(CodeClaimFlag).where(CodeClaimFlag.id == flag.id).with_for_update()
                       .execution_options(populate_existing=True))
    if locked is None or locked.resolved_at is not None:
        raise problem("resolution", "flag_resolved")
    if resolution == "confirmed":
        credential = _flagged_credential(db, locked)
        if credential is not None and credential.status == "active":
            change_status(db, credential, "suspend", staff, note)
    locked.resolution, locked.note = resolution, note
    locked.resolved_by_id, locked.resolved_at = staff.id, utcnow()
    db.flush()
    return locked


def ocop_stars(certificates: list[Certificate], day: date) -> int | None:
    """Stars of the best valid OCOP rating on that day, else None (an expired rating shows nothing)."""
    stars = [c.stars for c in certificates if c.type == "ocop" and c.validity_on(day).valid]
    return max(stars) if stars else None

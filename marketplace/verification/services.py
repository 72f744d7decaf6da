"""Use cases of an organisation's verification. The only place that sets `Organization.verified`:
the board submits its founding decision, staff verify, suspend or reject it with a reason, a buyer
is verified against its tax code, and a rename sends a verified organisation back to staff. Every
status change writes an OrganizationEvent. Services flush, never commit."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import CredentialScan
from marketplace.dates import VIETNAM, as_utc
from marketplace.db import utcnow
from marketplace.errors import PermissionDenied, ValidationError, or_404
from marketplace.verification import rules
from marketplace.verification.models import OrganizationEvent, OrganizationRecord

PROBLEM_MESSAGES = {
    "number_empty": _l("Enter the decision's number, e.g. 125/QĐ-UBND."),
    "number_too_long": _l("The number is too long (at most 60 characters)."),
    "date_empty": _l("Enter the date of the decision (dd/mm/yyyy)."),
    "date_future": _l("The date of the decision cannot be in the future."),
    "commune_empty": _l("Pick the commune or ward that issued the decision from the list."),
    "scan_missing": _l("Add a scan or photo of the decision (PDF, JPEG or PNG)."),
    "transition_not_allowed": _l("That change is not possible from the current status."),
    "reason_required": _l("Give a reason: the organisation will see it."),
    "not_a_club": _l("Only clubs and cooperatives are verified against a founding decision."),
    "not_a_buyer": _l("Only buyers are verified this way."),
    "changed_since_seen": _l("The organisation changed its details after you opened this page. Look at them "
                             "again, then decide."),
}


def _problem(field: str, key: str) -> ValidationError:
    return ValidationError(str(_l("Some fields need attention.")), fields={field: [str(PROBLEM_MESSAGES[key])]})


def record_of(db: Session, org: Organization, *, lock: bool = False) -> OrganizationRecord | None:
    stmt = select(OrganizationRecord).where(OrganizationRecord.organization_id == org.id)
    return db.scalar(stmt.with_for_update() if lock else stmt)


def _lock_org(db: Session, org: Organization) -> None:
    """Two first submits (a double tap, two board members) wait for each other here, so the second
    finds the record the first created instead of making another."""
    db.scalar(select(Organization.id).where(Organization.id == org.id).with_for_update())


def _log(db: Session, record: OrganizationRecord, actor: User | None, action: str, previous: str,
         reason: str = "") -> None:
    db.add(OrganizationEvent(organization_id=record.organization_id, actor_id=actor.id if actor else None,
                             action=action, from_status=previous, to_status=record.status, reason=reason))


def _set_status(db: Session, record: OrganizationRecord, org: Organization, status: str, actor: User | None,
                action: str, reason: str = "", *, verified_at: datetime | None = None) -> None:
    previous = record.status if record.id is not None else ""
    record.status, record.status_reason = status, reason
    if status == "active":
        record.verified_by_id = actor.id if actor else None
        record.verified_at = verified_at or utcnow()
    org.verified = rules.badge_on(status)
    db.flush()
    _log(db, record, actor, action, previous, reason)
    db.flush()


def _new_record(db: Session, org: Organization) -> OrganizationRecord:
    record = OrganizationRecord(organization_id=org.id, status="pending")
    db.add(record)
    return record


def submit_decision(db: Session, org: Organization, decision: rules.Decision, scan: CredentialScan | None,
                    user: User, *, today: date) -> OrganizationRecord:
    """The board enters or corrects its founding decision. The first one creates the record, pending;
    a change to a verified (or rejected, or suspended) one sends it back to staff, the badge off."""
    if org.kind not in rules.DECISION_KINDS:
        raise _problem("number", "not_a_club")
    if scan is not None and scan.organization_id != org.id:
        raise PermissionDenied(str(_l("You do not have permission to do that.")))
    _lock_org(db, org)
    record = record_of(db, org, lock=True)
    problems = {field: [str(PROBLEM_MESSAGES[key])] for field, key in rules.decision_problems(decision, today).items()}
    if scan is None and (record is None or record.scan_id is None):
        problems["scan"] = [str(PROBLEM_MESSAGES["scan_missing"])]
    if problems:
        raise ValidationError(str(_l("Some fields need attention.")), fields=problems)
    new = record is None
    if new:
        record = _new_record(db, org)
    before = rules.Decision(record.decision_number or "", record.decision_date, record.issuing_commune_code,
                            record.issuer or "")
    changed = new or rules.decision_changed(before, decision) or (scan is not None and scan.id != record.scan_id)
    record.decision_number, record.decision_date = decision.number, decision.decided_on
    record.issuing_commune_code, record.issuer = decision.commune_code, decision.issuer.strip()
    if scan is not None:
        record.scan = scan
    # Sending it again unchanged after staff rejected or suspended it asks them to look again.
    if changed or record.status in ("rejected", "suspended"):
        _set_status(db, record, org, "pending", user, "submit")
    db.flush()
    return record


def version_of(org: Organization, record: OrganizationRecord) -> str:
    """What staff decide on, as one value their form carries back (see rules.seen_version)."""
    return rules.seen_version(org.name, org.kind, org.tax_code, record.decision_number, record.decision_date,
                              record.issuing_commune_code, record.issuer, record.scan_id, record.status)


def decide(db: Session, org: Organization, action: str, staff: User, reason: str = "", *,
           seen: str | None = None) -> OrganizationRecord:
    """Staff verify, suspend or reject (a reason required to suspend or reject); the badge follows.
    `seen`: version_of what the staff member's page showed; refused if the record changed since."""
    reason = (reason or "").strip()[: rules.MAX_REASON]
    _lock_org(db, org)
    record = record_of(db, org, lock=True)
    if record is None:
        raise _problem("action", "transition_not_allowed")
    if seen is not None and seen != version_of(org, record):
        raise _problem("action", "changed_since_seen")
    try:
        target, logged = rules.next_status(record.status, action, reason)
    except rules.VerificationProblem as error:
        raise _problem("reason" if error.key == "reason_required" else "action", error.key) from error
    _set_status(db, record, org, target, staff, logged, reason)
    return record


def verify_buyer(db: Session, org: Organization, staff: User | None, reason: str) -> OrganizationRecord:
    """A buyer checked against its tax code (the caller stored it): verified, with the same log;
    `reason` says what was checked."""
    if org.kind not in rules.BUYER_KINDS:
        raise PermissionDenied(str(PROBLEM_MESSAGES["not_a_buyer"]))
    _lock_org(db, org)
    record = record_of(db, org, lock=True) or _new_record(db, org)
    if record.status != "active":
        _set_status(db, record, org, "active", staff, "verify" if record.status != "suspended" else "reinstate",
                    reason)
    return record


def identity_changed(db: Session, org: Organization, user: User | None, changed: dict[str, tuple]) -> None:
    """The organisation's name or kind changed (accounts calls this through its hook): what staff
    verified was another name, so a verified record goes back to pending, the badge off."""
    record = record_of(db, org, lock=True)
    if record is None or record.status != "active":
        return
    _set_status(db, record, org, "pending", user, "recheck", rules.recheck_reason(changed))


def events_of(db: Session, org: Organization) -> list[OrganizationEvent]:
    return list(db.scalars(select(OrganizationEvent).where(OrganizationEvent.organization_id == org.id)
                           .order_by(OrganizationEvent.created_at.desc(), OrganizationEvent.id.desc())))


def queue(db: Session, kind: str | None = None) -> list[OrganizationRecord]:
    """Every record, pending first (oldest first: they wait longest), then the others by organisation."""
    stmt = select(OrganizationRecord).join(Organization, OrganizationRecord.organization_id == Organization.id)
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    records = list(db.scalars(stmt.order_by(OrganizationRecord.updated_at, OrganizationRecord.id)))
    return sorted(records, key=lambda r: (r.status != "pending", r.status, r.organization.name.lower()
                                          if r.status != "pending" else ""))


def verified_dates(db: Session, org_ids: list[int]) -> dict[int, date | None]:
    """The day staff verified each of these organisations that is verified (None: before the log was
    kept), in one query, for lists."""
    if not org_ids:
        return {}
    rows = db.execute(select(OrganizationRecord.organization_id, OrganizationRecord.verified_at)
                      .where(OrganizationRecord.organization_id.in_(org_ids), OrganizationRecord.status == "active"))
    return {org_id: verified_on(at) for org_id, at in rows}


def verified_on(moment: datetime | None) -> date | None:
    """The day in Vietnam a verification was made (None: before the log was kept)."""
    return as_utc(moment).astimezone(VIETNAM).date() if moment else None


def attached_scans():
    """The scans founding decisions hold (credentials' clean-up of staged scans leaves them)."""
    return select(OrganizationRecord.scan_id).where(OrganizationRecord.scan_id.is_not(None))


def get_org(db: Session, org_id: int) -> Organization:
    return accounts.get_organization(db, org_id)


def get_record(db: Session, org: Organization) -> OrganizationRecord:
    return or_404(record_of(db, org), str(_l("Nothing has been submitted for this organisation yet.")))


def register(hooks: list) -> None:
    """Accounts calls identity_changed on a rename without importing this package."""
    if identity_changed not in hooks:
        hooks.append(identity_changed)

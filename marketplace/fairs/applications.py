"""Booth applications: applying, staff deciding (approve, waitlist, decline), withdrawing, and a
booth confirmed once paid (or at once when free).

Every change of status is a conditional UPDATE on the status the change expects, so of two clicks
(or a click and a payment) one wins and the other is told the application changed. A booth is held
by `BoothKind.given`, moved only by `UPDATE … SET given = given + 1 WHERE id = … AND given < count`
(its opposite gives it back): however many approvals run at once, no more booths are given than
exist. The application's row is always changed before the booth kind's, so two transactions never
wait on each other's locks in opposite orders. An approval that finds no booth left puts the
application on the waitlist (from where staff approve it when a booth comes back).

Services take the session, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.accounts.rules import normalize_phone
from marketplace.db import utcnow
from marketplace.errors import Conflict, ValidationError
from marketplace.fairs import notices, rules
from marketplace.fairs.messages import FIELD_MESSAGES, REFUSALS
from marketplace.fairs.models import BoothApplication, BoothApplicationListing, BoothKind, Fair
from marketplace.formatting import day as day_text
from marketplace.listings.models import Listing
from marketplace.validation import FieldProblems
from marketplace.vietnamese import clean, clean_message, nfc

NUMBER_ATTEMPTS = 20


def as_written(text: str | None) -> str:
    """Free text of several lines (products, a note, a reason), kept as typed but for control
    characters."""
    return nfc(clean_message(text))


@dataclass
class ApplicationInput:
    booth_kind_id: int | None = None
    listing_ids: list[int] = field(default_factory=list)
    products_text: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    note: str = ""


def own_listings(db: Session, org_id: int) -> list[Listing]:
    """The organisation's listings on sale, the ones it can say it brings."""
    return list(db.scalars(select(Listing).where(Listing.organization_id == org_id, Listing.status == "published")
                           .order_by(Listing.id)))


def application_of(db: Session, fair_id: int, org_id: int) -> BoothApplication | None:
    return db.scalar(select(BoothApplication).where(BoothApplication.fair_id == fair_id,
                                                    BoothApplication.org_id == org_id))


def refusal(fair: Fair, org: Organization | None, existing: BoothApplication | None, today: date) -> str | None:
    """Why `org` cannot apply for this fair now, in words, or None."""
    key = rules.application_problem(status=fair.status, starts_on=fair.starts_on, fair_apply_by=fair.apply_by,
                                    today=today, org_kind=org.kind if org else None,
                                    has_open_application=existing is not None and existing.status in rules.OPEN)
    if key is None:
        return None
    return str(REFUSALS[key]) % {"day": day_text(rules.apply_by(fair.apply_by, fair.starts_on))}


def apply(db: Session, fair: Fair, org: Organization, user: User, data: ApplicationInput,
          today: date) -> BoothApplication:
    """The organisation's application (every problem of the form at once; nothing stored with one)."""
    existing = application_of(db, fair.id, org.id)
    why = refusal(fair, org, existing, today)
    if why:
        raise Conflict(why)
    problems = FieldProblems(FIELD_MESSAGES)
    kinds = {kind.id: kind for kind in fair.booth_kinds}
    own = {listing.id for listing in own_listings(db, org.id)}
    picked = sorted(set(data.listing_ids))
    if any(listing_id not in own for listing_id in picked):
        problems.add("listing_ids", "not_your_listing")
    texts = {"products_text": as_written(data.products_text), "contact_name": clean(data.contact_name),
             "contact_phone": clean(data.contact_phone), "note": as_written(data.note)}
    phone = normalize_phone(texts["contact_phone"])
    problems.merge(rules.check_application(
        booth_kind_ok=data.booth_kind_id in kinds, contact_name=texts["contact_name"],
        contact_phone=texts["contact_phone"], phone_ok=phone is not None, listing_count=len(picked),
        texts=texts))
    problems.raise_if_any()
    application = existing or BoothApplication(fair_id=fair.id, org_id=org.id)
    application.booth_kind_id = data.booth_kind_id
    application.applied_by_id = user.id
    application.status, application.reason, application.booth_number = "applied", "", None
    application.decided_by_id = application.decided_at = application.paid_at = None
    application.payment_method = application.payment_reference = None
    application.fee_vnd = 0
    application.contact_name, application.contact_phone = texts["contact_name"], phone
    application.products_text, application.note = texts["products_text"], texts["note"]
    application.listings = [BoothApplicationListing(listing_id=listing_id) for listing_id in picked]
    try:
        with db.begin_nested():
            db.add(application)
            db.flush()
    except IntegrityError:
        raise Conflict(str(REFUSALS["already_applied"])) from None  # the same organisation, a moment ago
    notices.applied(db, application, fair, org)
    return application


def _move(db: Session, application: BoothApplication, expected: str, new: str, **values) -> bool:
    """expected → new, only when the application is still as expected."""
    done = db.execute(update(BoothApplication)
                      .where(BoothApplication.id == application.id, BoothApplication.status == expected)
                      .values(status=new, updated_at=utcnow(), **values)
                      .execution_options(synchronize_session=False)).rowcount
    return bool(done)


def _changed() -> Conflict:
    return Conflict(str(REFUSALS["changed"]))


def hold_booth(db: Session, kind_id: int) -> bool:
    """One more booth of this kind given, if one is left (the row count decides: nothing is read)."""
    done = db.execute(update(BoothKind).where(BoothKind.id == kind_id, BoothKind.given < BoothKind.count)
                      .values(given=BoothKind.given + 1).execution_options(synchronize_session=False)).rowcount
    return bool(done)


def release_booth(db: Session, kind_id: int) -> None:
    db.execute(update(BoothKind).where(BoothKind.id == kind_id, BoothKind.given > 0)
               .values(given=BoothKind.given - 1).execution_options(synchronize_session=False))


def _number_booth(db: Session, application: BoothApplication, prefix: str) -> str:
    """The first number of this prefix no held booth of the fair has; the unique (fair, number)
    settles two kinds sharing a prefix numbered at the same moment: the loser takes the next."""
    for _attempt in range(NUMBER_ATTEMPTS):
        held = list(db.scalars(select(BoothApplication.booth_number).where(
            BoothApplication.fair_id == application.fair_id, BoothApplication.booth_number.is_not(None))))
        number = rules.booth_number(prefix, rules.first_free_number(prefix, held))
        try:
            with db.begin_nested():
                db.execute(update(BoothApplication).where(BoothApplication.id == application.id)
                           .values(booth_number=number).execution_options(synchronize_session=False))
            return number
        except IntegrityError:
            continue
    raise Conflict(str(REFUSALS["changed"]))  # pragma: no cover - twenty numbers taken under us


def decide(db: Session, application: BoothApplication, action: str, user: User, *, reason: str = "",
           now: datetime | None = None) -> str:
    """Staff approve, waitlist or decline (with a reason). Returns what became of it: "approved",
    "confirmed" (free booth), "waitlisted", "declined", or "full" (no booth left: waitlisted)."""
    now = now or utcnow()
    expected = application.status
    new = rules.next_status(expected, action, "staff")
    if new is None:
        raise _changed()
    decided = {"decided_by_id": user.id, "decided_at": now}
    if action == "decline":
        text = as_written(reason)
        problems = FieldProblems(FIELD_MESSAGES)
        if not text:
            problems.add("reason", "reason_required")
        elif len(text) > rules.LIMITS["reason"]:
            problems.add("reason", "too_long")
        problems.raise_if_any()
        if not _move(db, application, expected, "declined", reason=text, booth_number=None, **decided):
            raise _changed()
        if rules.releases_booth(expected, "declined"):
            release_booth(db, application.booth_kind_id)
        outcome = "declined"
    elif action == "waitlist":
        if not _move(db, application, expected, "waitlisted", **decided):
            raise _changed()
        outcome = "waitlisted"
    else:
        outcome = _approve(db, application, expected, decided, now)
    db.flush()
    db.refresh(application)
    if application.status != expected:  # an approval that found no booth for a waitlisted one changed nothing
        notices.decided(db, application, application.status)
    return outcome


def _approve(db: Session, application: BoothApplication, expected: str, decided: dict, now: datetime) -> str:
    kind = db.get(BoothKind, application.booth_kind_id)
    if kind is None:  # pragma: no cover - the kind goes with its applications
        raise _changed()
    fee = int(kind.fee_vnd or 0)
    step = db.begin_nested()
    if not _move(db, application, expected, "approved", fee_vnd=fee, reason="", **decided):
        step.rollback()
        raise _changed()
    if not hold_booth(db, kind.id):
        step.rollback()
        if expected == "applied" and not _move(db, application, expected, "waitlisted", **decided):
            raise _changed()
        return "full"
    step.commit()
    _number_booth(db, application, kind.number_prefix)
    if fee == 0:
        _move(db, application, "approved", "confirmed", paid_at=now, payment_method="free")
        return "confirmed"
    return "approved"


def approve_waitlist(db: Session, fair_id: int, user: User, now: datetime | None = None) -> tuple[int, int]:
    """Approve the waitlisted applications of a fair in the order they applied, each while a booth
    of its kind is left. Returns (approved, still waiting)."""
    approved = waiting = 0
    for application in db.scalars(select(BoothApplication).where(
            BoothApplication.fair_id == fair_id, BoothApplication.status == "waitlisted")
            .order_by(BoothApplication.created_at, BoothApplication.id)).all():
        if decide(db, application, "approve", user, now=now) == "full":
            waiting += 1
        else:
            approved += 1
    return approved, waiting


def withdraw(db: Session, application: BoothApplication, user: User) -> None:
    """The applicant takes its application back; a held booth is given back."""
    expected = application.status
    if rules.next_status(expected, "withdraw", "applicant") is None:
        raise _changed()
    if not _move(db, application, expected, "withdrawn", booth_number=None, decided_at=utcnow()):
        raise _changed()
    if rules.releases_booth(expected, "withdrawn"):
        release_booth(db, application.booth_kind_id)
    db.flush()
    db.refresh(application)


def confirm_paid(db: Session, application_id: int, *, method: str, reference: str, now: datetime) -> bool:
    """approved → confirmed, paid: the one way a fee is recorded (card webhook, transfer received).
    False when the application was not waiting for its fee (paid already, withdrawn …)."""
    done = db.execute(update(BoothApplication).where(
        BoothApplication.id == application_id, BoothApplication.status == "approved",
        BoothApplication.paid_at.is_(None), BoothApplication.fee_vnd > 0)
        .values(status="confirmed", paid_at=now, payment_method=method, payment_reference=reference[:255],
                updated_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        return False
    application = db.scalar(select(BoothApplication).where(BoothApplication.id == application_id)
                            .execution_options(populate_existing=True))
    notices.decided(db, application, "confirmed")
    return True


def record_transfer(db: Session, application: BoothApplication, reference: str, user: User, now: datetime) -> None:
    """Staff saw the transfer on the organiser's account: the booth is confirmed."""
    text = clean(reference)
    if len(text) > 200:
        raise ValidationError(str(FIELD_MESSAGES["too_long"]), fields={"reference": [str(FIELD_MESSAGES["too_long"])]})
    if not confirm_paid(db, application.id, method="transfer",
                        reference=text or f"{rules.application_ref(application.id)} ({user.id})", now=now):
        raise Conflict(str(REFUSALS["not_payable"]))
    db.refresh(application)

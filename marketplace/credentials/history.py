"""What a credential's status was on a past day, read from its events (CredentialEvent): the trace
page shows a growing-area code as it stood on the harvest date, not as it stands today; a day before
its issue date it was not yet issued. Its end date too is the one in force that day: a renewal
(a later date change, an event of action "dates") is taken back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.credentials import rules
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from marketplace.dates import VIETNAM, as_utc

DATES = "dates"  # the action of an event that changed the end date, not the status


def _is_verification(event: CredentialEvent) -> bool:
    return event.from_status in ("", "pending") and event.to_status == "active"


def _is_entry(event: CredentialEvent) -> bool:
    return event.from_status == ""


def _after(event: CredentialEvent, day: date) -> bool:
    return as_utc(event.created_at).astimezone(VIETNAM).date() > day


def status_on(events: list[CredentialEvent], current: str, day: date) -> str:
    """The status on `day` (by the end of that day in Việt Nam): the status it has now, taken back
    through every change made after that day, in the order they happened.

    Staff verifying a code (pending → active) confirms the paper, which was valid from its issue
    date: that is not taken back, or a harvest picked before staff got to the code would count as
    untraceable. Nor is its entry (from no status at all): the code was entered after the paper was
    issued, and before the issue date validity_on says "not issued". A suspension, a revocation, an
    expiry or a reinstatement is taken back: on a day before it the code stood as it did then.
    """
    status = current
    for event in reversed(events):
        if not _after(event, day):
            break
        if not (_is_verification(event) or _is_entry(event) or event.action == DATES):
            status = event.from_status
    return status


def dates_on(events: list[CredentialEvent], issued: date | None, end: date | None,
             day: date) -> tuple[date | None, date | None]:
    """The issue and end dates in force on `day`: the ones it has now, taken back through every
    date change made after that day (a code renewed today had expired last month, and a harvest
    then counts so; a renewal with a new issue date does not make last year "not yet issued")."""
    for event in reversed(events):
        if not _after(event, day):
            break
        if event.action == DATES:
            issued, end = event.issued_on_before, event.valid_until_before
    return issued, end


def end_date_on(events: list[CredentialEvent], current: date | None, day: date) -> date | None:
    """The end date in force on `day` (see dates_on)."""
    return dates_on(events, None, current, day)[1]


def _events(db: Session, credential: PlantingCode | Certificate) -> list[CredentialEvent]:
    column = (CredentialEvent.planting_code_id if isinstance(credential, PlantingCode)
              else CredentialEvent.certificate_id)
    return list(db.scalars(select(CredentialEvent).where(column == credential.id)
                           .order_by(CredentialEvent.created_at, CredentialEvent.id)))


def validity_on(db: Session, credential: PlantingCode | Certificate, day: date) -> rules.Validity:
    """What the credential was worth on `day`: its status that day, and its expiry."""
    events = _events(db, credential)
    end_now = credential.valid_until if isinstance(credential, PlantingCode) else credential.expires_on
    issued, end = dates_on(events, credential.issued_on, end_now, day)
    if issued is not None and day < issued:
        return rules.Validity(False, "not_issued")
    status = status_on(events, credential.status, day)
    if isinstance(credential, PlantingCode):
        return rules.validity(status, end, day)
    return rules.validity(status, end, day, stars=credential.stars, cert_type=credential.type)

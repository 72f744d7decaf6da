"""What a credential's status was on a past day, read from its events (CredentialEvent): the trace
page shows a growing-area code as it stood on the harvest date, not as it stands today; a day before
its issue date it was not yet issued."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.credentials import rules
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from marketplace.dates import VIETNAM, as_utc


def _is_verification(event: CredentialEvent) -> bool:
    return event.from_status in ("", "pending") and event.to_status == "active"


def status_on(events: list[CredentialEvent], current: str, day: date) -> str:
    """The status on `day` (by the end of that day in Việt Nam): the status it has now, taken back
    through every change made after that day, in the order they happened.

    Staff verifying a code (pending → active) confirms the paper, which was valid from its issue
    date: that is not taken back, or a harvest picked before staff got to the code would count as
    untraceable. A suspension, a revocation, an expiry or a reinstatement is taken back: on a day
    before it the code stood as it did then.
    """
    status = current
    for event in reversed(events):
        if as_utc(event.created_at).astimezone(VIETNAM).date() <= day:
            break
        if not _is_verification(event):
            status = event.from_status or "pending"
    return status


def _events(db: Session, credential: PlantingCode | Certificate) -> list[CredentialEvent]:
    column = (CredentialEvent.planting_code_id if isinstance(credential, PlantingCode)
              else CredentialEvent.certificate_id)
    return list(db.scalars(select(CredentialEvent).where(column == credential.id)
                           .order_by(CredentialEvent.created_at, CredentialEvent.id)))


def validity_on(db: Session, credential: PlantingCode | Certificate, day: date) -> rules.Validity:
    """What the credential was worth on `day`: its status that day, and its expiry."""
    if credential.issued_on is not None and day < credential.issued_on:
        return rules.Validity(False, "not_issued")
    status = status_on(_events(db, credential), credential.status, day)
    if isinstance(credential, PlantingCode):
        return rules.validity(status, credential.valid_until, day)
    return rules.validity(status, credential.expires_on, day, stars=credential.stars, cert_type=credential.type)

"""What staff check an organisation against, and the log of every verify/suspend/reject."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import CredentialScan, StaffVerified
from marketplace.dates import VIETNAM, as_utc
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.places.models import Commune


class OrganizationRecord(IdMixin, StaffVerified, TimestampMixin, Base):
    """An organisation's founding decision (quyết định thành lập / công nhận) as its board or staff
    entered it, and where staff stand on it: status pending → active (verified) → suspended, or
    rejected, with the reason, who and when (StaffVerified), each change also an
    OrganizationEvent. `Organization.verified` (the badge) is true exactly while this is active.
    A buyer has no founding decision here: staff verify it against its tax code (kept on the
    organisation), with the same status and log."""

    __tablename__ = "organization_records"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", unique=True)
    decision_number: Mapped[str] = mapped_column(String(60), default="")  # "125/QĐ-UBND", as written
    decision_date: Mapped[date | None]
    issuing_commune_code: Mapped[str | None] = references("communes.code")
    issuer: Mapped[str] = mapped_column(String(200), default="")  # "UBND xã Mỹ Xương", as written
    scan_id: Mapped[int | None] = references("credential_scans.id", ondelete="SET NULL")

    organization: Mapped[Organization] = relationship()
    issuing_commune: Mapped[Commune | None] = relationship()
    scan: Mapped[CredentialScan | None] = relationship()

    @property
    def verified_on(self) -> date | None:
        """The day in Vietnam staff verified it, while it is verified (None: not, or before the
        log was kept)."""
        if self.status != "active" or self.verified_at is None:
            return None
        return as_utc(self.verified_at).astimezone(VIETNAM).date()


class OrganizationEvent(IdMixin, Base):
    """Every status change of an organisation's verification: who, when, from what to what, why."""

    __tablename__ = "organization_events"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    actor_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    action: Mapped[str] = mapped_column(String(20))  # submit, verify, suspend, reject, reinstate
    from_status: Mapped[str] = mapped_column(String(12), default="")
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


# The badge's date on pages and cards. Joined to every organisation read (one row at most, by a
# unique key), so that a page of verified cards does not read each card's record on its own
# (issue #21). Declared here, where the record is, so accounts need not know it.
Organization.verification = relationship(OrganizationRecord, uselist=False, viewonly=True, lazy="joined")

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.credentials import rules
from marketplace.db import Base, IdMixin, TimestampMixin, references, utcnow
from marketplace.places.models import Commune
from marketplace.products.models import Product


class StaffVerified:
    """What staff set when they verify, suspend or reject a credential (each change is also a
    CredentialEvent): the status, the reason given, who set it and when."""

    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = references("users.id")
    verified_at: Mapped[datetime | None]

    @declared_attr
    def verified_by(cls) -> Mapped[User | None]:
        return relationship()


class CredentialScan(IdMixin, Base):
    """A scan or photo of a certificate or code decision, for staff to check a credential against.

    Private: only the organisation's members and staff open it (evidence.py). Stored before the
    credential is (so that a form with other problems keeps it): `key` is random and never reused,
    and is what the form carries back; a scan no credential points at is a staged one."""

    __tablename__ = "credential_scans"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    media: Mapped[str] = mapped_column(String(8))  # "pdf", or "image" (re-encoded as WebP)
    filename: Mapped[str] = mapped_column(String(120), default="")  # as the person's device named it
    size_bytes: Mapped[int]
    pages: Mapped[int | None]  # PDF only
    uploaded_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence:
    """What a credential says about itself beyond its number, for staff to check: who issued it,
    what it covers (area in ha, export markets as ISO codes), and a scan of the paper."""

    issuer: Mapped[str] = mapped_column(String(200), default="")
    area_ha: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False))
    markets: Mapped[str] = mapped_column(String(200), default="")  # ";"-separated: CN;US;EU
    scan_id: Mapped[int | None] = references("credential_scans.id", ondelete="SET NULL")

    @declared_attr
    def scan(cls) -> Mapped[CredentialScan | None]:
        return relationship()

    @property
    def market_list(self) -> list[str]:
        return [m for m in self.markets.split(";") if m]


class Certificate(IdMixin, StaffVerified, Evidence, TimestampMixin, Base):
    """A VietGAP, GlobalGAP or organic certificate, or an OCOP rating (type "ocop")."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("type", "number"),)

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    type: Mapped[str] = mapped_column(String(12))
    number: Mapped[str] = mapped_column(String(60))
    product_text: Mapped[str] = mapped_column(String(200), default="")  # as written on the paper
    product_id: Mapped[int | None] = references("products.id")
    stars: Mapped[int | None]  # OCOP only
    level: Mapped[str] = mapped_column(String(20), default="")  # OCOP: commune, province, national
    scope: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    organization: Mapped[Organization] = relationship(lazy="joined")
    product: Mapped[Product | None] = relationship()

    def validity_on(self, day: date) -> rules.Validity:
        return rules.validity(self.status, self.expires_on, day, stars=self.stars, cert_type=self.type)


class PlantingCode(IdMixin, StaffVerified, Evidence, TimestampMixin, Base):
    """A planting area (growing area, PUC) or packing-house (PHC) code. One holder per code."""

    __tablename__ = "planting_codes"

    organization_id: Mapped[int] = references("organizations.id", ondelete="CASCADE", index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    crop: Mapped[str] = mapped_column(String(120), default="")
    product_id: Mapped[int | None] = references("products.id")
    variety: Mapped[str] = mapped_column(String(120), default="")
    households: Mapped[int | None]
    commune_code: Mapped[str | None] = references("communes.code")
    issued_on: Mapped[date | None]
    valid_until: Mapped[date | None]

    organization: Mapped[Organization] = relationship(lazy="joined")
    commune: Mapped[Commune | None] = relationship()
    product: Mapped[Product | None] = relationship()

    def validity_on(self, day: date) -> rules.Validity:
        return rules.validity(self.status, self.valid_until, day)


class CredentialEvent(IdMixin, Base):
    """Every status change of a credential: who, when, from what to what, and why; and every
    change of its dates (action "dates", the status unchanged): `valid_until_before` is the code's
    valid_until or the certificate's expires_on before that change, `issued_on_before` its issue date
    then (None: it had none)."""

    __tablename__ = "credential_events"

    certificate_id: Mapped[int | None] = references("certificates.id", ondelete="CASCADE", index=True)
    planting_code_id: Mapped[int | None] = references("planting_codes.id", ondelete="CASCADE", index=True)
    actor_id: Mapped[int | None] = references("users.id")
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(12), default="")
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    valid_until_before: Mapped[date | None]
    issued_on_before: Mapped[date | None]  # with action "dates": the issue date before the change
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class CodeClaimFlag(IdMixin, Base):
    """An organisation tried to enter a code that another one holds: staff look at it."""

    __tablename__ = "code_claim_flags"

    code: Mapped[str] = mapped_column(String(60), index=True)  # a code or a certificate number
    holder_id: Mapped[int] = references("organizations.id", ondelete="CASCADE")
    claimant_id: Mapped[int] = references("organizations.id", ondelete="CASCADE")
    claimed_by_id: Mapped[int | None] = references("users.id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    # How staff resolved it: "confirmed" (the code was borrowed: the holder's code is suspended) or
    # "cleared" (a mistake); `note` says why.
    resolution: Mapped[str] = mapped_column(String(12), default="", server_default="")
    resolved_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    note: Mapped[str] = mapped_column(Text, default="")

    holder: Mapped[Organization] = relationship(foreign_keys=[holder_id])
    claimant: Mapped[Organization] = relationship(foreign_keys=[claimant_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

"""Reading fairs and applications for the pages (no writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization
from marketplace.fairs import rules
from marketplace.fairs.models import BoothApplication, BoothApplicationListing, Fair
from marketplace.listings.models import Listing
from marketplace.numbers import MAX_ID


def fair_by_slug(db: Session, slug: str) -> Fair | None:
    return db.scalar(select(Fair).where(Fair.slug == slug[:120]).options(selectinload(Fair.booth_kinds)))


def fair_by_id(db: Session, fair_id: int) -> Fair | None:
    return db.get(Fair, fair_id) if 0 < fair_id <= MAX_ID else None


def application_by_id(db: Session, application_id: int) -> BoothApplication | None:
    return db.get(BoothApplication, application_id) if 0 < application_id <= MAX_ID else None


@dataclass(frozen=True)
class FairLists:
    coming: list[Fair]
    past: list[Fair]


def public_fairs(db: Session, today: date) -> FairLists:
    """Published fairs: those not over yet (soonest first) and the past ones (latest first)."""
    fairs = list(db.scalars(select(Fair).where(Fair.status == "published").order_by(Fair.starts_on, Fair.id)))
    return FairLists(coming=[f for f in fairs if rules.is_coming(f.ends_on, today)],
                     past=[f for f in reversed(fairs) if not rules.is_coming(f.ends_on, today)][:50])


def all_fairs(db: Session) -> list[Fair]:
    return list(db.scalars(select(Fair).order_by(Fair.starts_on.desc(), Fair.id.desc()).limit(500)))


@dataclass(frozen=True)
class Exhibitor:
    org: Organization
    booth_number: str


def exhibitors(db: Session, fair_id: int) -> list[Exhibitor]:
    """Organisations with a confirmed booth, by booth number."""
    rows = db.execute(select(Organization, BoothApplication.booth_number)
                      .join(BoothApplication, BoothApplication.org_id == Organization.id)
                      .where(BoothApplication.fair_id == fair_id, BoothApplication.status == "confirmed")
                      .order_by(BoothApplication.booth_number)).all()
    return [Exhibitor(org, number or "") for org, number in rows]


def applications(db: Session, fair_id: int, status: str | None = None) -> list[BoothApplication]:
    statement = select(BoothApplication).where(BoothApplication.fair_id == fair_id)
    if status in rules.APPLICATION_STATUSES:
        statement = statement.where(BoothApplication.status == status)
    return list(db.scalars(statement.order_by(BoothApplication.created_at, BoothApplication.id)))


def status_counts(db: Session, fair_id: int) -> dict[str, int]:
    counts = dict.fromkeys(rules.APPLICATION_STATUSES, 0)
    for (status,) in db.execute(select(BoothApplication.status).where(BoothApplication.fair_id == fair_id)):
        counts[status] = counts.get(status, 0) + 1
    return counts


def applications_of_orgs(db: Session, org_ids: list[int]) -> list[BoothApplication]:
    if not org_ids:
        return []
    return list(db.scalars(select(BoothApplication).where(BoothApplication.org_id.in_(org_ids))
                           .order_by(BoothApplication.created_at.desc())))


def picked_listings(db: Session, application_id: int) -> list[Listing]:
    return list(db.scalars(select(Listing).join(BoothApplicationListing,
                                                BoothApplicationListing.listing_id == Listing.id)
                           .where(BoothApplicationListing.application_id == application_id).order_by(Listing.id)))


def org_names(db: Session, org_ids: list[int]) -> dict[int, str]:
    if not org_ids:
        return {}
    return dict(db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(set(org_ids)))).all())

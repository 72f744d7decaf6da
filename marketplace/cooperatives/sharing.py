"""Which codes a club may attach to its listings through its cooperatives, and since when.

While a club is an active member of a cooperative, the cooperative's verified growing-area and
packing-house codes may be attached to the club's listings ("mã của HTX …"). When the membership
ends, `detach` removes those association rows from the club's listings (listings, matching, search
documents and the trace page then all read the same thing: the code is no longer on the listing)
and enqueues the listings for the search index in the same transaction.

Attaching and leaving cannot race: `usable_codes(..., lock=True)` locks the active membership rows
it reads, and leaving locks the row before ending it, so a listing saved at the same moment either
commits first (and is detached by the leaving) or waits and no longer sees the code.

Services take the session, flush, and never commit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.changes.log import enqueue
from marketplace.cooperatives import rules
from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials.models import PlantingCode
from marketplace.dates import VIETNAM, as_utc, today_in_vietnam
from marketplace.listings.models import Listing, listing_planting_codes
from marketplace.members.models import Household, household_planting_codes


def _day(moment: datetime) -> date:
    return as_utc(moment).astimezone(VIETNAM).date()


def active_cooperative_ids(db: Session, club_id: int, *, lock: bool = False) -> list[int]:
    """The cooperatives the club is an active member of now. With `lock`, the membership rows stay
    locked until the transaction ends (attaching a shared code: see the module's docstring)."""
    query = (select(CooperativeMember.id, CooperativeMember.cooperative_id)
             .where(CooperativeMember.club_id == club_id, CooperativeMember.status == "active")
             .order_by(CooperativeMember.id))
    if lock:
        query = query.with_for_update()
    return [row.cooperative_id for row in db.execute(query)]


def shared_codes(db: Session, club: Organization, *, lock: bool = False,
                 today: date | None = None) -> list[PlantingCode]:
    """The cooperatives' codes the club may attach now (verified, not expired)."""
    cooperative_ids = active_cooperative_ids(db, club.id, lock=lock)
    if not cooperative_ids:
        return []
    today = today or today_in_vietnam()
    codes = db.scalars(select(PlantingCode).where(PlantingCode.organization_id.in_(cooperative_ids))
                       .order_by(PlantingCode.kind, PlantingCode.code))
    return [c for c in codes if rules.shareable(c.kind, c.status, c.valid_until, today)]


def usable_codes(db: Session, club: Organization, *, lock: bool = False,
                 today: date | None = None) -> list[PlantingCode]:
    """The codes the club may attach to its listings: its own (whatever their status, as before)
    and its cooperatives' shared ones. Households' codes are members.services' concern."""
    own = list(db.scalars(select(PlantingCode).where(PlantingCode.organization_id == club.id)
                          .order_by(PlantingCode.kind, PlantingCode.code)))
    return own + shared_codes(db, club, lock=lock, today=today)


def member_on(db: Session, club: Organization | int, cooperative: Organization | int, day: date) -> bool:
    """Whether the club was an active member of the cooperative on that day (a lot's harvest)."""
    club_id = club if isinstance(club, int) else club.id
    cooperative_id = cooperative if isinstance(cooperative, int) else cooperative.id
    rows = db.execute(select(CooperativeMember.answered_at, CooperativeMember.ended_at).where(
        CooperativeMember.club_id == club_id, CooperativeMember.cooperative_id == cooperative_id,
        CooperativeMember.status.in_(("active", "ended")), CooperativeMember.answered_at.is_not(None)))
    spans = [(_day(row.answered_at), _day(row.ended_at) if row.ended_at else None) for row in rows]
    return rules.member_on(spans, day)


def code_usable_by(db: Session, code: PlantingCode, org_id: int, day: date) -> bool:
    """A code on a club's listing or lot counts for it: its own, or its cooperative's on a day the
    club was a member."""
    return code.organization_id == org_id or member_on(db, org_id, code.organization_id, day)


def detach(db: Session, club_id: int, cooperative_id: int) -> set[int]:
    """Take the cooperative's codes off the club's listings and households, and enqueue those
    listings for the search index. Returns the listings' ids."""
    code_ids = select(PlantingCode.id).where(PlantingCode.organization_id == cooperative_id).scalar_subquery()
    households = select(Household.id).where(Household.organization_id == club_id).scalar_subquery()
    db.execute(delete(household_planting_codes).where(household_planting_codes.c.household_id.in_(households),
                                                      household_planting_codes.c.planting_code_id.in_(code_ids)))
    for household in db.scalars(select(Household).where(Household.organization_id == club_id)):
        db.expire(household, ["planting_codes"])  # loaded collections: read the rows as they are now
    listing_ids = set(db.scalars(
        select(listing_planting_codes.c.listing_id)
        .join(Listing, Listing.id == listing_planting_codes.c.listing_id)
        .where(Listing.organization_id == club_id, listing_planting_codes.c.planting_code_id.in_(code_ids))))
    if listing_ids:
        db.execute(delete(listing_planting_codes).where(
            listing_planting_codes.c.listing_id.in_(listing_ids),
            listing_planting_codes.c.planting_code_id.in_(code_ids)))
        # The rows went by a bulk statement, past the flush hook: enqueue the listings ourselves,
        # and forget the loaded collections so pages in this request read the rows as they are.
        enqueue(db, {("listing", i) for i in listing_ids})
        for listing in db.scalars(select(Listing).where(Listing.id.in_(listing_ids))):
            db.expire(listing, ["planting_codes"])
    return listing_ids


def held_by_other(code: PlantingCode, listing: Listing) -> Organization | None:
    """The cooperative whose code this is, when it is not the listing's own organisation's."""
    return code.organization if code.organization_id != listing.organization_id else None

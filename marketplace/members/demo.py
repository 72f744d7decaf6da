"""Demo households and an invitation: two households of the Mỹ Xương club farming under its
orchard code, its cát Chu listing grown by one of them, and an open invitation from the chair.
Loaded by marketplace/demo.py through the services; a second load finds the households by name
and the open invitation, and adds nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import PlantingCode
from marketplace.listings.models import Listing
from marketplace.members import services as members
from marketplace.members.models import Household

CLUB = "demo-hq-xoai-my-xuong"
CODE = "VN-DTOR-9004"
LISTING = "demo-l-xoai-cat-chu-2"
HOUSEHOLDS = (
    members.HouseholdInput(name="Hộ ông Lê Văn Sáu", area_ha="1,5", crops="xoài cát Chu",
                           note="Vườn xoài 15 năm tuổi, ấp 3."),
    members.HouseholdInput(name="Hộ bà Trần Thị Bảy", area_ha="0,8", crops="xoài cát Chu, xoài Đài Loan"),
)
GROWN_BY = "Hộ ông Lê Văn Sáu"


def load(db: Session, orgs: dict[str, Organization], chair: User | None, today: date) -> dict[str, int]:
    club = orgs.get(CLUB)
    if club is None:
        return {"households": 0}
    code = db.scalar(select(PlantingCode).where(PlantingCode.code == CODE, PlantingCode.organization_id == club.id))
    made: dict[str, Household] = {}
    new = 0
    for spec in HOUSEHOLDS:
        household = db.scalar(select(Household).where(Household.organization_id == club.id,
                                                      Household.name == spec.name))
        if household is None:
            spec.planting_code_ids = (code.id,) if code else ()
            household = members.save_household(db, club, None, spec, chair)
            new += 1
        made[spec.name] = household
    listing = db.scalar(select(Listing).where(Listing.ref == LISTING))
    if listing is not None and listing.household_id is None:
        listing.household = made[GROWN_BY]
    if chair is not None and not members.open_invitations(db, club):
        members.invite(db, club, chair, name="Anh Nguyễn Văn Tám", contact="0912 345 678", role="seller",
                       title="Thành viên")
    db.flush()
    return {"households": new}

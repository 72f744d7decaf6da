"""The listings sheet of an import cites a cooperative's code: stored for a member club's listing,
a problem of the row for a club that is not a member (nothing stored)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.cooperatives.models import CooperativeMember
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.imports import services
from marketplace.listings.models import Listing
from tests.factories import make_org, make_planting_code, make_user
from tests.integration.imports.test_import import LISTING_HEADER, read


def _sheets(club_ref: str) -> dict[str, list[list]]:
    today = today_in_vietnam()
    return {"listings": [LISTING_HEADER, [
        "imp-htx-1", club_ref, "xoai", "cat Chu", "fruit", 3000, "kg", 300, "38k", today,
        (today + timedelta(days=30)).strftime("%d/%m/%Y"), None, "vn-dtor 0555", "Xoài loại 1"]]}


def test_member_club_cites_its_cooperatives_code_and_a_non_member_cannot(session):
    coop = make_org("cooperative", name="HTX Nhập thử", ref="htx-nhap-thu")
    member = make_org("club", name="Hội quán thành viên thử", ref="hq-thanh-vien")
    make_org("club", name="Hội quán ngoài thử", ref="hq-ngoai")
    make_planting_code(coop, "VN-DTOR-0555", status="active", valid_until=today_in_vietnam() + timedelta(days=90))
    session.add(CooperativeMember(cooperative_id=coop.id, club_id=member.id, status="active",
                                  proposed_by_org_id=coop.id, answered_at=utcnow()))
    session.commit()
    staff = make_user("staff")

    refused = services.import_data(session, read(_sheets("hq-ngoai")), staff, today_in_vietnam())
    assert not refused.ok
    assert [(p.sheet, p.column) for p in refused.problems] == [("listings", "planting_codes")]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Listing)) == 0

    report = services.import_data(session, read(_sheets("hq-thanh-vien")), staff, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    listing = session.scalar(select(Listing).where(Listing.ref == "imp-htx-1"))
    assert listing.organization_id == member.id
    assert [(c.code, c.organization_id) for c in listing.planting_codes] == [("VN-DTOR-0555", coop.id)]

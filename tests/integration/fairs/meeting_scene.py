"""A fair built directly in the database for the meetings and outcomes tests: a published fair
(dates relative to today), exhibitors holding booths, buyers, an outsider. Shared by
test_meetings.py, test_meeting_pages.py, test_outcomes.py and the browser test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.fairs.models import BoothApplication, BoothKind, Fair
from marketplace.listings.models import Listing
from tests.factories import make_listing, make_org, make_user

_numbers = itertools.count(1)


def make_fair(*, starts_in: int = 10, days: int = 3, status: str = "published", name: str = "Hội chợ Trái cây Đồng Tháp",
              booths: int = 20) -> Fair:
    n = next(_numbers)
    first = today_in_vietnam() + timedelta(days=starts_in)
    fair = Fair(slug=f"hoi-cho-thu-{n}-{first.isoformat()}", name=f"{name} {n}", name_en=f"Dong Thap Fruit Fair {n}",
                starts_on=first, ends_on=first + timedelta(days=days - 1), venue="Quảng trường Cao Lãnh",
                organiser_name="Trung tâm Xúc tiến Thương mại", status=status)
    fair.booth_kinds.append(BoothKind(name="Gian tiêu chuẩn 3×3 m", count=booths, given=0, number_prefix="A-"))
    db.session.add(fair)
    db.session.commit()
    return fair


def hold_booth(fair: Fair, org: Organization, number: str, status: str = "confirmed") -> BoothApplication:
    kind = fair.booth_kinds[0]
    application = BoothApplication(fair_id=fair.id, booth_kind_id=kind.id, org_id=org.id, status=status,
                                   booth_number=number if status in ("approved", "confirmed") else None)
    if status in ("approved", "confirmed"):
        kind.given += 1
    db.session.add(application)
    db.session.commit()
    return application


@dataclass
class Scene:
    fair: Fair
    exhibitor: Organization
    seller: User
    listing: Listing
    other_exhibitor: Organization
    other_seller: User
    buyer_org: Organization
    buyer: User
    outsider_org: Organization
    outsider: User


def make_scene(**fair_fields) -> Scene:
    """A fair with two exhibitors (booths A-01, A-02), a supermarket buyer and an outsider (another
    supermarket, no part of any meeting here); committed."""
    fair = make_fair(**fair_fields)
    exhibitor = make_org("cooperative", name="Hợp tác xã Xoài Mỹ Xương")
    seller = make_user("seller", exhibitor, name="Chị Lan")
    listing = make_listing(exhibitor, "xoài cát Chu")
    other_exhibitor = make_org("club", name="Tổ hợp tác Sen Tháp Mười")
    other_seller = make_user("seller", other_exhibitor)
    buyer_org = make_org("supermarket", name="Siêu thị Xanh Sa Đéc")
    buyer = make_user("buyer", buyer_org, name="Anh Minh")
    outsider_org = make_org("supermarket", name="Siêu thị khác")
    outsider = make_user("buyer", outsider_org)
    hold_booth(fair, exhibitor, "A-01")
    hold_booth(fair, other_exhibitor, "A-02", status="approved")
    return Scene(fair, exhibitor, seller, listing, other_exhibitor, other_seller, buyer_org, buyer, outsider_org,
                 outsider)


def typed_day(scene_or_fair, offset: int = 0) -> str:
    fair = getattr(scene_or_fair, "fair", scene_or_fair)
    return (fair.starts_on + timedelta(days=offset)).strftime("%d/%m/%Y")

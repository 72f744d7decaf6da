"""The demo club of Mỹ Xương has two households under its orchard code, a listing grown by one of
them, and one open invitation: loaded once, whatever the number of loads."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.demo import load_demo
from marketplace.listings.models import Listing
from marketplace.members.models import Household, Invitation
from tests.clients import app_session, text_of


def test_the_demo_households_and_invitation(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert (first["households"], again["households"]) == (2, 0)
        households = session.scalars(select(Household).order_by(Household.name)).all()
        assert [h.name for h in households] == ["Hộ bà Trần Thị Bảy", "Hộ ông Lê Văn Sáu"]
        assert all([c.code for c in h.planting_codes] == ["VN-DTOR-9004"] for h in households)
        listing = session.scalar(select(Listing).where(Listing.ref == "demo-l-xoai-cat-chu-2"))
        assert listing.household.name == "Hộ ông Lê Văn Sáu"
        assert session.scalar(select(func.count(Invitation.id))) == 1
        listing_id = listing.id
    assert "Hộ ông Lê Văn Sáu" in text_of(app.test_client().get(f"/listings/{listing_id}"))

"""The demo has two published visits, an accepted booking next Sunday, and a cooperative founded
from a club with its steps: loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.cooperatives.models import CooperativeStep
from marketplace.demo import load_demo
from marketplace.tourism.models import TourismBooking, TourismOffer
from tests.clients import app_session, text_of


def test_the_demo_visits_and_cooperative(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert (first["tourism_offers"], again["tourism_offers"]) == (2, 0)
        assert again["cooperative_steps"] == 0 and first["cooperative_steps"] == 7
        # Two of the tourism demo's, and the flower club's the targets dashboard counts (reports/demo.py).
        assert session.scalar(select(func.count(TourismOffer.id)).where(TourismOffer.status == "published")) == 3
        assert session.scalar(select(TourismBooking.status)) == "accepted"
        coop = session.scalar(select(Organization).where(Organization.ref == "demo-htx-quyt-hong-lai-vung"))
        club_id = coop.founded_from_id
        assert session.scalar(select(func.count(CooperativeStep.id)).where(CooperativeStep.club_id == club_id)) == 5
        coop_id = coop.id
    client = app.test_client()
    assert "Tham vườn xoài" in text_of(client.get("/tourism?q=tham+vuon+xoai"))
    assert "32" in text_of(client.get(f"/orgs/{club_id}")) and 'data-testid="coop-history"' in text_of(
        client.get(f"/orgs/{coop_id}"))

"""The demo's badges come from staff through the service, never from data: the cooperatives and the
demo supermarket verified by the demo staff member, Hội quán Xoài Mỹ Xương waiting with its
decision sent; loading the demo again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.demo import demo_email, load_demo
from marketplace.verification.models import OrganizationEvent, OrganizationRecord
from tests.clients import app_session, text_of


def test_the_demo_verifies_through_the_service(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert first["verification_records"] == 4 and again["verification_records"] == 0
        staff = session.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
        club = session.scalar(select(Organization).where(Organization.ref == "demo-hq-xoai-my-xuong"))
        record = session.scalar(select(OrganizationRecord).where(OrganizationRecord.organization_id == club.id))
        assert (record.status, record.decision_number, club.verified) == ("pending", "12/QĐ-UBND", False)
        assert record.scan is not None
        # Nobody is verified by data: every verified demo organisation has an active record and
        # staff's verify event.
        verified = list(session.scalars(select(Organization).where(Organization.verified.is_(True),
                                                                   Organization.ref.like("demo-%"))))
        assert {o.ref for o in verified} == {"demo-htx-xoai-my-xuong", "demo-htx-quyt-hong-lai-vung",
                                            "demo-sieu-thi-my-tho"}
        for org in verified:
            assert session.scalar(select(func.count(OrganizationEvent.id)).where(
                OrganizationEvent.organization_id == org.id, OrganizationEvent.action == "verify",
                OrganizationEvent.actor_id == staff.id)) == 1
        coop_id, club_id = next(o.id for o in verified if o.ref == "demo-htx-xoai-my-xuong"), club.id
    visitor = app.test_client()
    assert "Đã xác minh bởi cán bộ ngày" in text_of(visitor.get(f"/orgs/{coop_id}"))
    assert "Đã xác minh bởi cán bộ" not in text_of(visitor.get(f"/orgs/{club_id}"))

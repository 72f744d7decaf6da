"""The demo's club activity: monthly meetings over the last twelve months, a training with an
expert, a workshop with the supermarket; answered concerns, one overdue, one open; loaded once."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.activity import rules
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.dates import today_in_vietnam
from marketplace.demo import demo_email, load_demo
from tests.clients import app_session, signed_in, text_of


def test_the_demo_club_activity(app):
    today = today_in_vietnam()
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert first["club_activities"] >= 14 and first["club_concerns"] == 5
        assert (again["club_activities"], again["club_concerns"]) == (0, 0)
        club = session.scalar(select(Organization).where(Organization.ref == "demo-hq-xoai-my-xuong"))
        kinds = set(session.scalars(select(ClubActivity.kind).where(ClubActivity.organization_id == club.id)))
        assert kinds == {"meeting", "training", "workshop"}
        assert all(a.held_on <= today for a in session.scalars(select(ClubActivity)))
        concerns = list(session.scalars(select(ClubConcern)))
        assert sum(c.status in ("answered", "closed") and bool(c.handler and c.answer) for c in concerns) == 3
        late = [c for c in concerns if rules.is_overdue(c.status, c.raised_on, c.due_on, today)]
        assert [c.status for c in late] == ["assigned"]
        assert [c.status for c in concerns if c.status == "open"] == ["open"]
        club_id = club.id
        staff = session.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
    public = text_of(app.test_client().get(f"/orgs/{club_id}"))
    assert "Tập huấn quản lý ruồi đục trái" in public and "Lê Văn Hai" not in public
    queue = text_of(signed_in(app, staff, password="demo-password-123").get("/staff/concerns"))
    assert queue.index("Đường giao thông nội đồng") < queue.index("trà sen vào chương trình OCOP")

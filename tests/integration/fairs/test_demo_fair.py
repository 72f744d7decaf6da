"""The demo has a coming fair with booths and applications in different states, loaded once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from marketplace.demo import load_demo
from marketplace.fairs.models import BoothApplication, Fair
from tests.clients import app_session, signed_in, text_of


def test_the_demo_fair(app):
    with app_session(app) as session:
        load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert again["fairs"] == 0
        [fair] = session.scalars(select(Fair))
        assert (fair.name, fair.status) == ("Hội chợ Trái cây Đồng Tháp 2027", "published")
        assert [(k.count, k.fee_vnd) for k in fair.booth_kinds] == [(20, 1_500_000), (4, 0)]
        states = Counter(a.status for a in session.scalars(select(BoothApplication)))
        assert states == {"confirmed": 2, "approved": 1, "applied": 1, "waitlisted": 1}
        slug = fair.slug
    text = text_of(signed_in(app).get(f"/fairs/{slug}"))
    assert "A-01" in text and "F-01" in text  # the confirmed exhibitors
    assert "Hội chợ Trái cây Đồng Tháp 2027" in text_of(signed_in(app).get("/fairs"))

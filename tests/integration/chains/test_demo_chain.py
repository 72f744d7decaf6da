"""The demo has the issue's chain: the demo supermarket and HTX Xoài Mỹ Xương, 60 tấn of xoài cát
Chu with codes, accepted by both, with its planned deliveries; loaded once."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.chains.models import Chain
from marketplace.demo import load_demo
from tests.clients import app_session


def test_the_demo_chain(app):
    with app_session(app) as session:
        load_demo(session, "demo-password-123")
        session.commit()
        assert load_demo(session, "demo-password-123")["chains"] == 0
        session.commit()
        [chain] = session.scalars(select(Chain))
        assert (chain.status, float(chain.total_quantity), chain.unit) == ("active", 60, "tấn")
        assert chain.requires_growing_area_code and chain.required_certificate_list == ["vietgap"]
        assert [p.org.name for p in chain.parties] == ["HTX Xoài Mỹ Xương"]
        assert chain.parties[0].accepted_at is not None and chain.buyer_accepted_at is not None
        assert len(chain.deliveries) >= 10
        assert round(sum(float(d.quantity) for d in chain.deliveries), 3) <= 60
